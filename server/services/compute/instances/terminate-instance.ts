import { and, eq } from "drizzle-orm";
import { instances } from "@/server/db/schema";
import { AppError } from "../../errors";
import { requireCompute, type ComputeContext } from "../context";
import { JOBS, sendJob } from "./jobs";
import { requestTermination } from "./lifecycle";
import { findInstanceView, INSTANCE_NOT_FOUND, type InstanceView } from "./list-instances";
import { instanceIdInput, type InstanceIdInput } from "./schemas";

/**
 * Terminates one of the team's instances: it moves to stopping at once (billing stops when the
 * machine is gone, at terminated), and the worker's terminate job stops the machine, releases the
 * capacity and bills the run. Terminating an instance that is already stopping or ended changes
 * nothing and returns it as it is, so a retried request is harmless.
 */
export async function terminateInstance(ctx: ComputeContext, rawInput: InstanceIdInput): Promise<InstanceView> {
  requireCompute(ctx, "compute:write");
  const { instanceId } = instanceIdInput.parse(rawInput);
  const moved = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: instances.id, teamId: instances.teamId })
      .from(instances)
      .where(and(eq(instances.teamId, ctx.team.id), eq(instances.id, instanceId)));
    if (!row) throw new AppError("NOT_FOUND", INSTANCE_NOT_FOUND);
    return requestTermination(tx, ctx, row, "Termination requested.");
  });
  if (moved) await sendJob(ctx.db, ctx.log, JOBS.terminate, { instanceId });
  const view = await findInstanceView(ctx.db, ctx.team.id, instanceId, ctx.now());
  if (!view) throw new AppError("NOT_FOUND", INSTANCE_NOT_FOUND);
  return view;
}
