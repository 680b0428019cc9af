import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/server/db";
import { rowsOf } from "@/server/db/sql";
import { AppError } from "../errors";
import { displayNames } from "./names";
import { daysBetween, MAX_RANGE_DAYS, parseDay } from "./range";
import { emptyMeasures, isWholeHour, MEASURES, measuresOf, rollupWindow, type MeasureRow, type Measures } from "./rollup-query";

/**
 * Usage for the public API (`GET /v1/usage`): a team's usage over [start, end), grouped by day,
 * model, API key or instance type, from the rollups. Bounds may be any whole hour (UTC), so that a
 * client can ask for "the last 24 hours"; whole days inside the range are read from day rollups and
 * the hours at either end from hour rollups, which keeps the figures exact.
 */

export const USAGE_GROUPS = ["day", "model", "key", "instance_type"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

const HOUR_MS = 3_600_000;

const instantField = (name: "start" | "end") =>
  z.union([z.date(), z.string()], { error: `Give '${name}' as a date (YYYY-MM-DD) or an ISO 8601 time on a whole hour.` }).transform((value, ctx) => {
    let at: Date | null;
    if (value instanceof Date) at = value;
    else if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) at = parseDay(value.trim());
    // A time needs its zone: "2026-11-05T13:00" alone would mean the server's local time.
    else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) at = new Date(value.trim());
    else at = null;
    if (!at || Number.isNaN(at.getTime())) {
      ctx.addIssue({ code: "custom", message: `'${name}' must be a date (YYYY-MM-DD, midnight UTC) or an ISO 8601 time with a zone, e.g. 2026-11-05T13:00:00Z.` });
      return z.NEVER;
    }
    if (!isWholeHour(at)) {
      ctx.addIssue({ code: "custom", message: `'${name}' must be on a whole hour (usage is kept per hour), e.g. ${new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS).toISOString()}.` });
      return z.NEVER;
    }
    return at;
  });

export const usageQueryInput = z.object({
  /** Inclusive. */
  start: instantField("start"),
  /** Exclusive; defaults to the end of the current hour. */
  end: instantField("end").optional(),
  groupBy: z.enum(USAGE_GROUPS, { error: "Group by day, model, key or instance_type." }).default("day"),
});
export type UsageQueryInput = z.input<typeof usageQueryInput>;

export interface UsageQuery {
  start: Date;
  end: Date;
  groupBy: UsageGroup;
}

/** Validates a query (from a URL, so anything) and fills in its end; errors name the parameter at fault. */
export function parseUsageQuery(raw: UsageQueryInput | Record<string, unknown>, now: Date): UsageQuery {
  const input = usageQueryInput.parse(raw);
  const end = input.end ?? new Date(Math.ceil((now.getTime() + 1) / HOUR_MS) * HOUR_MS);
  if (end <= input.start) {
    throw AppError.field("BAD_REQUEST", input.end ? "end" : "start", input.end ? "'end' must be after 'start'." : "'start' must be in the past when 'end' is not given.");
  }
  if (end.getTime() - input.start.getTime() > MAX_RANGE_DAYS * 24 * HOUR_MS) {
    throw AppError.field("BAD_REQUEST", "end", `A range may span at most ${MAX_RANGE_DAYS} days; ask for longer periods in several requests.`);
  }
  return { start: input.start, end, groupBy: input.groupBy };
}

export interface UsageRow extends Measures {
  /** The day ("2026-11-05"), model id, API key id ('' for usage without a key) or instance type id. */
  value: string;
  /** The key's or instance type's name, the model's display name; null for days. */
  name: string | null;
}

export interface UsageReport extends UsageQuery {
  rows: UsageRow[];
  /** All usage in the range, whatever the grouping (model rows leave compute out, for one). */
  total: Measures;
}

const GROUP_EXPRESSION: Record<UsageGroup, SQL> = {
  day: sql`to_char(bucket at time zone 'UTC', 'YYYY-MM-DD')`,
  model: sql.raw("model"),
  key: sql.raw("api_key_id"),
  instance_type: sql.raw("instance_type_id"),
};

const DIMENSION = { model: "model", key: "key", instance_type: "instance_type" } as const;

/** A team's usage over [start, end) (whole hours), grouped; days with no usage are listed with zeros. */
export async function usageReport(db: Db, teamId: string, query: UsageQuery): Promise<UsageReport> {
  const rows = await rowsOf<MeasureRow & { v: string | null; whole: number }>(
    db,
    sql`
      select ${GROUP_EXPRESSION[query.groupBy]} as v, grouping(${GROUP_EXPRESSION[query.groupBy]})::int as whole, ${MEASURES}
      from usage_rollups
      where team_id = ${teamId} and ${rollupWindow(query.start, query.end)}
      group by rollup (${GROUP_EXPRESSION[query.groupBy]})`,
  );
  const total = measuresOf(rows.find((r) => r.whole === 1));
  const grouped = rows.filter((r) => r.whole === 0);

  if (query.groupBy === "day") {
    const byDay = new Map(grouped.map((r) => [r.v!, measuresOf(r)]));
    return { ...query, total, rows: daysBetween(query.start, query.end).map((day) => ({ value: day, name: null, ...(byDay.get(day) ?? emptyMeasures()) })) };
  }

  // '' is usage with no model (compute) or no instance type (tokens): not a group of its own.
  const kept = grouped.filter((r) => query.groupBy === "key" || r.v !== "");
  const names = await displayNames(db, teamId, DIMENSION[query.groupBy], kept.map((r) => r.v ?? ""));
  const result: UsageRow[] = kept.map((r) => {
    const value = r.v ?? "";
    const name = names.get(value);
    return { value, name: query.groupBy === "key" && value === "" ? null : (name?.label ?? null), ...measuresOf(r) };
  });
  result.sort((a, b) => (a.costNano === b.costNano ? a.value.localeCompare(b.value) : a.costNano > b.costNano ? -1 : 1));
  return { ...query, total, rows: result };
}
