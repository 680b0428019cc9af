import { and, eq, gte } from "drizzle-orm";
import { usageEvents, type UsageStatus } from "@/server/db/schema";
import { requireScope, type TeamContext } from "../context";
import { runUsageInput, type RunUsageInput } from "./schemas";

export interface RunUsage {
  requestId: string;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  /** Exact integer nano-USD as a decimal string, e.g. "1250". */
  costNano: string;
  status: UsageStatus;
  httpStatus: number | null;
  latencyMs: number | null;
  ttftMs: number | null;
  createdAt: Date;
}

// The page asks right after a run; a day is ample, and bounding created_at lets the lookup use the
// (team_id, created_at) index instead of scanning all of the team's events.
const LOOKBACK_MS = 24 * 60 * 60 * 1000;

/**
 * What one playground run used, from the usage ledger. Null until the usage writer has flushed the
 * event (it writes in batches, every 200 ms), so the page polls. A request id from another team,
 * or from the public API, looks exactly like one not written yet.
 */
export async function getRunUsage(ctx: TeamContext, rawInput: RunUsageInput): Promise<RunUsage | null> {
  requireScope(ctx, "inference");
  const { requestId } = runUsageInput.parse(rawInput);
  const since = new Date(ctx.now().getTime() - LOOKBACK_MS);

  const [row] = await ctx.db
    .select({
      requestId: usageEvents.requestId,
      model: usageEvents.model,
      inputTokens: usageEvents.inputTokens,
      outputTokens: usageEvents.outputTokens,
      costNano: usageEvents.costNano,
      status: usageEvents.status,
      httpStatus: usageEvents.httpStatus,
      latencyMs: usageEvents.latencyMs,
      ttftMs: usageEvents.ttftMs,
      createdAt: usageEvents.createdAt,
    })
    .from(usageEvents)
    .where(
      and(
        eq(usageEvents.teamId, ctx.team.id),
        gte(usageEvents.createdAt, since),
        eq(usageEvents.requestId, requestId),
        eq(usageEvents.source, "playground"),
      ),
    )
    .limit(1);
  if (!row) return null;
  return { ...row, requestId, costNano: row.costNano.toString() };
}
