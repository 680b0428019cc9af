import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { budgetAlerts, teamBudgets, teams, teamSpend } from "@/server/db/schema";
import type { Logger } from "../context";
import { monthKey } from "../metering/cost";
import { monthLabel } from "../billing/shared";
import { notifyRoles } from "../notifications/notifications";
import { formatUsd } from "@/components/ui/format";

/** Who hears about the budget: the people who can change it or pay for it. */
export const BUDGET_RECIPIENTS = ["owner", "admin", "billing"] as const;

/**
 * Sends the alert of every threshold the month's spend has crossed, once per team, month and
 * threshold: the alert's row is inserted first, and only the insert that wins notifies. Cheap
 * when nothing is due, so it runs after every usage write and on every worker tick.
 */
export async function checkBudgetAlerts(db: Db, now: Date, options: { teamIds?: string[]; log?: Logger } = {}): Promise<number> {
  if (options.teamIds?.length === 0) return 0;
  const month = monthKey(now);
  const rows = await db
    .select({
      teamId: teamBudgets.teamId,
      slug: teams.slug,
      amountNano: teamBudgets.amountNano,
      thresholds: teamBudgets.alertThresholds,
      hardCap: teamBudgets.hardCap,
      spentNano: sql<string>`coalesce(${teamSpend.spentNano}, 0)`,
    })
    .from(teamBudgets)
    .innerJoin(teams, eq(teams.id, teamBudgets.teamId))
    .leftJoin(teamSpend, sql`${teamSpend.teamId} = ${teamBudgets.teamId} and ${teamSpend.month} = ${month}`)
    .where(options.teamIds ? inArray(teamBudgets.teamId, options.teamIds) : undefined);
  let sent = 0;
  for (const row of rows) {
    const spent = BigInt(row.spentNano);
    const crossed = row.thresholds.filter((t) => spent * 100n >= row.amountNano * BigInt(t)).sort((a, b) => a - b);
    for (const threshold of crossed) {
      try {
        const [won] = await db
          .insert(budgetAlerts)
          .values({ teamId: row.teamId, month, threshold, spentNano: spent, budgetNano: row.amountNano, createdAt: now })
          .onConflictDoNothing()
          .returning({ threshold: budgetAlerts.threshold });
        if (!won) continue;
        const atCap = row.hardCap && threshold >= 100;
        await notifyRoles(db, [...BUDGET_RECIPIENTS], {
          teamId: row.teamId,
          kind: atCap ? "budget_cap" : "budget_threshold",
          title: atCap ? "Monthly budget cap reached" : `${threshold}% of the monthly budget used`,
          body: atCap
            ? `${formatUsd(spent)} spent of ${formatUsd(row.amountNano)} this month. New API requests, launches and reservations are refused until the budget is raised or the month ends.`
            : `${formatUsd(spent)} spent of the ${formatUsd(row.amountNano)} budget for ${monthLabel(month)}.`,
          href: `/${row.slug}/spend`,
          dedupeKey: `budget:${month}:${threshold}`,
        }, now);
        sent += 1;
      } catch (error) {
        options.log?.error("budget alert failed", { teamId: row.teamId, threshold, error: String(error) });
      }
    }
  }
  return sent;
}
