import { getSpendReport, spendReportInput } from "@/server/services/spend";
import { requires, router, teamProcedure } from "../init";

export const spendRouter = router({
  /** The spend page: totals, month to date and forecast, daily series and breakdowns, from rollups. */
  report: teamProcedure
    .use(requires("usage:read"))
    .input(spendReportInput)
    .query(({ ctx, input }) => getSpendReport(ctx.team, input)),
});
