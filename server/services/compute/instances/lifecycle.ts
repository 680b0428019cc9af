import { and, eq, isNull } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { newId } from "@/server/db/ids";
import { hosts, instanceEvents, instances, instanceTypes, regions, type InstanceState } from "@/server/db/schema";
import { recordAuditEvent } from "../../audit/record-audit-event";
import type { Logger, ServiceContext } from "../../context";
import { releaseAllocations } from "../capacity";
import type { ComputeDriver } from "../drivers/types";
import { JOBS, sendJob } from "./jobs";
import { billRunningTime } from "./metering";

/**
 * The instance state machine, driven by the worker's jobs and the reconciler:
 *
 *   pending ─► provisioning ─► running ─► stopping ─► terminated
 *      │            │  ▲          │
 *      │            ▼  │ retry    └──► failed (host failure: the time it ran is billed)
 *      │          failed (no charge; capacity released)
 *      └──────────────────────────────► stopping (terminated before it ran: no charge)
 *
 * Every move is one transaction that locks the row, updates it only if it is still in the expected
 * state (so a move happens once, whoever races for it: two jobs, a job and the reconciler, two
 * worker replicas) and appends an instance event. The effects of a final move (release capacity,
 * bill) commit with it, so a retried job or a restarted worker can never bill twice or leak slots.
 * Driver calls happen outside transactions: a slow provider must not hold locks.
 */

export interface LifecycleDeps {
  db: Db;
  driver: ComputeDriver;
  now: () => Date;
  log: Logger;
}

export type InstanceRow = typeof instances.$inferSelect;

/** Launch attempts per instance before it is failed. */
export const MAX_LAUNCH_ATTEMPTS = 3;
/** How long an instance may wait for a worker to pick it up; informational, the sweep takes every pending one. */
export const PENDING_TIMEOUT_SECONDS = 120;
/** How long a termination may take before the reconciler is expected to have retried it. */
export const STOPPING_TIMEOUT_SECONDS = 600;

export const addSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

interface TransitionOptions {
  /** Columns to set besides state and updated_at, from the row as it was. */
  set?: (before: InstanceRow) => Partial<InstanceRow>;
  /** Extra condition on the locked row, e.g. "still the same launch attempt". */
  guard?: (before: InstanceRow) => boolean;
  message?: string | ((before: InstanceRow) => string);
}

/**
 * Moves the instance from one of `from` to `to` and records the event; null (and nothing changed)
 * when it is in another state or fails the guard.
 */
export async function transition(
  tx: Tx,
  instanceId: string,
  from: readonly InstanceState[],
  to: InstanceState,
  at: Date,
  options: TransitionOptions = {},
): Promise<{ before: InstanceRow; after: InstanceRow } | null> {
  const [before] = await tx.select().from(instances).where(eq(instances.id, instanceId)).for("update");
  if (!before || !from.includes(before.state) || (options.guard && !options.guard(before))) return null;
  const [after] = await tx
    .update(instances)
    .set({ ...options.set?.(before), state: to, updatedAt: at })
    .where(and(eq(instances.id, instanceId), eq(instances.state, before.state)))
    .returning();
  if (!after) return null;
  const message = typeof options.message === "function" ? options.message(before) : (options.message ?? null);
  await tx.insert(instanceEvents).values({ id: newId("iev"), instanceId, teamId: before.teamId, fromState: before.state, toState: to, message, at });
  return { before, after };
}

async function loadInstance(db: Db, instanceId: string): Promise<InstanceRow | undefined> {
  const [row] = await db.select().from(instances).where(eq(instances.id, instanceId));
  return row;
}

/** pending → provisioning → (driver launch). Safe to run any number of times, concurrently. */
export async function provisionInstance(deps: LifecycleDeps, instanceId: string): Promise<void> {
  const at = deps.now();
  const claimed = await deps.db.transaction((tx) =>
    transition(tx, instanceId, ["pending"], "provisioning", at, {
      set: (row) => ({ attempts: row.attempts + 1, providerId: null, deadlineAt: addSeconds(at, deps.driver.bootTimeoutSeconds) }),
      message: (row) => `Launching on host ${row.hostId} (attempt ${row.attempts + 1} of ${MAX_LAUNCH_ATTEMPTS}).`,
    }),
  );
  if (!claimed) return;
  const instance = claimed.after;
  const attempt = instance.attempts;

  let providerId: string;
  try {
    const [type] = await deps.db.select().from(instanceTypes).where(eq(instanceTypes.id, instance.instanceTypeId));
    const [region] = await deps.db.select().from(regions).where(eq(regions.id, instance.regionId));
    const [host] = await deps.db.select({ id: hosts.id }).from(hosts).where(eq(hosts.id, instance.hostId ?? ""));
    if (!type || !region || !host || !instance.slots) throw new Error("the instance's type, region or placement is missing");
    ({ providerId } = await deps.driver.launch({
      instanceId,
      clientToken: `${instanceId}:${attempt}`,
      instanceType: { id: type.id, gpuModel: type.gpuModel, gpuCount: type.gpuCount, vcpus: type.vcpus, ramGb: type.ramGb, nvmeGb: type.nvmeGb },
      region: { id: region.id, name: region.name },
      host,
      slots: instance.slots,
      image: instance.image,
      sshKeys: instance.sshKeys,
    }));
  } catch (error) {
    deps.log.warn("instance launch failed", { instanceId, attempt, error: String(error) });
    await retryOrFail(deps, instanceId, attempt, "The provider could not start the machine.");
    return;
  }

  const recorded = await deps.db
    .update(instances)
    .set({ providerId, updatedAt: deps.now() })
    .where(and(eq(instances.id, instanceId), eq(instances.state, "provisioning"), eq(instances.attempts, attempt), isNull(instances.providerId)))
    .returning({ id: instances.id });
  if (recorded.length === 0) {
    // Terminated (or given up on) while the provider was starting it: that machine has no owner.
    await terminateQuietly(deps, providerId);
    return;
  }
  await sendJob(deps.db, deps.log, JOBS.poll, { instanceId }, { startAfterSeconds: deps.driver.pollIntervalSeconds });
}

/**
 * Asks the driver how a provisioning instance is doing and moves it on: running, failed, or (past
 * its deadline) another attempt. `reschedule`: enqueue the next check while it still boots (the
 * poll job does; the reconciler's sweep does not, it comes back on its own).
 */
export async function pollInstance(deps: LifecycleDeps, instanceId: string, options: { reschedule: boolean }): Promise<void> {
  const row = await loadInstance(deps.db, instanceId);
  if (!row || row.state !== "provisioning") return;
  const now = deps.now();
  if (row.deadlineAt && row.deadlineAt.getTime() <= now.getTime()) {
    await retryOrFail(deps, instanceId, row.attempts, `The machine did not start within ${Math.round(deps.driver.bootTimeoutSeconds)} seconds.`);
    return;
  }
  // Launched but not yet recorded: the claiming worker is still at it, or died and the deadline will tell.
  if (!row.providerId) return;
  const providerId = row.providerId;
  const status = await deps.driver.describe(providerId);
  if (status.state === "running") {
    const at = deps.now();
    const ipAddress = status.ipAddress ?? null;
    const sshUser = status.sshUser ?? "ubuntu";
    await deps.db.transaction((tx) =>
      transition(tx, instanceId, ["provisioning"], "running", at, {
        guard: (before) => before.providerId === providerId,
        set: () => ({ ipAddress, sshUser, runningAt: at, deadlineAt: null, stateReason: null }),
        message: ipAddress ? `Running. Connect with: ssh ${sshUser}@${ipAddress}` : "Running.",
      }),
    );
    return;
  }
  if (status.state === "failed" || status.state === "terminated") {
    await failInstance(deps, instanceId, status.message ?? "The machine stopped while starting.", { providerId });
    return;
  }
  if (options.reschedule) await sendJob(deps.db, deps.log, JOBS.poll, { instanceId }, { startAfterSeconds: deps.driver.pollIntervalSeconds });
}

/** A launch attempt that went wrong: another attempt while there are attempts left, else failed. */
export async function retryOrFail(deps: LifecycleDeps, instanceId: string, attempt: number, reason: string): Promise<void> {
  const row = await loadInstance(deps.db, instanceId);
  if (!row || row.state !== "provisioning" || row.attempts !== attempt) return;
  if (row.providerId) await terminateQuietly(deps, row.providerId);
  if (attempt >= MAX_LAUNCH_ATTEMPTS) {
    await failInstance(deps, instanceId, `${reason} Gave up after ${MAX_LAUNCH_ATTEMPTS} attempts.`, { attempt });
    return;
  }
  const at = deps.now();
  const retried = await deps.db.transaction((tx) =>
    transition(tx, instanceId, ["provisioning"], "pending", at, {
      guard: (before) => before.attempts === attempt,
      // The instance keeps its slots: a retry is on the same host, which still holds them.
      set: () => ({ providerId: null, deadlineAt: addSeconds(at, PENDING_TIMEOUT_SECONDS) }),
      message: `${reason} Trying again.`,
    }),
  );
  if (retried) await sendJob(deps.db, deps.log, JOBS.provision, { instanceId });
}

/**
 * Ends an instance that will never run (again): failed, capacity released. Billed only for the
 * time it actually ran (a host that died under a running instance), never for a launch that failed.
 * `providerId` / `attempt`: only if it is still that machine, that attempt.
 */
export async function failInstance(deps: LifecycleDeps, instanceId: string, reason: string, expect: { providerId?: string; attempt?: number } = {}): Promise<void> {
  const at = deps.now();
  await deps.db.transaction(async (tx) => {
    const moved = await transition(tx, instanceId, ["pending", "provisioning", "running"], "failed", at, {
      guard: (before) =>
        (expect.providerId === undefined || before.providerId === expect.providerId) && (expect.attempt === undefined || before.attempts === expect.attempt),
      set: () => ({ stateReason: reason, deadlineAt: null, terminatedAt: at }),
      message: reason,
    });
    if (moved) await settle(tx, moved.after, at);
  });
}

/**
 * stopping → (driver terminate) → terminated, with capacity released and the run billed in the same
 * transaction. A driver error leaves the instance stopping; the job's retry or the sweep tries again.
 */
export async function finishTermination(deps: LifecycleDeps, instanceId: string): Promise<void> {
  const row = await loadInstance(deps.db, instanceId);
  if (!row || row.state !== "stopping") return;
  if (row.providerId) await deps.driver.terminate(row.providerId);
  const at = deps.now();
  await deps.db.transaction(async (tx) => {
    const moved = await transition(tx, instanceId, ["stopping"], "terminated", at, {
      set: () => ({ terminatedAt: at, deadlineAt: null }),
      message: "Terminated.",
    });
    if (moved) await settle(tx, moved.after, at);
  });
}

/**
 * Moves a live instance to stopping (the terminate job finishes it). Shared by the terminate
 * service and by the system (a reservation that ended); the audit event commits with the move.
 * Returns the row after the move, or null when it was already stopping or ended.
 */
export async function requestTermination(
  tx: Tx,
  ctx: ServiceContext,
  instance: { id: string; teamId: string },
  reason: string,
  auditMetadata: Record<string, unknown> = {},
): Promise<InstanceRow | null> {
  const at = ctx.now();
  const moved = await transition(tx, instance.id, ["pending", "provisioning", "running"], "stopping", at, {
    set: () => ({ stateReason: reason, deadlineAt: addSeconds(at, STOPPING_TIMEOUT_SECONDS) }),
    message: reason,
  });
  if (!moved) return null;
  await recordAuditEvent(tx, ctx, {
    teamId: instance.teamId,
    action: "instance.terminated",
    target: { type: "instance", id: instance.id },
    metadata: { name: moved.before.name, fromState: moved.before.state, reservationId: moved.before.reservationId, ...auditMetadata },
  });
  return moved.after;
}

/** What a final move commits with it: the capacity goes back, and the run is billed once. */
async function settle(tx: Tx, instance: InstanceRow, endedAt: Date): Promise<void> {
  // Reservation-backed instances hold no allocation of their own: they run on the block's slots.
  if (!instance.reservationId) await releaseAllocations(tx, { ownerType: "instance", ownerId: instance.id }, endedAt);
  await billRunningTime(tx, instance, endedAt);
}

async function terminateQuietly(deps: LifecycleDeps, providerId: string): Promise<void> {
  try {
    await deps.driver.terminate(providerId);
  } catch (error) {
    deps.log.warn("could not terminate a machine nobody owns", { providerId, error: String(error) });
  }
}
