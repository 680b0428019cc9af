import { sql, type SQL } from "drizzle-orm";
import { ts } from "@/server/db/sql";
import { addDays, startOfUtcDay, type FilterDimension, type SpendFilter } from "./range";

/**
 * SQL pieces shared by the spend reports. Reports read `usage_rollups` only; its primary key
 * starts with (team_id, granularity, bucket), so a team's range is one index range scan.
 */

export const ROLLUP_COLUMN: Record<FilterDimension, SQL> = {
  model: sql.raw("model"),
  key: sql.raw("api_key_id"),
  instance_type: sql.raw("instance_type_id"),
  member: sql.raw("user_id"),
  product: sql.raw("product"),
};

const HOUR_MS = 3_600_000;

export function isWholeHour(at: Date): boolean {
  return at.getTime() % HOUR_MS === 0;
}

/**
 * The rollup rows that make up exactly [start, end): day rollups for the whole UTC days inside it,
 * hour rollups for the hours before the first and after the last whole day. Both bounds must be on
 * whole hours (the finest rollup); day-aligned bounds, as every console range has, read day rows only.
 */
export function rollupWindow(start: Date, end: Date): SQL {
  if (!isWholeHour(start) || !isWholeHour(end)) throw new Error("rollupWindow needs bounds on whole hours");
  const firstWholeDay = startOfUtcDay(start).getTime() === start.getTime() ? start : addDays(startOfUtcDay(start), 1);
  const afterLastWholeDay = startOfUtcDay(end);
  const hours = (from: Date, to: Date) =>
    sql`(granularity = 'hour' and bucket >= ${ts(from)}::timestamptz and bucket < ${ts(to)}::timestamptz)`;
  if (firstWholeDay >= afterLastWholeDay) return hours(start, end);
  const parts: SQL[] = [sql`(granularity = 'day' and bucket >= ${ts(firstWholeDay)}::timestamptz and bucket < ${ts(afterLastWholeDay)}::timestamptz)`];
  if (start < firstWholeDay) parts.push(hours(start, firstWholeDay));
  if (afterLastWholeDay < end) parts.push(hours(afterLastWholeDay, end));
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** `and <column> = value`, or nothing without a filter. */
export function filterCondition(filter: SpendFilter | null | undefined): SQL {
  if (!filter) return sql``;
  return sql` and ${ROLLUP_COLUMN[filter.dimension]} = ${filter.value}`;
}

/**
 * The measures every report sums, as text so that both drivers hand over exact figures. Requests
 * and errors count API calls only (instance and reservation charges are events too, but not requests).
 */
export const MEASURES = sql`
  coalesce(sum(requests) filter (where product = 'model_tokens'), 0)::text as requests,
  coalesce(sum(errors) filter (where product = 'model_tokens'), 0)::text as errors,
  coalesce(sum(input_tokens), 0)::text as input_tokens,
  coalesce(sum(output_tokens), 0)::text as output_tokens,
  coalesce(sum(quantity_seconds) filter (where product = 'instance_hours'), 0)::text as instance_seconds,
  coalesce(sum(quantity_seconds) filter (where product = 'reservation'), 0)::text as reserved_seconds,
  coalesce(sum(cost_nano), 0)::text as cost_nano`;

export interface MeasureRow {
  requests: string;
  errors: string;
  input_tokens: string;
  output_tokens: string;
  instance_seconds: string;
  reserved_seconds: string;
  cost_nano: string;
}

export interface Measures {
  /** API requests (model tokens). */
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Seconds of on-demand instance time billed. */
  instanceSeconds: number;
  /** Instance-seconds of capacity blocks bought (negative for refunds). */
  reservedSeconds: number;
  costNano: bigint;
}

export function measuresOf(row: MeasureRow | undefined): Measures {
  return {
    requests: Number(row?.requests ?? 0),
    errors: Number(row?.errors ?? 0),
    inputTokens: Number(row?.input_tokens ?? 0),
    outputTokens: Number(row?.output_tokens ?? 0),
    instanceSeconds: Number(row?.instance_seconds ?? 0),
    reservedSeconds: Number(row?.reserved_seconds ?? 0),
    costNano: BigInt(row?.cost_nano ?? 0),
  };
}

export function emptyMeasures(): Measures {
  return measuresOf(undefined);
}

export function addMeasures(into: Measures, more: Measures): void {
  into.requests += more.requests;
  into.errors += more.errors;
  into.inputTokens += more.inputTokens;
  into.outputTokens += more.outputTokens;
  into.instanceSeconds += more.instanceSeconds;
  into.reservedSeconds += more.reservedSeconds;
  into.costNano += more.costNano;
}
