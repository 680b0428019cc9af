import { and, count, eq, gt, isNull, or } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { allocations, reservations, usageEvents } from "@/server/db/schema";
import { createSimulatedDriver } from "@/server/services/compute/drivers";
import type { ComputeDriver, LaunchRequest } from "@/server/services/compute/drivers/types";
import { launchInstance, terminateInstance } from "@/server/services/compute/instances";
import {
  computeMember,
  insertTestReservation,
  instanceRow,
  quietLog,
  seedTestFleet,
  simulatedDeps,
  testClock,
} from "@/server/services/compute/instances/testing";
import { runDueWork, startWorker, type Worker } from "./index";

const { db } = await openTestDatabase();
await seedTestFleet(db);

/** Real pg-boss, real time: a fast simulated boot and the fastest polling pg-boss allows. */
const FAST = { log: quietLog, pollingIntervalSeconds: 0.5 };

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function heldSlots(instanceId: string) {
  const now = new Date();
  const [row] = await db
    .select({ n: count() })
    .from(allocations)
    .where(and(eq(allocations.ownerId, instanceId), or(isNull(allocations.endsAt), gt(allocations.endsAt, now))));
  return row?.n ?? 0;
}

async function allocationRows(instanceId: string) {
  return db.select().from(allocations).where(eq(allocations.ownerId, instanceId));
}

async function usageOf(instanceId: string) {
  return db.select().from(usageEvents).where(eq(usageEvents.resourceId, instanceId));
}

async function withWorker<T>(options: Parameters<typeof startWorker>[0], run: (worker: Worker) => Promise<T>): Promise<T> {
  const worker = await startWorker(options);
  try {
    return await run(worker);
  } finally {
    await worker.stop();
  }
}

describe("the job worker", () => {
  it("jobs alone take a launch to running, and a termination to terminated, billed once", async () => {
    const driver = createSimulatedDriver({ db, bootSeconds: 0.2, failureRate: 0 });
    // No timer: only the provision, poll and terminate jobs move the instance.
    await withWorker({ db, driver, ...FAST, tickIntervalSeconds: 0 }, async () => {
      const m = await computeMember(db, "Wanda");
      const launched = await launchInstance(m.ctx, m.launch());
      const running = await waitFor(() => instanceRow(db, launched.id), (r) => r.state === "running", "running");
      expect(running.ipAddress).toMatch(/^10\./);
      expect(await heldSlots(launched.id)).toBe(1);

      await new Promise((resolve) => setTimeout(resolve, 1100));
      await terminateInstance(m.ctx, { instanceId: launched.id });
      const ended = await waitFor(() => instanceRow(db, launched.id), (r) => r.state === "terminated", "terminated");
      expect(await heldSlots(launched.id)).toBe(0);
      const usage = await usageOf(launched.id);
      expect(usage).toHaveLength(1);
      const seconds = Math.floor((ended.terminatedAt!.getTime() - ended.runningAt!.getTime()) / 1000);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(usage[0]).toMatchObject({ quantitySeconds: seconds, costNano: (2_000_000_000n * BigInt(seconds) + 1800n) / 3600n });
    });
  });

  it("a failed launch ends failed, bills nothing and frees its capacity", async () => {
    const driver = createSimulatedDriver({ db, bootSeconds: 0.2, failureRate: 1 });
    await withWorker({ db, driver, ...FAST, tickIntervalSeconds: 0 }, async () => {
      const m = await computeMember(db, "Felix");
      const launched = await launchInstance(m.ctx, m.launch({ instanceTypeId: "x4" }));
      const failed = await waitFor(() => instanceRow(db, launched.id), (r) => r.state === "failed", "failed");
      expect(failed.stateReason).toMatch(/health checks/);
      expect(await heldSlots(launched.id)).toBe(0);
      expect(await usageOf(launched.id)).toEqual([]);
    });
  });

  it("a worker killed mid-launch: after a restart the instance runs, with one allocation and one charge", async () => {
    // The dead worker's attempt is retried once its boot deadline passes. 4 s rather than less: on a
    // loaded machine, job polling alone can take a second, and a deadline that short failed every
    // attempt (three in all) before the restarted worker could see the machine run.
    const simulated = createSimulatedDriver({ db, bootSeconds: 0.2, failureRate: 0, bootTimeoutSeconds: 4 });
    // The first worker's launch never returns: the process "dies" inside driver.launch.
    let finishZombieLaunch: () => void = () => {};
    const hanging: ComputeDriver = {
      ...simulated,
      launch: (request: LaunchRequest) =>
        new Promise((resolve) => {
          finishZombieLaunch = () => resolve(simulated.launch(request));
        }),
    };
    const first = await startWorker({ db, driver: hanging, ...FAST, tickIntervalSeconds: 0 });
    const m = await computeMember(db, "Kim");
    const launched = await launchInstance(m.ctx, m.launch({ instanceTypeId: "x2" }));
    await waitFor(() => instanceRow(db, launched.id), (r) => r.state === "provisioning", "provisioning");
    await first.stop({ graceful: false });
    expect(await instanceRow(db, launched.id)).toMatchObject({ state: "provisioning", providerId: null, attempts: 1 });

    await withWorker({ db, driver: simulated, ...FAST, tickIntervalSeconds: 0.5 }, async () => {
      const running = await waitFor(() => instanceRow(db, launched.id), (r) => r.state === "running", "running after restart");
      // At least one retry; on a very loaded machine a slow second attempt may pass its deadline too.
      expect(running.attempts).toBeGreaterThanOrEqual(2);

      // The dead worker's launch returns after all: it must not take the instance over.
      finishZombieLaunch();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await instanceRow(db, launched.id)).toMatchObject({ state: "running", providerId: running.providerId });

      await terminateInstance(m.ctx, { instanceId: launched.id });
      await waitFor(() => instanceRow(db, launched.id), (r) => r.state === "terminated", "terminated");
    });
    expect(await allocationRows(launched.id)).toHaveLength(2);
    expect(await heldSlots(launched.id)).toBe(0);
    expect(await usageOf(launched.id)).toHaveLength(1);
  });

  it("a worker stopped while the machine boots: the next one finishes the launch", async () => {
    const driver = createSimulatedDriver({ db, bootSeconds: 1, failureRate: 0 });
    const first = await startWorker({ db, driver, ...FAST, tickIntervalSeconds: 0 });
    const m = await computeMember(db, "Lee");
    const launched = await launchInstance(m.ctx, m.launch());
    await waitFor(() => instanceRow(db, launched.id), (r) => r.state === "provisioning" && r.providerId !== null, "launched");
    await first.stop({ graceful: false });

    await withWorker({ db, driver, ...FAST, tickIntervalSeconds: 0.5 }, async () => {
      const running = await waitFor(() => instanceRow(db, launched.id), (r) => r.state === "running", "running after restart");
      expect(running.attempts).toBe(1);
      await terminateInstance(m.ctx, { instanceId: launched.id });
      await waitFor(() => instanceRow(db, launched.id), (r) => r.state === "terminated", "terminated");
    });
    expect(await heldSlots(launched.id)).toBe(0);
    expect(await usageOf(launched.id)).toHaveLength(1);
  });
});

describe("the tick", () => {
  it("ends a block whose time is up, terminating its instances first", async () => {
    const clock = testClock(new Date("2026-05-01T10:00:00Z"));
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 1 });
    const m = await computeMember(db, "Rae", clock.now);
    const reservationId = await insertTestReservation(db, m.team.id, {
      startsAt: new Date("2026-05-01T09:00:00Z"),
      endsAt: new Date("2026-05-01T11:00:00Z"),
    });
    const launched = await launchInstance(m.ctx, m.launch({ reservationId }));
    await runDueWork(deps);
    clock.advance(1);
    await runDueWork(deps);
    expect((await instanceRow(db, launched.id)).state).toBe("running");

    clock.set(new Date("2026-05-01T11:00:00Z"));
    await runDueWork(deps);
    expect(await instanceRow(db, launched.id)).toMatchObject({ state: "terminated", stateReason: "The reservation it runs in has ended." });
    const [block] = await db.select({ state: reservations.state }).from(reservations).where(eq(reservations.id, reservationId));
    expect(block?.state).toBe("completed");
    expect((await usageOf(launched.id)).map((u) => [u.quantitySeconds, u.costNano])).toEqual([[3599, 0n]]);
  });
});
