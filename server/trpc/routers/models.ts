import { z } from "zod";
import { getCatalogModel, listCatalogModels } from "@/server/services/catalog/model-views";
import { requires, router, teamProcedure } from "../init";

/** The model catalog as a team's console sees it: the same for every team, read with models:read. */
export const modelsRouter = router({
  list: teamProcedure.use(requires("models:read")).query(({ ctx }) => listCatalogModels(ctx.team)),

  get: teamProcedure
    .use(requires("models:read"))
    .input(z.object({ modelId: z.string().min(1).max(128) }))
    .query(({ ctx, input }) => getCatalogModel(ctx.team, input)),
});
