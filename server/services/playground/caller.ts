import type { GatewayCaller } from "../inference/gateway";
import { requireScope, type ServiceContext } from "../context";
import { enterTeam } from "../teams/team-access";

/**
 * Who a playground run is billed to: the signed-in member, for their team, if their role may run
 * models (`inference`). Throws NOT_FOUND for a non-member and FORBIDDEN for a role without it.
 */
export async function playgroundCaller(ctx: ServiceContext, teamId: string): Promise<GatewayCaller> {
  const team = await enterTeam(ctx, { teamId });
  requireScope(team, "inference");
  return { teamId: team.team.id, source: "playground", apiKey: null, userId: team.actor.userId };
}
