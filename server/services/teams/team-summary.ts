import { and, count, eq } from "drizzle-orm";
import { auditEvents, memberships, teams } from "@/server/db/schema";
import { requireScope, type TeamContext } from "../context";

export interface TeamSummary {
  memberCount: number;
  createdAt: Date;
  /** Whether anyone has renamed the team or changed its URL since it was created. */
  renamed: boolean;
}

export async function getTeamSummary(ctx: TeamContext): Promise<TeamSummary> {
  requireScope(ctx, "team:read");
  const [[members], [team], [updated]] = await Promise.all([
    ctx.db.select({ n: count() }).from(memberships).where(eq(memberships.teamId, ctx.team.id)),
    ctx.db.select({ createdAt: teams.createdAt }).from(teams).where(eq(teams.id, ctx.team.id)),
    ctx.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, ctx.team.id), eq(auditEvents.action, "team.updated")))
      .limit(1),
  ]);
  return { memberCount: members?.n ?? 0, createdAt: team?.createdAt ?? ctx.now(), renamed: Boolean(updated) };
}
