import { sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { rowsOf, ts } from "@/server/db/sql";
import { displayNames, filterName, type DisplayName } from "./names";
import {
  BREAKDOWN_DIMENSIONS,
  describeRange,
  resolveRange,
  SPEND_PRODUCTS,
  startOfUtcMonth,
  type BreakdownDimension,
  type RangePreset,
  type SpendFilter,
  type SpendProduct,
  type SpendRange,
} from "./range";
import { addMeasures, emptyMeasures, filterCondition, MEASURES, measuresOf, rollupWindow, type MeasureRow, type Measures } from "./rollup-query";

export interface BreakdownRow extends Measures, DisplayName {
  /** The dimension's value: a model, key, instance type or user id; '' for usage without one. */
  value: string;
}

export interface DailySpend {
  day: string;
  /** Cost per product that day, nano-USD. */
  byProduct: Record<SpendProduct, bigint>;
  totalNano: bigint;
}

export interface MonthToDate {
  /** "2026-11". */
  month: string;
  costNano: bigint;
  /** Capacity blocks bought this month: paid up front, so not extrapolated. */
  upfrontNano: bigint;
  /** Everything billed as it is used: tokens and instance time. */
  usageNano: bigint;
  forecastNano: bigint;
  daysInMonth: number;
  /** Days of the month elapsed, as a fraction (2.5 = midday on the 3rd). */
  daysElapsed: number;
}

export interface SpendReport {
  range: { preset: RangePreset; start: Date; end: Date; label: string; days: string[] };
  filter: (SpendFilter & DisplayName) | null;
  totals: Measures;
  byProduct: Record<SpendProduct, bigint>;
  daily: DailySpend[];
  monthToDate: MonthToDate;
  breakdowns: Record<BreakdownDimension, BreakdownRow[]>;
}

const DAY_MS = 86_400_000;

const zeroByProduct = (): Record<SpendProduct, bigint> => ({ model_tokens: 0n, instance_hours: 0n, reservation: 0n });

/**
 * Forecast to the end of the month. Usage billed as it happens (tokens, instance time) is
 * extrapolated linearly: its month-to-date cost divided by the time elapsed, times the length of
 * the month. Capacity blocks are paid up front when bought, so they count once as they are and
 * are not extrapolated (one purchase on the 2nd would otherwise forecast fifteen). The elapsed time
 * counts as at least one day, so the first hours of a month do not multiply a handful of requests
 * by seven hundred. Rounded to the nearest nano-USD.
 */
export function forecastMonth(spent: { usageNano: bigint; upfrontNano: bigint }, now: Date): { forecastNano: bigint; daysInMonth: number; daysElapsed: number } {
  const monthStart = startOfUtcMonth(now).getTime();
  const monthMs = startOfUtcMonth(now, 1).getTime() - monthStart;
  const elapsedMs = Math.min(monthMs, Math.max(DAY_MS, now.getTime() - monthStart));
  const extrapolated = (spent.usageNano * BigInt(monthMs) * 2n + BigInt(elapsedMs)) / (BigInt(elapsedMs) * 2n);
  return { forecastNano: spent.upfrontNano + extrapolated, daysInMonth: Math.round(monthMs / DAY_MS), daysElapsed: (now.getTime() - monthStart) / DAY_MS };
}

interface GroupedRow extends MeasureRow {
  gd: number;
  gm: number;
  gk: number;
  gu: number;
  gi: number;
  d: string | null;
  product: SpendProduct | null;
  model: string | null;
  api_key_id: string | null;
  user_id: string | null;
  instance_type_id: string | null;
}

const BREAKDOWN_COLUMN: Record<BreakdownDimension, { grouped: keyof GroupedRow; value: keyof GroupedRow }> = {
  model: { grouped: "gm", value: "model" },
  key: { grouped: "gk", value: "api_key_id" },
  instance_type: { grouped: "gi", value: "instance_type_id" },
  member: { grouped: "gu", value: "user_id" },
};

/** Dimensions where '' means "not this kind of usage" rather than "usage without one": left out of their table. */
const SKIP_EMPTY: Record<BreakdownDimension, boolean> = { model: true, instance_type: true, key: false, member: false };

/**
 * Everything the spend page shows for a team, a range and an optional filter, from the day rollups
 * (every range is whole UTC days): totals, a daily series per product with every day present,
 * breakdowns by model, key, instance type and member, and the month to date with its forecast.
 * The range's figures come from one scan of the team's rollups (grouping sets), the month's from
 * a second.
 */
export async function spendReport(db: Db, teamId: string, range: SpendRange, filter: SpendFilter | null, now: Date): Promise<SpendReport> {
  const resolved = resolveRange(range, now);
  const where = sql`team_id = ${teamId} and ${rollupWindow(resolved.start, resolved.end)}${filterCondition(filter)}`;
  const monthStart = startOfUtcMonth(now);

  const [grouped, month] = await Promise.all([
    rowsOf<GroupedRow>(
      db,
      sql`
        select grouping(d)::int as gd, grouping(model)::int as gm, grouping(api_key_id)::int as gk,
          grouping(user_id)::int as gu, grouping(instance_type_id)::int as gi,
          d, product, model, api_key_id, user_id, instance_type_id, ${MEASURES}
        from (select to_char(bucket at time zone 'UTC', 'YYYY-MM-DD') as d, * from usage_rollups where ${where}) r
        group by grouping sets ((d, product), (model), (api_key_id), (user_id), (instance_type_id))`,
    ),
    rowsOf<{ product: SpendProduct; cost_nano: string }>(
      db,
      sql`
        select product, sum(cost_nano)::text as cost_nano from usage_rollups
        where team_id = ${teamId} and granularity = 'day'
          and bucket >= ${ts(monthStart)}::timestamptz and bucket < ${ts(startOfUtcMonth(now, 1))}::timestamptz${filterCondition(filter)}
        group by product`,
    ),
  ]);

  const totals = emptyMeasures();
  const byProduct = zeroByProduct();
  const perDay = new Map<string, Record<SpendProduct, bigint>>(resolved.days.map((day) => [day, zeroByProduct()]));
  const raw: Record<BreakdownDimension, { value: string; measures: Measures }[]> = { model: [], key: [], instance_type: [], member: [] };

  for (const row of grouped) {
    if (row.gd === 0) {
      const measures = measuresOf(row);
      addMeasures(totals, measures);
      const product = row.product!;
      byProduct[product] += measures.costNano;
      // Hour rollups never reach here (the range is whole days), so every day is one of the range's.
      const day = perDay.get(row.d!);
      if (day) day[product] += measures.costNano;
      continue;
    }
    for (const dimension of BREAKDOWN_DIMENSIONS) {
      const column = BREAKDOWN_COLUMN[dimension];
      if (row[column.grouped] !== 0) continue;
      const value = String(row[column.value] ?? "");
      if (value === "" && SKIP_EMPTY[dimension]) continue;
      raw[dimension].push({ value, measures: measuresOf(row) });
    }
  }

  const breakdowns = Object.fromEntries(
    await Promise.all(
      BREAKDOWN_DIMENSIONS.map(async (dimension) => {
        const names = await displayNames(db, teamId, dimension, raw[dimension].map((r) => r.value));
        const rows: BreakdownRow[] = raw[dimension]
          .map(({ value, measures }) => ({ value, ...(names.get(value) ?? { label: value, detail: null }), ...measures }))
          .sort((a, b) => (a.costNano === b.costNano ? a.label.localeCompare(b.label) : a.costNano > b.costNano ? -1 : 1));
        return [dimension, rows] as const;
      }),
    ),
  ) as Record<BreakdownDimension, BreakdownRow[]>;

  let upfrontNano = 0n;
  let usageNano = 0n;
  for (const row of month) {
    if (row.product === "reservation") upfrontNano += BigInt(row.cost_nano);
    else usageNano += BigInt(row.cost_nano);
  }
  const forecast = forecastMonth({ usageNano, upfrontNano }, now);

  let filterView: SpendReport["filter"] = null;
  if (filter) {
    const seen = filter.dimension !== "product" && raw[filter.dimension].some((r) => r.value === filter.value);
    filterView = { ...filter, ...(await filterName(db, teamId, filter.dimension, filter.value, seen)) };
  }

  return {
    range: { preset: resolved.preset, start: resolved.start, end: resolved.end, label: describeRange(resolved), days: resolved.days },
    filter: filterView,
    totals,
    byProduct,
    daily: resolved.days.map((day) => {
      const costs = perDay.get(day)!;
      return { day, byProduct: costs, totalNano: SPEND_PRODUCTS.reduce((sum, p) => sum + costs[p], 0n) };
    }),
    monthToDate: {
      month: monthStart.toISOString().slice(0, 7),
      costNano: upfrontNano + usageNano,
      upfrontNano,
      usageNano,
      ...forecast,
    },
    breakdowns,
  };
}
