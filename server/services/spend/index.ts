import { z } from "zod";
import { requireScope, type TeamContext } from "../context";
import { breakdownCsv, CSV_BREAKDOWNS, rawUsageExport } from "./csv";
import { filterInput, rangeInput } from "./range";
import { spendReport, type SpendReport } from "./report";

/**
 * The spend domain's doors for a signed-in member: each checks `usage:read` whichever door called
 * it (tRPC, the CSV route handlers) and validates its input, then runs the plain report functions.
 */

export const spendReportInput = z.object({
  range: rangeInput.default({ preset: "30d" }),
  filter: filterInput.nullish(),
});
export type SpendReportInput = z.input<typeof spendReportInput>;

export const breakdownCsvInput = spendReportInput.extend({
  by: z.enum(CSV_BREAKDOWNS, { error: "Export by day, product, model, key, instance_type or member." }),
});
export type BreakdownCsvInput = z.input<typeof breakdownCsvInput>;

export async function getSpendReport(ctx: TeamContext, raw: SpendReportInput): Promise<SpendReport> {
  requireScope(ctx, "usage:read");
  const input = spendReportInput.parse(raw);
  return spendReport(ctx.db, ctx.team.id, input.range, input.filter ?? null, ctx.now());
}

export async function exportBreakdownCsv(ctx: TeamContext, raw: BreakdownCsvInput) {
  requireScope(ctx, "usage:read");
  const input = breakdownCsvInput.parse(raw);
  return breakdownCsv(ctx.db, ctx.team.id, input.range, input.filter ?? null, input.by, ctx.now());
}

export async function exportRawUsage(ctx: TeamContext, raw: SpendReportInput) {
  requireScope(ctx, "usage:read");
  const input = spendReportInput.parse(raw);
  return rawUsageExport(ctx.db, ctx.team.id, input.range, input.filter ?? null, ctx.now());
}

export { breakdownCsv, rawUsageExport, RAW_EXPORT_MAX_ROWS, type CsvBreakdown } from "./csv";
export { forecastMonth, spendReport, type BreakdownRow, type DailySpend, type MonthToDate, type SpendReport } from "./report";
export { parseUsageQuery, usageQueryInput, usageReport, USAGE_GROUPS, type UsageGroup, type UsageQuery, type UsageReport, type UsageRow } from "./usage-report";
export * from "./range";
