import { z } from "zod";

/**
 * Date ranges and filters of the spend pages, and the exact [start, end) instants they stand for.
 * Every range is made of whole UTC days, so that day rollups answer it exactly. No server imports:
 * the console's components use the same presets, labels and validation.
 */

export const RANGE_PRESETS = ["today", "7d", "30d", "this_month", "last_month", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const RANGE_LABELS: Record<RangePreset, string> = {
  today: "Today",
  "7d": "7 days",
  "30d": "30 days",
  this_month: "This month",
  last_month: "Last month",
  custom: "Custom",
};

/** A year and a day, so that "the same day last year" to today still fits. */
export const MAX_RANGE_DAYS = 366;

export const SPEND_PRODUCTS = ["model_tokens", "instance_hours", "reservation"] as const;
export type SpendProduct = (typeof SPEND_PRODUCTS)[number];

export const PRODUCT_LABELS: Record<SpendProduct, string> = {
  model_tokens: "Model tokens",
  instance_hours: "Instance hours",
  reservation: "Reservations",
};

export const BREAKDOWN_DIMENSIONS = ["model", "key", "instance_type", "member"] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export const FILTER_DIMENSIONS = [...BREAKDOWN_DIMENSIONS, "product"] as const;
export type FilterDimension = (typeof FILTER_DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<FilterDimension, string> = {
  model: "Model",
  key: "API key",
  instance_type: "Instance type",
  member: "Member",
  product: "Product",
};

const DAY_MS = 86_400_000;
const DAY_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

/** "2026-11-05" → midnight UTC of that day; null for anything that is not a real calendar day. */
export function parseDay(day: string): Date | null {
  if (!DAY_FORMAT.test(day)) return null;
  const at = new Date(`${day}T00:00:00.000Z`);
  return Number.isNaN(at.getTime()) || dayOf(at) !== day ? null : at;
}

/** The UTC day of an instant, "2026-11-05". */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function startOfUtcMonth(at: Date, monthsLater = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + monthsLater, 1));
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/** Every UTC day that [start, end) touches, in order. */
export function daysBetween(start: Date, end: Date): string[] {
  const days: string[] = [];
  for (let at = startOfUtcDay(start); at < end; at = addDays(at, 1)) days.push(dayOf(at));
  return days;
}

const dayField = (what: string) =>
  z
    .string({ error: `Enter the ${what} as a date (YYYY-MM-DD).` })
    .trim()
    .refine((value) => parseDay(value) !== null, `Enter the ${what} as a real date, YYYY-MM-DD (UTC).`);

export const rangeInput = z
  .object({
    preset: z.enum(RANGE_PRESETS, { error: "Choose today, 7 days, 30 days, this month, last month or a custom range." }).default("30d"),
    /** Custom ranges: the first and the last day shown, both included (UTC). */
    start: dayField("first day").optional(),
    end: dayField("last day").optional(),
  })
  .superRefine((value, ctx) => {
    if (value.preset !== "custom") return;
    if (!value.start) ctx.addIssue({ code: "custom", path: ["start"], message: "Choose the first day of the range." });
    if (!value.end) ctx.addIssue({ code: "custom", path: ["end"], message: "Choose the last day of the range." });
    const start = value.start ? parseDay(value.start) : null;
    const end = value.end ? parseDay(value.end) : null;
    if (!start || !end) return;
    if (end < start) ctx.addIssue({ code: "custom", path: ["end"], message: "The last day must be on or after the first day." });
    else if ((end.getTime() - start.getTime()) / DAY_MS + 1 > MAX_RANGE_DAYS) {
      ctx.addIssue({ code: "custom", path: ["end"], message: `Choose at most ${MAX_RANGE_DAYS} days; export longer periods a year at a time.` });
    }
  });
export type RangeInput = z.input<typeof rangeInput>;
export type SpendRange = z.output<typeof rangeInput>;

export const filterInput = z.object({
  dimension: z.enum(FILTER_DIMENSIONS, { error: "Filter by model, API key, instance type, member or product." }),
  /** The dimension's value; '' is "none" (e.g. usage without an API key). */
  value: z.string({ error: "Choose what to filter by." }).max(256, "That filter value is too long."),
});
export type SpendFilter = z.output<typeof filterInput>;

export interface ResolvedRange {
  preset: RangePreset;
  /** Inclusive, midnight UTC. */
  start: Date;
  /** Exclusive, midnight UTC. */
  end: Date;
  /** Every day of the range, "YYYY-MM-DD". */
  days: string[];
}

/**
 * The instants a range stands for at `now`. Presets end with today (a range never shows days
 * that have not started); "this month" is the month to date.
 */
export function resolveRange(range: SpendRange, now: Date): ResolvedRange {
  const today = startOfUtcDay(now);
  const tomorrow = addDays(today, 1);
  let start: Date;
  let end: Date = tomorrow;
  switch (range.preset) {
    case "today":
      start = today;
      break;
    case "7d":
      start = addDays(today, -6);
      break;
    case "30d":
      start = addDays(today, -29);
      break;
    case "this_month":
      start = startOfUtcMonth(now);
      break;
    case "last_month":
      start = startOfUtcMonth(now, -1);
      end = startOfUtcMonth(now);
      break;
    case "custom":
      // rangeInput has checked both days exist and are in order.
      start = parseDay(range.start!)!;
      end = addDays(parseDay(range.end!)!, 1);
      break;
  }
  return { preset: range.preset, start, end, days: daysBetween(start, end) };
}

/** "Nov 1 – Nov 30, 2026", "Nov 5, 2026": the days of a range as people read them (UTC). */
export function describeRange(range: Pick<ResolvedRange, "start" | "end">): string {
  const last = addDays(range.end, -1);
  const sameYear = range.start.getUTCFullYear() === last.getUTCFullYear();
  const short = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
  const long = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
  if (dayOf(range.start) === dayOf(last)) return long.format(last);
  return `${(sameYear ? short : long).format(range.start)} – ${long.format(last)}`;
}

/** The page's URL search parameters, which the CSV links repeat, as range and filter inputs. */
export function spendParamsFromSearch(search: URLSearchParams): { range: RangeInput; filter: { dimension: string; value: string } | null } {
  const preset = search.get("range") ?? undefined;
  const by = search.get("filter");
  return {
    range: { preset: preset as RangePreset | undefined, start: search.get("from") ?? undefined, end: search.get("to") ?? undefined },
    filter: by ? { dimension: by, value: search.get("value") ?? "" } : null,
  };
}

/** The inverse of spendParamsFromSearch; defaults are left out so that URLs stay short. */
export function spendSearchFromParams(range: RangeInput, filter: SpendFilter | null): URLSearchParams {
  const search = new URLSearchParams();
  if (range.preset && range.preset !== "30d") search.set("range", range.preset);
  if (range.preset === "custom") {
    if (range.start) search.set("from", range.start);
    if (range.end) search.set("to", range.end);
  }
  if (filter) {
    search.set("filter", filter.dimension);
    search.set("value", filter.value);
  }
  return search;
}
