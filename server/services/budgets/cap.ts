import type { Db, Tx } from "@/server/db";
import { formatUsd } from "@/components/ui/format";
import { AppError } from "../errors";
import { monthKey } from "../metering/cost";
import { reserveTeamSpend, teamSpendOf } from "../metering/team-spend";
import { refreshedEvery } from "../refreshed";
import { accruingInstanceSpend, hardCaps } from "./budgets";

/** `details.reason` of the error a hard cap refuses with; the public API answers 429 insufficient_quota. */
export const BUDGET_CAP_REACHED = "budget_cap_reached";

const RAISE = "An owner, admin or billing member can raise the budget on the Spend page; otherwise new spend resumes next month.";

/**
 * Checks a charge against the team's hard cap, inside the transaction that makes it. A charge of a
 * known amount (a reservation) is reserved against the cap, atomically, and the returned amount must
 * be passed as the usage event's `reservedNano`, which releases it. A launch (amount 0, billed as it
 * runs) is refused once the cap is reached. Without a hard cap this costs one indexed read.
 */
export async function holdWithinCap(tx: Tx, teamId: string, now: Date, amountNano: bigint, what: "launch" | "reservation"): Promise<bigint> {
  const cap = (await hardCaps(tx, [teamId])).get(teamId);
  if (!cap) return 0n;
  const month = monthKey(now);
  const spend = await teamSpendOf(tx, teamId, month);
  const accruing = (await accruingInstanceSpend(tx, [teamId], now)).get(teamId) ?? 0n;
  const used = spend.spentNano + spend.reservedNano + accruing;
  if (used >= cap.capNano) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `Your team has reached its monthly budget cap of ${formatUsd(cap.capNano)} (${formatUsd(used)} spent or held this month), so new ${what === "launch" ? "launches" : "reservations"} are refused. ${RAISE}`,
      { reason: BUDGET_CAP_REACHED },
    );
  }
  if (amountNano === 0n) return 0n;
  const left = cap.capNano - used;
  const reserved = amountNano <= left && (await reserveTeamSpend(tx, { teamId, month, capNano: cap.capNano - accruing, amountNano }));
  if (!reserved) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `This reservation costs ${formatUsd(amountNano)}, more than the ${formatUsd(left)} left of your team's monthly budget cap of ${formatUsd(cap.capNano)}. ${RAISE}`,
      { reason: BUDGET_CAP_REACHED },
    );
  }
  return amountNano;
}

/** Budget caps as the gateway reads them: kept for `ttlMs`, so a request costs no extra query. */
export interface BudgetCapCache {
  capOf(teamId: string): Promise<bigint | null>;
}

export function createBudgetCapCache(db: Db, ttlMs = 1_000, nowMs: () => number = Date.now): BudgetCapCache {
  const caps = refreshedEvery(async () => new Map([...(await hardCaps(db))].map(([teamId, cap]) => [teamId, cap.capNano])), ttlMs, nowMs);
  return { capOf: async (teamId) => (await caps.get()).get(teamId) ?? null };
}
