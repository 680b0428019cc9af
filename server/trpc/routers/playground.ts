import { deletePreset, listPresets, savePreset } from "@/server/services/playground/presets";
import { getRunUsage } from "@/server/services/playground/run-usage";
import { presetIdInput, presetInput, runUsageInput } from "@/server/services/playground/schemas";
import { requires, router, teamProcedure } from "../init";

/** The playground's presets and the usage of its runs; the chat itself goes through the gateway. */
export const playgroundRouter = router({
  // Anyone who can see the models can see the team's presets; saving and running need inference.
  presets: teamProcedure.use(requires("models:read")).query(({ ctx }) => listPresets(ctx.team)),

  savePreset: teamProcedure
    .use(requires("inference"))
    .input(presetInput)
    .mutation(({ ctx, input }) => savePreset(ctx.team, input)),

  deletePreset: teamProcedure
    .use(requires("inference"))
    .input(presetIdInput)
    .mutation(({ ctx, input }) => deletePreset(ctx.team, input)),

  /** Null until the run's usage event is written (within a fraction of a second): poll it. */
  runUsage: teamProcedure
    .use(requires("inference"))
    .input(runUsageInput)
    .query(({ ctx, input }) => getRunUsage(ctx.team, input)),
});
