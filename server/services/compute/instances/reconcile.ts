import { and, asc, eq, gt, inArray, isNull, lte, notExists, or, sql } from "drizzle-orm";
import { allocations, instances, reservations } from "@/server/db/schema";
import { systemContext } from "../../context";
import { releaseAllocations } from "../capacity";
import { failInstance, finishTermination, pollInstance, provisionInstance, requestTermination, type LifecycleDeps } from "./lifecycle";
import { LIVE_STATES } from "./schemas";

/** Instances looked at per state per sweep; a backlog is worked off over the next sweeps. */
const BATCH = 200;

export interface ReconcileReport {
  provisioned: number;
  polled: number;
  terminated: number;
  hostFailures: number;
  reservationEnds: number;
  releasedOrphans: number;
  errors: number;
}

/**
 * The reconciler: one sweep that brings every unfinished instance one step closer to where it
 * should be, from the database alone. The jobs do the same work promptly; this sweep is what makes
 * the system correct when jobs are lost (a worker killed mid-job, a process that died between a
 * commit and its enqueue, a queue that was down):
 *
 * - pending instances are provisioned;
 * - provisioning ones are checked with the driver; past their deadline they are retried (up to
 *   MAX_LAUNCH_ATTEMPTS) or failed, with their capacity released;
 * - stopping ones are terminated (driver, then release and bill);
 * - running ones whose machine the driver reports failed (a host failure) are failed;
 * - live instances of a reservation that has ended are terminated;
 * - instance allocations whose instance has ended (or never existed) are released.
 *
 * Every step is a conditional transition, so a sweep racing the jobs, or another worker's sweep,
 * does each thing once. One instance's error does not stop the others.
 */
export async function reconcileInstances(deps: LifecycleDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { provisioned: 0, polled: 0, terminated: 0, hostFailures: 0, reservationEnds: 0, releasedOrphans: 0, errors: 0 };
  // A step returns false when it looked and had nothing to do.
  const each = async (ids: string[], step: (id: string) => Promise<boolean | void>, counter: keyof ReconcileReport) => {
    for (const id of ids) {
      try {
        if ((await step(id)) !== false) report[counter] += 1;
      } catch (error) {
        report.errors += 1;
        deps.log.error("reconciler step failed", { instanceId: id, step: counter, error: String(error) });
      }
    }
  };

  report.reservationEnds = await terminateEndedReservationInstances(deps);
  await each(await idsIn(deps, "pending"), (id) => provisionInstance(deps, id), "provisioned");
  await each(await idsIn(deps, "provisioning"), (id) => pollInstance(deps, id, { reschedule: false }), "polled");
  await each(await idsIn(deps, "stopping"), (id) => finishTermination(deps, id), "terminated");
  await each(await idsIn(deps, "running"), (id) => checkRunning(deps, id), "hostFailures");
  report.releasedOrphans = await releaseOrphanAllocations(deps);
  return report;
}

async function idsIn(deps: LifecycleDeps, state: "pending" | "provisioning" | "stopping" | "running"): Promise<string[]> {
  const rows = await deps.db
    .select({ id: instances.id })
    .from(instances)
    .where(eq(instances.state, state))
    .orderBy(asc(instances.updatedAt))
    .limit(BATCH);
  return rows.map((r) => r.id);
}

/** A running instance whose machine the driver reports gone is failed, billed for the time it ran. */
async function checkRunning(deps: LifecycleDeps, instanceId: string): Promise<boolean> {
  const [row] = await deps.db
    .select({ providerId: instances.providerId, state: instances.state })
    .from(instances)
    .where(eq(instances.id, instanceId));
  if (!row || row.state !== "running" || !row.providerId) return false;
  const status = await deps.driver.describe(row.providerId);
  if (status.state === "running" || status.state === "provisioning") return false;
  await failInstance(deps, instanceId, status.message ?? "The machine stopped unexpectedly.", { providerId: row.providerId });
  return true;
}

/**
 * Terminates the live instances of reservations that have ended (past their end, or completed or
 * cancelled). Returns how many it moved to stopping; the same sweep then finishes them.
 */
export async function terminateEndedReservationInstances(deps: LifecycleDeps, reservationId?: string): Promise<number> {
  const now = deps.now();
  const rows = await deps.db
    .select({ id: instances.id, teamId: instances.teamId, reservationId: instances.reservationId })
    .from(instances)
    .innerJoin(reservations, eq(reservations.id, instances.reservationId))
    .where(
      and(
        inArray(instances.state, ["pending", "provisioning", "running"]),
        reservationId ? eq(reservations.id, reservationId) : undefined,
        or(lte(reservations.endsAt, now), inArray(reservations.state, ["completed", "cancelled"])),
      ),
    )
    .limit(BATCH);
  const system = systemContext(deps.db, deps.now, deps.log);
  let moved = 0;
  for (const row of rows) {
    const stopping = await deps.db.transaction((tx) =>
      requestTermination(tx, system, row, "The reservation it runs in has ended.", { reason: "reservation_ended" }),
    );
    if (stopping) moved += 1;
  }
  return moved;
}

/**
 * Ends every instance of one reservation now: moved to stopping, then terminated (driver, billed at
 * cost 0). For reservations' periodic step (`onEnded`), which completes the block only once this
 * returned; throws if any instance could not be terminated, so that the step tries again.
 */
export async function endReservationInstances(deps: LifecycleDeps, reservationId: string): Promise<void> {
  await terminateEndedReservationInstances(deps, reservationId);
  const stopping = await deps.db
    .select({ id: instances.id })
    .from(instances)
    .where(and(eq(instances.reservationId, reservationId), eq(instances.state, "stopping")));
  for (const { id } of stopping) await finishTermination(deps, id);
}

/**
 * Allocations held for an instance that has ended or does not exist: a bug or an interrupted
 * operation left them, and they would keep GPUs out of the pool forever. A launch inserts its
 * allocation and its instance in one transaction, so a launch in flight is never mistaken for one.
 */
async function releaseOrphanAllocations(deps: LifecycleDeps): Promise<number> {
  const now = deps.now();
  const live = deps.db
    .select({ one: sql`1` })
    .from(instances)
    .where(and(eq(instances.id, allocations.ownerId), inArray(instances.state, [...LIVE_STATES])));
  const orphans = await deps.db
    .selectDistinct({ ownerId: allocations.ownerId })
    .from(allocations)
    .where(and(eq(allocations.ownerType, "instance"), or(isNull(allocations.endsAt), gt(allocations.endsAt, now)), notExists(live)))
    .limit(BATCH);
  for (const { ownerId } of orphans) {
    await deps.db.transaction((tx) => releaseAllocations(tx, { ownerType: "instance", ownerId }, now));
    deps.log.warn("released allocations of an instance that holds none", { instanceId: ownerId });
  }
  return orphans.length;
}
