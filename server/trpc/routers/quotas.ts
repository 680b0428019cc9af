import { computeContextOf } from "@/server/services/compute/context";
import { quotaUsage } from "@/server/services/compute/quotas/quotas";
import { requires, router, teamProcedure } from "../init";

export const quotasRouter = router({
  usage: teamProcedure.use(requires("compute:read")).query(({ ctx }) => quotaUsage(computeContextOf(ctx.team))),
});
