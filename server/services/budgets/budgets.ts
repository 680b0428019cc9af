import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { rowsOf, ts } from "@/server/db/sql";
import { teamBudgets } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { requireScope, type TeamContext } from "../context";
import { monthKey } from "../metering/cost";
import { teamSpendOf } from "../metering/team-spend";
import { usdToNano } from "../keys/schemas";
import { setBudgetInput, type SetBudgetInput } from "./schemas";
import { checkBudgetAlerts } from "./alerts";

export interface Budget {
  amountNano: bigint;
  alertThresholds: number[];
  hardCap: boolean;
  stopInstancesAtCap: boolean;
  updatedAt: Date;
}

export interface BudgetStatus {
  /** First day of the UTC month, e.g. 2026-11-01. */
  month: string;
  budget: Budget | null;
  /** Charges in the usage ledger this month. */
  spentNano: bigint;
  /** Held by API requests and purchases in flight. */
  reservedNano: bigint;
  /** Running on-demand instances' time not yet in the ledger (the current hour). */
  accruingNano: bigint;
  /** Whole percent of the budget used (spent + accruing); null without a budget. */
  percentUsed: number | null;
  /** The hard cap is on and reached: new spend is refused. */
  capReached: boolean;
}

export async function getBudget(db: Db | Tx, teamId: string): Promise<Budget | null> {
  const [row] = await db.select().from(teamBudgets).where(eq(teamBudgets.teamId, teamId));
  if (!row) return null;
  return {
    amountNano: row.amountNano,
    alertThresholds: [...row.alertThresholds].sort((a, b) => a - b),
    hardCap: row.hardCap,
    stopInstancesAtCap: row.stopInstancesAtCap,
    updatedAt: row.updatedAt,
  };
}

/**
 * What running on-demand instances have used since their time was last written to the ledger.
 * Hours are billed as they close, so this is at most an hour of each instance.
 */
export async function accruingInstanceSpend(db: Db | Tx, teamIds: string[], now: Date): Promise<Map<string, bigint>> {
  if (teamIds.length === 0) return new Map();
  const rows = await rowsOf<{ team_id: string; nano: string }>(
    db,
    sql`select team_id, sum(price_nano_per_hour * greatest(0, floor(extract(epoch from (${ts(now)}::timestamptz - coalesce(billed_until, running_at)))))::bigint / 3600)::bigint as nano
        from instances
        where team_id in ${teamIds} and running_at is not null and terminated_at is null and state in ('running', 'stopping')
        group by team_id`,
  );
  return new Map(rows.map((row) => [row.team_id, BigInt(row.nano)]));
}

export async function budgetStatus(db: Db | Tx, teamId: string, now: Date): Promise<BudgetStatus> {
  const month = monthKey(now);
  const [budget, spend, accruing] = await Promise.all([
    getBudget(db, teamId),
    teamSpendOf(db, teamId, month),
    accruingInstanceSpend(db, [teamId], now),
  ]);
  const accruingNano = accruing.get(teamId) ?? 0n;
  const used = spend.spentNano + accruingNano;
  return {
    month,
    budget,
    spentNano: spend.spentNano,
    reservedNano: spend.reservedNano,
    accruingNano,
    percentUsed: budget ? Number((used * 100n) / budget.amountNano) : null,
    capReached: !!budget?.hardCap && used + spend.reservedNano >= budget.amountNano,
  };
}

/** Sets the team's monthly budget (owner, admin, billing). Thresholds already crossed alert now. */
export async function setBudget(ctx: TeamContext, rawInput: SetBudgetInput): Promise<BudgetStatus> {
  requireScope(ctx, "billing:write");
  const input = setBudgetInput.parse(rawInput);
  const amountNano = usdToNano(input.amountUsd)!;
  const alertThresholds = [...input.alertThresholds].sort((a, b) => a - b);
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const before = await getBudget(tx, ctx.team.id);
    const values = {
      amountNano,
      alertThresholds,
      hardCap: input.hardCap,
      stopInstancesAtCap: input.stopInstancesAtCap,
      updatedBy: ctx.actor.userId,
      updatedAt: now,
    };
    await tx
      .insert(teamBudgets)
      .values({ teamId: ctx.team.id, ...values })
      .onConflictDoUpdate({ target: teamBudgets.teamId, set: values });
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "budget.updated",
      target: { type: "team", id: ctx.team.id },
      metadata: {
        from: before ? auditView(before) : null,
        to: auditView({ amountNano, alertThresholds, hardCap: input.hardCap, stopInstancesAtCap: input.stopInstancesAtCap }),
      },
    });
  });
  await checkBudgetAlerts(ctx.db, now, { teamIds: [ctx.team.id], log: ctx.log });
  return budgetStatus(ctx.db, ctx.team.id, now);
}

export async function removeBudget(ctx: TeamContext): Promise<BudgetStatus> {
  requireScope(ctx, "billing:write");
  await ctx.db.transaction(async (tx) => {
    const [removed] = await tx.delete(teamBudgets).where(eq(teamBudgets.teamId, ctx.team.id)).returning();
    if (!removed) return;
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "budget.removed",
      target: { type: "team", id: ctx.team.id },
      metadata: { from: auditView(removed) },
    });
  });
  return budgetStatus(ctx.db, ctx.team.id, ctx.now());
}

function auditView(budget: Pick<Budget, "amountNano" | "alertThresholds" | "hardCap" | "stopInstancesAtCap">) {
  return {
    amountNano: budget.amountNano.toString(),
    alertThresholds: budget.alertThresholds,
    hardCap: budget.hardCap,
    stopInstancesAtCap: budget.stopInstancesAtCap,
  };
}

/** Teams whose hard cap is on, with the cap: what enforcement and the gateway read. */
export async function hardCaps(db: Db | Tx, teamIds?: string[]): Promise<Map<string, { capNano: bigint; stopInstancesAtCap: boolean }>> {
  const rows = await db
    .select({ teamId: teamBudgets.teamId, capNano: teamBudgets.amountNano, stopInstancesAtCap: teamBudgets.stopInstancesAtCap })
    .from(teamBudgets)
    .where(and(eq(teamBudgets.hardCap, true), teamIds ? inArray(teamBudgets.teamId, teamIds) : isNotNull(teamBudgets.teamId)));
  return new Map(rows.map((row) => [row.teamId, { capNano: row.capNano, stopInstancesAtCap: row.stopInstancesAtCap }]));
}
