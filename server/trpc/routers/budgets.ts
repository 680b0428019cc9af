import { budgetStatus, removeBudget, setBudget } from "@/server/services/budgets/budgets";
import { setBudgetInput } from "@/server/services/budgets/schemas";
import { requires, router, teamProcedure } from "../init";

export const budgetsRouter = router({
  status: teamProcedure.use(requires("usage:read")).query(({ ctx }) => budgetStatus(ctx.team.db, ctx.team.team.id, ctx.team.now())),
  set: teamProcedure
    .use(requires("billing:write"))
    .input(setBudgetInput)
    .mutation(({ ctx, input }) => setBudget(ctx.team, input)),
  remove: teamProcedure.use(requires("billing:write")).mutation(({ ctx }) => removeBudget(ctx.team)),
});
