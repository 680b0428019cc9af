import { computeContextOf } from "@/server/services/compute/context";
import { getInstance, listImages, listInstances } from "@/server/services/compute/instances/list-instances";
import { launchInstance } from "@/server/services/compute/instances/launch-instance";
import { instanceIdInput, launchInstanceInput, listInstancesInput } from "@/server/services/compute/instances/schemas";
import { terminateInstance } from "@/server/services/compute/instances/terminate-instance";
import { requires, router, teamProcedure } from "../init";

export const instancesRouter = router({
  list: teamProcedure
    .use(requires("compute:read"))
    .input(listInstancesInput)
    .query(({ ctx, input }) => listInstances(computeContextOf(ctx.team), input)),

  get: teamProcedure
    .use(requires("compute:read"))
    .input(instanceIdInput)
    .query(({ ctx, input }) => getInstance(computeContextOf(ctx.team), input)),

  images: teamProcedure.use(requires("compute:read")).query(({ ctx }) => listImages(computeContextOf(ctx.team))),

  /** The console sends a client-generated idempotencyKey, so a double submit launches one instance. */
  launch: teamProcedure
    .use(requires("compute:write"))
    .input(launchInstanceInput)
    .mutation(({ ctx, input }) => launchInstance(computeContextOf(ctx.team), input)),

  terminate: teamProcedure
    .use(requires("compute:write"))
    .input(instanceIdInput)
    .mutation(({ ctx, input }) => terminateInstance(computeContextOf(ctx.team), input)),
});
