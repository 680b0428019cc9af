import { availabilityInput, getAvailability, getComputeCatalog } from "@/server/services/compute/capacity";
import { getLaunchCapacity, launchCapacityInput } from "@/server/services/compute/capacity/launch-capacity";
import { computeContextOf } from "@/server/services/compute/context";
import { requires, router, teamProcedure } from "../init";

export const computeRouter = router({
  /** Regions and instance types with exact prices (decimal USD and nano-USD strings). */
  catalog: teamProcedure.use(requires("compute:read")).query(({ ctx }) => getComputeCatalog(computeContextOf(ctx.team))),

  /** Instances of a type that could be launched on demand right now, per region. */
  freeNow: teamProcedure
    .use(requires("compute:read"))
    .input(launchCapacityInput)
    .query(({ ctx, input }) => getLaunchCapacity(computeContextOf(ctx.team), input)),

  /** Instances of a type that fit per region and day (or hour): the reservation calendar. */
  availability: teamProcedure
    .use(requires("compute:read"))
    .input(availabilityInput)
    .query(({ ctx, input }) => getAvailability(computeContextOf(ctx.team), input)),
});
