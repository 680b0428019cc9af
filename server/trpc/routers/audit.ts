import { auditFacets } from "@/server/services/audit/facets";
import { listAuditEvents, listAuditEventsInput } from "@/server/services/audit/list-audit-events";
import { requires, router, teamProcedure } from "../init";

export const auditRouter = router({
  list: teamProcedure
    .use(requires("audit:read"))
    .input(listAuditEventsInput)
    .query(({ ctx, input }) => listAuditEvents(ctx.team, input)),
  facets: teamProcedure.use(requires("audit:read")).query(({ ctx }) => auditFacets(ctx.team)),
});
