import { and, count, eq, gt, isNull, or } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { allocations, auditEvents, instanceEvents, instances, teamSpend, usageEvents } from "@/server/db/schema";
import { costForSeconds } from "@/server/services/metering/compute-usage";
import { freeInstances } from "../capacity";
import type { ComputeDriver } from "../drivers/types";
import { getInstance } from "./list-instances";
import { launchInstance } from "./launch-instance";
import { finishTermination, MAX_LAUNCH_ATTEMPTS, pollInstance, provisionInstance } from "./lifecycle";
import { billableSeconds, meterRunningInstances } from "./metering";
import { reconcileInstances } from "./reconcile";
import { terminateInstance } from "./terminate-instance";
import { computeMember, instanceRow, seedTestFleet, simulatedDeps, testClock } from "./testing";

const { db } = await openTestDatabase();
await seedTestFleet(db);

/** Allocations still holding GPUs at `at` for this owner. */
async function heldSlots(ownerId: string, at: Date) {
  const [row] = await db
    .select({ n: count() })
    .from(allocations)
    .where(and(eq(allocations.ownerId, ownerId), or(isNull(allocations.endsAt), gt(allocations.endsAt, at))));
  return row?.n ?? 0;
}

async function usageOf(instanceId: string) {
  return db.select().from(usageEvents).where(eq(usageEvents.resourceId, instanceId));
}

describe("per-second billing", () => {
  it("bills whole seconds from running to the end, rounded half up to a nano-USD", () => {
    const start = new Date("2026-01-01T00:00:00.000Z");
    expect(billableSeconds(start, new Date("2026-01-01T01:00:07.999Z"))).toBe(3607);
    expect(billableSeconds(null, new Date())).toBe(0);
    expect(billableSeconds(start, new Date("2025-12-31T23:00:00Z"))).toBe(0);
    // x1 is $2/h: 3607 s = 2,003,888,888.9 nano-USD, rounded up.
    expect(costForSeconds(2_000_000_000n, 3607)).toBe(2_003_888_889n);
  });
});

describe("lifecycle on the simulated driver", () => {
  it("launch → provisioning → running → terminated: capacity held then released, billed once, every move recorded", async () => {
    const clock = testClock(new Date("2026-03-01T10:00:00Z"));
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 5 });
    const alice = await computeMember(db, "Alice", clock.now);

    const launched = await launchInstance(alice.ctx, alice.launch());
    expect(launched).toMatchObject({ state: "pending", priceNanoPerHour: 2_000_000_000n, sshCommand: null, costNano: 0n });
    expect(launched.sshKeys).toEqual([{ id: alice.sshKey.id, name: alice.sshKey.name, fingerprint: alice.sshKey.fingerprint }]);
    expect(await heldSlots(launched.id, clock.now())).toBe(1);

    await provisionInstance(deps, launched.id);
    expect(await instanceRow(db, launched.id)).toMatchObject({ state: "provisioning", attempts: 1, providerId: expect.stringMatching(/^sim:/) });
    clock.advance(2);
    await pollInstance(deps, launched.id, { reschedule: false });
    expect((await instanceRow(db, launched.id)).state).toBe("provisioning");

    clock.advance(3);
    await pollInstance(deps, launched.id, { reschedule: false });
    const running = await getInstance(alice.ctx, { instanceId: launched.id });
    expect(running.state).toBe("running");
    expect(running.ipAddress).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(running.sshCommand).toBe(`ssh ubuntu@${running.ipAddress}`);

    clock.advance(3607);
    const live = await getInstance(alice.ctx, { instanceId: launched.id });
    expect(live).toMatchObject({ uptimeSeconds: 3607, costNano: 2_003_888_889n });

    const stopping = await terminateInstance(alice.ctx, { instanceId: launched.id });
    expect(stopping.state).toBe("stopping");
    await finishTermination(deps, launched.id);
    await finishTermination(deps, launched.id);
    await reconcileInstances(deps);

    const ended = await getInstance(alice.ctx, { instanceId: launched.id });
    expect(ended).toMatchObject({ state: "terminated", uptimeSeconds: 3607, costNano: 2_003_888_889n, sshCommand: null });
    expect(ended.events.map((e) => [e.fromState, e.toState])).toEqual([
      [null, "pending"],
      ["pending", "provisioning"],
      ["provisioning", "running"],
      ["running", "stopping"],
      ["stopping", "terminated"],
    ]);
    expect(await heldSlots(launched.id, clock.now())).toBe(0);
    // Running from 10:00:05 to 11:00:12: one event per UTC hour, adding up to the whole run's bill.
    const usage = (await usageOf(launched.id)).sort((a, b) => a.id.localeCompare(b.id));
    expect(usage.map((u) => [u.id, u.quantitySeconds, u.createdAt.toISOString()])).toEqual([
      [`use_ins_${launched.id}_2026-03-01T10`, 3595, "2026-03-01T10:00:05.000Z"],
      [`use_ins_${launched.id}_2026-03-01T11`, 12, "2026-03-01T11:00:00.000Z"],
    ]);
    expect(usage[0]!.costNano).toBe(costForSeconds(2_000_000_000n, 3595));
    expect(usage[0]!.costNano + usage[1]!.costNano).toBe(2_003_888_889n);
    for (const u of usage) {
      expect(u).toMatchObject({ product: "instance_hours", instanceTypeId: "x1", userId: alice.userId, apiKeyId: null, source: "console" });
    }
    const audit = await db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, launched.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["instance.launched", "instance.terminated"]);

    // Terminating again changes nothing: no event, no audit, no second charge.
    await terminateInstance(alice.ctx, { instanceId: launched.id });
    const [events] = await db.select({ n: count() }).from(instanceEvents).where(eq(instanceEvents.instanceId, launched.id));
    expect(events?.n).toBe(5);
    expect(await usageOf(launched.id)).toHaveLength(2);
  });

  it("a launch that fails bills nothing and gives its capacity back", async () => {
    const clock = testClock(new Date("2026-03-02T10:00:00Z"));
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 1, failureRate: 1 });
    const bob = await computeMember(db, "Bob", clock.now);
    const before = await freeInstances(db, { instanceTypeId: "x8", from: clock.now(), to: null, regionId: "r1" });

    const launched = await launchInstance(bob.ctx, bob.launch({ instanceTypeId: "x8" }));
    expect(await heldSlots(launched.id, clock.now())).toBe(8);
    await provisionInstance(deps, launched.id);
    clock.advance(2);
    await pollInstance(deps, launched.id, { reschedule: false });

    const failed = await getInstance(bob.ctx, { instanceId: launched.id });
    expect(failed).toMatchObject({ state: "failed", stateReason: "The machine did not pass its health checks after boot.", costNano: 0n });
    expect(await heldSlots(launched.id, clock.now())).toBe(0);
    expect(await usageOf(launched.id)).toEqual([]);
    expect(await freeInstances(db, { instanceTypeId: "x8", from: clock.now(), to: null, regionId: "r1" })).toEqual(before);
  });

  it("retries a launch that does not come up in time, then fails it after the last attempt", async () => {
    const clock = testClock(new Date("2026-03-03T10:00:00Z"));
    // Boots forever: every attempt runs into its deadline.
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 3600, bootTimeoutSeconds: 60 });
    const carol = await computeMember(db, "Carol", clock.now);
    const launched = await launchInstance(carol.ctx, carol.launch());

    for (let attempt = 1; attempt <= MAX_LAUNCH_ATTEMPTS; attempt++) {
      await reconcileInstances(deps);
      expect(await instanceRow(db, launched.id)).toMatchObject({ state: "provisioning", attempts: attempt });
      clock.advance(61);
      await reconcileInstances(deps);
      expect((await instanceRow(db, launched.id)).state).toBe(attempt < MAX_LAUNCH_ATTEMPTS ? "pending" : "failed");
    }
    const failed = await getInstance(carol.ctx, { instanceId: launched.id });
    expect(failed.stateReason).toBe("The machine did not start within 60 seconds. Gave up after 3 attempts.");
    expect(await heldSlots(launched.id, clock.now())).toBe(0);
    expect(await usageOf(launched.id)).toEqual([]);
  });

  it("retries when the driver refuses a launch", async () => {
    const clock = testClock(new Date("2026-03-04T10:00:00Z"));
    const { deps, driver } = simulatedDeps(db, clock.now, { bootSeconds: 1 });
    let refusals = 1;
    const flaky: ComputeDriver = {
      ...driver,
      launch: async (request) => {
        if (refusals-- > 0) throw new Error("provider API unavailable");
        return driver.launch(request);
      },
    };
    const dave = await computeMember(db, "Dave", clock.now);
    const launched = await launchInstance(dave.ctx, dave.launch());
    await provisionInstance({ ...deps, driver: flaky }, launched.id);
    expect(await instanceRow(db, launched.id)).toMatchObject({ state: "pending", attempts: 1 });
    await provisionInstance({ ...deps, driver: flaky }, launched.id);
    clock.advance(1);
    await pollInstance({ ...deps, driver: flaky }, launched.id, { reschedule: false });
    expect(await instanceRow(db, launched.id)).toMatchObject({ state: "running", attempts: 2 });
  });

  it("a host failure under a running instance fails it and bills the time it ran", async () => {
    const clock = testClock(new Date("2026-03-05T10:00:00Z"));
    const { deps, driver } = simulatedDeps(db, clock.now, { bootSeconds: 1 });
    const erin = await computeMember(db, "Erin", clock.now);
    const launched = await launchInstance(erin.ctx, erin.launch({ regionId: "r2" }));
    await reconcileInstances(deps);
    clock.advance(1);
    await reconcileInstances(deps);
    expect((await instanceRow(db, launched.id)).state).toBe("running");

    clock.advance(100);
    const { hostId } = await instanceRow(db, launched.id);
    await driver.simulateHostFailure(hostId!);
    try {
      const report = await reconcileInstances(deps);
      expect(report.hostFailures).toBe(1);
    } finally {
      await driver.restoreHost(hostId!);
    }
    const failed = await getInstance(erin.ctx, { instanceId: launched.id });
    expect(failed).toMatchObject({ state: "failed", stateReason: `Host ${hostId} stopped responding.`, uptimeSeconds: 100 });
    expect(await heldSlots(launched.id, clock.now())).toBe(0);
    expect((await usageOf(launched.id)).map((u) => [u.quantitySeconds, u.costNano])).toEqual([[100, costForSeconds(2_000_000_000n, 100)]]);
  });

  it("terminating before it runs bills nothing", async () => {
    const clock = testClock(new Date("2026-03-06T10:00:00Z"));
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 10 });
    const finn = await computeMember(db, "Finn", clock.now);
    const launched = await launchInstance(finn.ctx, finn.launch());
    await provisionInstance(deps, launched.id);
    await terminateInstance(finn.ctx, { instanceId: launched.id });
    // The poll that was queued arrives after the user's click: it must not bring it back.
    clock.advance(20);
    await pollInstance(deps, launched.id, { reschedule: false });
    await reconcileInstances(deps);
    expect((await instanceRow(db, launched.id)).state).toBe("terminated");
    expect(await heldSlots(launched.id, clock.now())).toBe(0);
    expect(await usageOf(launched.id)).toEqual([]);
  });

  it("the reconciler releases allocations whose instance is gone", async () => {
    const clock = testClock(new Date("2026-03-07T10:00:00Z"));
    const { deps } = simulatedDeps(db, clock.now);
    const gina = await computeMember(db, "Gina", clock.now);
    const launched = await launchInstance(gina.ctx, gina.launch());
    // A row deleted behind the service's back, as a manual fix or a bug would.
    await db.delete(instances).where(eq(instances.id, launched.id));
    expect(await heldSlots(launched.id, clock.now())).toBe(1);
    const report = await reconcileInstances(deps);
    expect(report.releasedOrphans).toBe(1);
    expect(await heldSlots(launched.id, clock.now())).toBe(0);
  });
});

describe("metering running instances by the hour", () => {
  it("bills closed hours while it runs, on either side of a month's end, and the rest at termination", async () => {
    const clock = testClock(new Date("2026-03-31T23:30:00Z"));
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 1 });
    const gus = await computeMember(db, "Gus", clock.now);
    const launched = await launchInstance(gus.ctx, gus.launch());
    await provisionInstance(deps, launched.id);
    clock.advance(1);
    await pollInstance(deps, launched.id, { reschedule: false });
    expect((await instanceRow(db, launched.id)).state).toBe("running");

    // 23:30:01 → 01:10:01: the hours of 23:00 (March) and 00:00 (April) have closed.
    clock.advance(100 * 60);
    // (Other tests' instances share the database, so count this one's events only.)
    await meterRunningInstances(db, clock.now(), deps.log);
    expect(await usageOf(launched.id)).toHaveLength(2);
    await meterRunningInstances(db, clock.now(), deps.log);
    expect(await usageOf(launched.id)).toHaveLength(2);
    const metered = await spendByMonth(gus.team.id);
    expect(metered).toEqual({ "2026-03-01": costForSeconds(2_000_000_000n, 1799), "2026-04-01": costForSeconds(2_000_000_000n, 5399) - costForSeconds(2_000_000_000n, 1799) });

    await terminateInstance(gus.ctx, { instanceId: launched.id });
    await finishTermination(deps, launched.id);
    const usage = await usageOf(launched.id);
    expect(usage.map((u) => u.quantitySeconds).sort((a, b) => a! - b!)).toEqual([601, 1799, 3600]);
    const total = usage.reduce((sum, u) => sum + u.costNano, 0n);
    expect(total).toBe(costForSeconds(2_000_000_000n, 6000));
    const ended = await getInstance(gus.ctx, { instanceId: launched.id });
    expect(ended.costNano).toBe(total);
    const months = await spendByMonth(gus.team.id);
    expect(months["2026-03-01"]! + months["2026-04-01"]!).toBe(total);
  });
});

async function spendByMonth(teamId: string): Promise<Record<string, bigint>> {
  const rows = await db.select().from(teamSpend).where(eq(teamSpend.teamId, teamId));
  return Object.fromEntries(rows.map((r) => [r.month, r.spentNano]));
}
