import { and, count, eq, gt, isNull, or } from "drizzle-orm";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { allocations, auditEvents, computeQuotas, instances, memberships, usageEvents } from "@/server/db/schema";
import { appErrorOf, createTestUser } from "@/server/services/testing";
import { computeContextOf, computeContextOfKey } from "../context";
import { listImages, getInstance, listInstances } from "./list-instances";
import { launchInstance } from "./launch-instance";
import { finishTermination, provisionInstance, pollInstance } from "./lifecycle";
import { reconcileInstances } from "./reconcile";
import { terminateInstance } from "./terminate-instance";
import { computeMember, insertTestReservation, instanceRow, seedTestFleet, simulatedDeps, testClock } from "./testing";

const { db } = await openTestDatabase();
// One 8-GPU host per region: small enough to sell out.
await seedTestFleet(db, { hostsPerRegion: 1 });

async function heldSlots(ownerId: string, at = new Date()) {
  const [row] = await db
    .select({ n: count() })
    .from(allocations)
    .where(and(eq(allocations.ownerId, ownerId), or(isNull(allocations.endsAt), gt(allocations.endsAt, at))));
  return row?.n ?? 0;
}

async function instanceCount(teamId: string) {
  const [row] = await db.select({ n: count() }).from(instances).where(eq(instances.teamId, teamId));
  return row?.n ?? 0;
}

describe("launch validation", () => {
  it("explains bad input field by field", async () => {
    const m = await computeMember(db, "Val");
    expect((await appErrorOf(launchInstance(m.ctx, m.launch({ instanceTypeId: "x3" })))).details.fieldErrors).toEqual({
      instanceTypeId: ["Unknown instance type: x3"],
    });
    expect((await appErrorOf(launchInstance(m.ctx, m.launch({ regionId: "mars-1" })))).details.fieldErrors).toEqual({ regionId: ["Unknown region: mars-1"] });
    expect(Object.keys((await appErrorOf(launchInstance(m.ctx, m.launch({ sshKeyIds: ["ssh_nope"] })))).details.fieldErrors ?? {})).toEqual(["sshKeyIds"]);
    await expect(launchInstance(m.ctx, m.launch({ image: "windows-95" as never }))).rejects.toThrow(/Choose an image/);
    await expect(launchInstance(m.ctx, m.launch({ sshKeyIds: [] }))).rejects.toThrow(/at least one SSH key/);
    await expect(launchInstance(m.ctx, m.launch({ name: "no spaces please" }))).rejects.toThrow(/letters, digits/);
    expect(await instanceCount(m.team.id)).toBe(0);
  });

  it("lists the images it accepts", async () => {
    const m = await computeMember(db, "Images");
    expect(listImages(m.ctx).map((i) => i.id)).toEqual(["ubuntu-24.04-cuda-12.8", "ubuntu-22.04-cuda-12.4", "ubuntu-24.04-pytorch-2.7"]);
  });
});

describe("capacity and quota", () => {
  it("a sold-out region names the regions that have capacity, then says none has", async () => {
    const m = await computeMember(db, "Sally");
    const first = await launchInstance(m.ctx, m.launch({ instanceTypeId: "x8", name: "whole-host" }));
    const soldOut = await appErrorOf(launchInstance(m.ctx, m.launch({ instanceTypeId: "x1" })));
    expect(soldOut.code).toBe("CONFLICT");
    expect(soldOut.message).toBe("1× X is sold out in Region 1 right now. It is available in Region 2 (r2).");
    expect(soldOut.details).toMatchObject({ availableRegions: ["r2"], fieldErrors: { regionId: [soldOut.message] } });

    // Another team, since two whole hosts are past the default quota of 16 GPUs.
    const other = await computeMember(db, "Sid");
    const second = await launchInstance(other.ctx, other.launch({ instanceTypeId: "x8", regionId: "r2" }));
    const everywhere = await appErrorOf(launchInstance(m.ctx, m.launch({ instanceTypeId: "x1", regionId: "r2" })));
    expect(everywhere.message).toMatch(/sold out in every region right now\. Reserve a capacity block/);

    // Leave the fleet empty for the next tests.
    const { deps } = simulatedDeps(db, () => new Date());
    for (const [ctx, id] of [[m.ctx, first.id], [other.ctx, second.id]] as const) {
      await terminateInstance(ctx, { instanceId: id });
      await finishTermination(deps, id);
    }
  });

  it("refuses an on-demand launch past the team's GPU quota", async () => {
    const m = await computeMember(db, "Quinn");
    await db.insert(computeQuotas).values({ teamId: m.team.id, gpuModel: "X", maxGpus: 2 });
    await launchInstance(m.ctx, m.launch({ instanceTypeId: "x2" }));
    const refused = await appErrorOf(launchInstance(m.ctx, m.launch({ instanceTypeId: "x1" })));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toMatch(/quota of 2/);
    expect(await instanceCount(m.team.id)).toBe(1);
    const { deps } = simulatedDeps(db, () => new Date());
    const [held] = await listInstances(m.ctx, { state: "live" });
    await terminateInstance(m.ctx, { instanceId: held!.id });
    await finishTermination(deps, held!.id);
  });
});

describe("idempotent launch", () => {
  it("the same key and body return the same instance; another body is refused", async () => {
    const m = await computeMember(db, "Ida");
    const input = m.launch({ idempotencyKey: "form-4f1c" });
    const first = await launchInstance(m.ctx, input);
    const again = await launchInstance(m.ctx, { ...input, sshKeyIds: [...input.sshKeyIds] });
    expect(again.id).toBe(first.id);
    expect(await instanceCount(m.team.id)).toBe(1);
    expect(await heldSlots(first.id)).toBe(1);
    const [launches] = await db.select({ n: count() }).from(auditEvents).where(and(eq(auditEvents.teamId, m.team.id), eq(auditEvents.action, "instance.launched")));
    expect(launches?.n).toBe(1);

    const other = await appErrorOf(launchInstance(m.ctx, { ...input, name: "other-name" }));
    expect(other.code).toBe("BAD_REQUEST");
    expect(other.details.reason).toBe("idempotency_key_reused");

    // Keys are per team: another team's identical key is a new launch.
    const n = await computeMember(db, "Nia");
    const theirs = await launchInstance(n.ctx, n.launch({ idempotencyKey: "form-4f1c" }));
    expect(theirs.id).not.toBe(first.id);

    const { deps } = simulatedDeps(db, () => new Date());
    for (const [ctx, id] of [[m.ctx, first.id], [n.ctx, theirs.id]] as const) {
      await terminateInstance(ctx, { instanceId: id });
      await finishTermination(deps, id);
    }
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("a second request while the first is in flight gets CONFLICT (PostgreSQL)", async () => {
    const m = await computeMember(db, "Flight");
    const key = "double-click";
    // Another session holds the key's lock, as the first request's transaction would.
    const url = (db as unknown as { $client: { options: { connectionString: string } } }).$client.options.connectionString;
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query("begin");
      await other.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [`instance_launch:${m.team.id}:${key}`]);
      const busy = await appErrorOf(launchInstance(m.ctx, m.launch({ idempotencyKey: key })));
      expect(busy.code).toBe("CONFLICT");
      expect(busy.message).toMatch(/still in progress/);
      await other.query("rollback");
    } finally {
      await other.end();
    }
    expect(await instanceCount(m.team.id)).toBe(0);
  });
});

describe("access", () => {
  it("a viewer may read but not launch or terminate; a read-only key cannot launch", async () => {
    const owner = await computeMember(db, "Owner");
    const launched = await launchInstance(owner.ctx, owner.launch());
    const viewer = await createTestUser(db, "Viewer");
    await db.insert(memberships).values({ teamId: owner.team.id, userId: viewer.userId, role: "viewer", createdAt: new Date() });
    const viewerCtx = computeContextOf({ ...viewer.ctx, actor: { type: "user", userId: viewer.userId }, team: owner.team, role: "viewer" });

    expect((await listInstances(viewerCtx)).map((i) => i.id)).toEqual([launched.id]);
    expect((await appErrorOf(launchInstance(viewerCtx, owner.launch()))).code).toBe("FORBIDDEN");
    expect((await appErrorOf(terminateInstance(viewerCtx, { instanceId: launched.id }))).code).toBe("FORBIDDEN");

    const keyCtx = computeContextOfKey(owner.ctx, { id: "key_readOnly", teamId: owner.team.id, scopes: ["instances:read"] }, owner.team);
    const refused = await appErrorOf(launchInstance(keyCtx, owner.launch()));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toMatch(/instances:write/);
    expect(await instanceCount(owner.team.id)).toBe(1);
    expect((await instanceRow(db, launched.id)).state).toBe("pending");
  });

  it("another team's instance is NOT_FOUND, and lists never mix teams", async () => {
    const alice = await computeMember(db, "Alice Iso");
    const bob = await computeMember(db, "Bob Iso");
    const hers = await launchInstance(alice.ctx, alice.launch());
    expect((await appErrorOf(getInstance(bob.ctx, { instanceId: hers.id }))).code).toBe("NOT_FOUND");
    expect((await appErrorOf(terminateInstance(bob.ctx, { instanceId: hers.id }))).code).toBe("NOT_FOUND");
    expect(await listInstances(bob.ctx)).toEqual([]);
    expect((await instanceRow(db, hers.id)).state).toBe("pending");
    // Not even another team's SSH key can be smuggled in.
    expect(Object.keys((await appErrorOf(launchInstance(bob.ctx, bob.launch({ sshKeyIds: [alice.sshKey.id] })))).details.fieldErrors ?? {})).toEqual(["sshKeyIds"]);
  });

  it("an API key's launch is billed to the key, from the api", async () => {
    const clock = testClock();
    const owner = await computeMember(db, "Keyholder", clock.now);
    const keyCtx = computeContextOfKey(owner.ctx, { id: "key_launcher0001", teamId: owner.team.id, scopes: ["instances:write"] }, owner.team);
    const launched = await launchInstance(keyCtx, owner.launch({ instanceTypeId: "x1", regionId: "r2" }));
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 1 });
    await provisionInstance(deps, launched.id);
    clock.advance(1);
    await pollInstance(deps, launched.id, { reschedule: false });
    clock.advance(60);
    await terminateInstance(keyCtx, { instanceId: launched.id });
    await finishTermination(deps, launched.id);
    const [usage] = await db.select().from(usageEvents).where(eq(usageEvents.resourceId, launched.id));
    expect(usage).toMatchObject({ apiKeyId: "key_launcher0001", userId: null, source: "api", quantitySeconds: 60 });
  });
});

describe("launching into a reservation", () => {
  it("uses the block's slots at no charge, refuses when the block is full, and ends with the block", async () => {
    const clock = testClock(new Date("2026-04-01T12:00:00Z"));
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 1 });
    const m = await computeMember(db, "Reserver", clock.now);
    const reservationId = await insertTestReservation(db, m.team.id, {
      instanceTypeId: "x2",
      regionId: "r1",
      instanceCount: 2,
      gpusPerInstance: 2,
      startsAt: new Date("2026-04-01T11:00:00Z"),
      endsAt: new Date("2026-04-01T15:00:00Z"),
    });
    const reservedSlots = await db.select().from(allocations).where(eq(allocations.ownerId, reservationId));
    expect(reservedSlots).toHaveLength(4);

    const a = await launchInstance(m.ctx, m.launch({ instanceTypeId: "x2", reservationId, name: "rsv-a" }));
    const b = await launchInstance(m.ctx, m.launch({ instanceTypeId: "x2", reservationId, name: "rsv-b" }));
    expect(a.priceNanoPerHour).toBe(0n);
    const rows = await Promise.all([a.id, b.id].map((id) => instanceRow(db, id)));
    const used = rows.flatMap((r) => r.slots!.map((s) => `${r.hostId}/${s}`)).sort();
    expect(used).toEqual(reservedSlots.map((s) => `${s.hostId}/${s.slot}`).sort());
    // Reservation-backed instances take no allocation of their own, and no quota.
    expect(await heldSlots(a.id, clock.now())).toBe(0);

    const full = await appErrorOf(launchInstance(m.ctx, m.launch({ instanceTypeId: "x2", reservationId })));
    expect(full.code).toBe("CONFLICT");
    expect(full.message).toMatch(/All 2 instances of reservation .* are in use/);
    expect((await appErrorOf(launchInstance(m.ctx, m.launch({ instanceTypeId: "x1", reservationId })))).details.fieldErrors).toHaveProperty("instanceTypeId");
    const stranger = await computeMember(db, "Stranger", clock.now);
    expect((await appErrorOf(launchInstance(stranger.ctx, stranger.launch({ instanceTypeId: "x2", reservationId })))).code).toBe("NOT_FOUND");

    // Freeing one instance frees its slots for the next launch.
    await reconcileInstances(deps);
    clock.advance(1);
    await reconcileInstances(deps);
    clock.advance(600);
    await terminateInstance(m.ctx, { instanceId: a.id });
    await finishTermination(deps, a.id);
    const c = await launchInstance(m.ctx, m.launch({ instanceTypeId: "x2", reservationId, name: "rsv-c" }));
    expect((await instanceRow(db, c.id)).slots).toEqual(rows[0]!.slots);
    const [usageA] = await db.select().from(usageEvents).where(eq(usageEvents.resourceId, a.id));
    expect(usageA).toMatchObject({ quantitySeconds: 600, costNano: 0n });

    // The block ends: its instances are terminated by the reconciler, and its slots stay its own.
    clock.set(new Date("2026-04-01T15:00:00Z"));
    const report = await reconcileInstances(deps);
    expect(report.reservationEnds).toBe(2);
    expect((await instanceRow(db, b.id)).state).toBe("terminated");
    expect((await instanceRow(db, c.id)).state).toBe("terminated");
    expect(await db.select().from(allocations).where(eq(allocations.ownerId, reservationId))).toHaveLength(4);
    const [systemAudit] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, b.id), eq(auditEvents.action, "instance.terminated")));
    expect(systemAudit).toMatchObject({ actorType: "system", metadata: expect.objectContaining({ reason: "reservation_ended" }) });
    expect((await appErrorOf(launchInstance(m.ctx, m.launch({ instanceTypeId: "x2", reservationId })))).message).toMatch(/has ended/);
  });
});
