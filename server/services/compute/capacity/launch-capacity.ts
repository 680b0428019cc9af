import { z } from "zod";
import { requireCompute, type ComputeContext } from "../context";
import { freeInstances, type FreeCapacity } from "./free";

export const launchCapacityInput = z.object({ instanceTypeId: z.string().trim().min(1, "Choose an instance type.").max(64, "Unknown instance type.") });

/** Instances of a type that could be launched on demand right now, per region (0 where none). */
export async function getLaunchCapacity(ctx: ComputeContext, input: z.input<typeof launchCapacityInput>): Promise<FreeCapacity[]> {
  requireCompute(ctx, "compute:read");
  const { instanceTypeId } = launchCapacityInput.parse(input);
  return freeInstances(ctx.db, { instanceTypeId, from: ctx.now(), to: null });
}
