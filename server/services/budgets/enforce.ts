import { and, eq, inArray, isNull } from "drizzle-orm";
import { instances, teams } from "@/server/db/schema";
import { formatUsd } from "@/components/ui/format";
import { systemContext } from "../context";
import { monthKey } from "../metering/cost";
import { teamSpendOf } from "../metering/team-spend";
import { JOBS, requestTermination, sendJob, type LifecycleDeps } from "../compute/instances";
import { notifyRoles } from "../notifications/notifications";
import { accruingInstanceSpend, hardCaps } from "./budgets";
import { BUDGET_RECIPIENTS } from "./alerts";

export const STOPPED_AT_CAP = "Stopped: the team reached its monthly budget cap.";

/**
 * For teams that chose "stop instances at the cap": once the month's spend (with running time not
 * yet in the ledger) reaches the cap, their on-demand instances are terminated, as a member's click
 * would. Instances in a reservation are prepaid and keep running. Runs on every worker tick.
 */
export async function stopInstancesAtCap(deps: LifecycleDeps): Promise<number> {
  const now = deps.now();
  const month = monthKey(now);
  const caps = [...(await hardCaps(deps.db))].filter(([, cap]) => cap.stopInstancesAtCap);
  if (caps.length === 0) return 0;
  const accruing = await accruingInstanceSpend(deps.db, caps.map(([teamId]) => teamId), now);
  const system = systemContext(deps.db, deps.now, deps.log);
  let stopped = 0;
  for (const [teamId, cap] of caps) {
    const spend = await teamSpendOf(deps.db, teamId, month);
    const used = spend.spentNano + (accruing.get(teamId) ?? 0n);
    if (used < cap.capNano) continue;
    const live = await deps.db
      .select()
      .from(instances)
      .where(and(eq(instances.teamId, teamId), isNull(instances.reservationId), inArray(instances.state, ["pending", "provisioning", "running"])));
    const ids: string[] = [];
    for (const row of live) {
      const moved = await deps.db.transaction((tx) => requestTermination(tx, system, row, STOPPED_AT_CAP, { reason: "budget_cap" }));
      if (!moved) continue;
      ids.push(row.id);
      await sendJob(deps.db, deps.log, JOBS.terminate, { instanceId: row.id });
    }
    if (ids.length === 0) continue;
    stopped += ids.length;
    const [team] = await deps.db.select({ slug: teams.slug }).from(teams).where(eq(teams.id, teamId));
    await notifyRoles(deps.db, [...BUDGET_RECIPIENTS, "developer"], {
      teamId,
      kind: "instances_stopped_at_cap",
      title: `${ids.length} instance${ids.length === 1 ? "" : "s"} stopped at the budget cap`,
      body: `The team reached its monthly budget cap of ${formatUsd(cap.capNano)}, and the budget is set to stop on-demand instances then. Raise the budget before launching again.`,
      href: team ? `/${team.slug}/instances` : null,
      dedupeKey: `cap-stop:${month}:${ids.sort()[0]}`,
    }, deps.now());
  }
  return stopped;
}
