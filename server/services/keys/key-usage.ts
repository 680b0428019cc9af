import { and, eq, sql } from "drizzle-orm";
import { apiKeys, usageEvents } from "@/server/db/schema";
import { requireScope, type TeamContext } from "../context";
import { AppError } from "../errors";
import { KEY_NOT_FOUND } from "./list-keys";
import { keyIdInput, type KeyIdInput } from "./schemas";

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costNano: bigint;
}

export interface KeyUsage {
  keyId: string;
  last24Hours: UsageTotals;
  last30Days: UsageTotals;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one key used, from the usage ledger: the last 24 hours and the last 30 days up to now. */
export async function keyUsage(ctx: TeamContext, rawInput: KeyIdInput): Promise<KeyUsage> {
  requireScope(ctx, "usage:read");
  const { keyId } = keyIdInput.parse(rawInput);
  const now = ctx.now();

  const [key] = await ctx.db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.teamId, ctx.team.id), eq(apiKeys.id, keyId)))
    .limit(1);
  if (!key) throw new AppError("NOT_FOUND", KEY_NOT_FOUND);

  const end = now.toISOString();
  const dayStart = new Date(now.getTime() - DAY_MS).toISOString();
  const monthStart = new Date(now.getTime() - 30 * DAY_MS).toISOString();
  const inDay = sql`${usageEvents.createdAt} > ${dayStart}::timestamptz`;
  // Sums come back as text so that both drivers hand over exact values (numeric/bigint → string).
  const [row] = await ctx.db
    .select({
      dayRequests: sql<string>`count(*) filter (where ${inDay})::text`,
      dayInput: sql<string>`coalesce(sum(${usageEvents.inputTokens}) filter (where ${inDay}), 0)::text`,
      dayOutput: sql<string>`coalesce(sum(${usageEvents.outputTokens}) filter (where ${inDay}), 0)::text`,
      dayCost: sql<string>`coalesce(sum(${usageEvents.costNano}) filter (where ${inDay}), 0)::text`,
      monthRequests: sql<string>`count(*)::text`,
      monthInput: sql<string>`coalesce(sum(${usageEvents.inputTokens}), 0)::text`,
      monthOutput: sql<string>`coalesce(sum(${usageEvents.outputTokens}), 0)::text`,
      monthCost: sql<string>`coalesce(sum(${usageEvents.costNano}), 0)::text`,
    })
    .from(usageEvents)
    .where(
      and(
        eq(usageEvents.teamId, ctx.team.id),
        eq(usageEvents.apiKeyId, keyId),
        sql`${usageEvents.createdAt} > ${monthStart}::timestamptz`,
        sql`${usageEvents.createdAt} <= ${end}::timestamptz`,
      ),
    );

  return {
    keyId,
    last24Hours: totals(row?.dayRequests, row?.dayInput, row?.dayOutput, row?.dayCost),
    last30Days: totals(row?.monthRequests, row?.monthInput, row?.monthOutput, row?.monthCost),
  };
}

function totals(requests = "0", input = "0", output = "0", cost = "0"): UsageTotals {
  return { requests: Number(requests), inputTokens: Number(input), outputTokens: Number(output), costNano: BigInt(cost) };
}
