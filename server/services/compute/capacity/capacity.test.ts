import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { allocations, hosts } from "@/server/db/schema";
import { seedComputeCatalog } from "../fleet";
import { allocate, availabilityCalendar, CapacityError, extendAllocations, freeInstances, releaseAllocations, type SlotRequest } from ".";
import { testComputeCatalog } from "./testing";

const HOUR = 3_600_000;
const T0 = new Date("2031-03-01T00:00:00.000Z");
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

function request(overrides: Partial<SlotRequest>): SlotRequest {
  return {
    regionId: "r1",
    gpuModel: "X",
    gpusPerInstance: 1,
    instances: 1,
    startsAt: at(0),
    endsAt: at(1),
    teamId: "team_capacityTest",
    ownerType: "reservation",
    ownerId: `res_${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

type Row = typeof allocations.$inferSelect;

function overlaps(a: Row, b: Row): boolean {
  const aEnd = a.endsAt?.getTime() ?? Infinity;
  const bEnd = b.endsAt?.getTime() ?? Infinity;
  return a.startsAt.getTime() < bEnd && b.startsAt.getTime() < aEnd;
}

/** Fails the test if any (host, slot) is held twice at once. */
function expectNoDoubleBooking(rows: Row[]) {
  const bySlot = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.hostId}#${row.slot}`;
    bySlot.set(key, [...(bySlot.get(key) ?? []), row]);
  }
  for (const [key, held] of bySlot) {
    for (let i = 0; i < held.length; i++) {
      for (let j = i + 1; j < held.length; j++) expect(overlaps(held[i]!, held[j]!), `${key} double-booked`).toBe(false);
    }
  }
}

/** Brute force: instances of `gpus` GPUs that fit per region over [from, to), from the rows themselves. */
function bruteForceFree(rows: Row[], hostList: { id: string; regionId: string; gpuSlots: number }[], gpus: number, from: Date, to: Date | null) {
  const probe = { startsAt: from, endsAt: to } as Row;
  const out = new Map<string, number>();
  for (const host of hostList) {
    const busy = new Set(rows.filter((r) => r.hostId === host.id && overlaps(r, probe)).map((r) => r.slot));
    out.set(host.regionId, (out.get(host.regionId) ?? 0) + Math.floor((host.gpuSlots - busy.size) / gpus));
  }
  return out;
}

async function fresh(options: { regions?: number; hostsPerRegion?: number } = {}) {
  const { db } = await openTestDatabase();
  await seedComputeCatalog(db, testComputeCatalog(options));
  return db;
}

describe("allocate", () => {
  it("never double-books under random requests, and what it returns is what it stored", async () => {
    const db = await fresh({ regions: 1, hostsPerRegion: 3 });
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let placed = 0;
    let refused = 0;
    for (let i = 0; i < 150; i++) {
      const gpus = [1, 1, 2, 4, 8][Math.floor(random() * 5)]!;
      const start = Math.floor(random() * 48);
      const openEnded = random() < 0.05;
      const r = request({ gpusPerInstance: gpus, instances: 1 + Math.floor(random() * 2), startsAt: at(start), endsAt: openEnded ? null : at(start + 1 + Math.floor(random() * 12)) });
      try {
        const placements = await db.transaction((tx) => allocate(tx, r));
        placed++;
        expect(placements).toHaveLength(r.instances);
        for (const p of placements) expect(new Set(p.slots).size).toBe(gpus);
        const rows = await db.select().from(allocations).where(eq(allocations.ownerId, r.ownerId));
        expect(rows.map((row) => `${row.hostId}#${row.slot}`).sort()).toEqual(placements.flatMap((p) => p.slots.map((s) => `${p.hostId}#${s}`)).sort());
      } catch (error) {
        expect(error).toBeInstanceOf(CapacityError);
        refused++;
      }
    }
    expect(placed).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(5);
    const rows = await db.select().from(allocations);
    expectNoDoubleBooking(rows);

    // freeInstances and the calendar agree with a brute-force count over the same rows.
    const hostList = await db.select().from(hosts);
    for (const gpus of [1, 2, 8]) {
      for (const [from, to] of [[at(0), at(48)], [at(10), at(11)], [at(30), null], [at(70), at(80)]] as const) {
        const free = await freeInstances(db, { instanceTypeId: `x${gpus}`, from, to });
        expect(free).toEqual([{ regionId: "r1", instances: bruteForceFree(rows, hostList, gpus, from, to).get("r1"), gpus: expect.any(Number) }]);
      }
      const calendar = await availabilityCalendar(db, { instanceTypeId: `x${gpus}`, from: at(0), days: 3, bucket: "hour" });
      expect(calendar.starts).toHaveLength(72);
      expect(calendar.regions[0]!.instances).toEqual(calendar.starts.map((s) => bruteForceFree(rows, hostList, gpus, s, new Date(s.getTime() + HOUR)).get("r1")));
    }
  });

  it("puts a multi-GPU instance on one host, and refuses one that only fits across hosts", async () => {
    const db = await fresh({ regions: 1, hostsPerRegion: 2 });
    // Five GPUs taken on each host: 6 free in all, but at most 3 on any one host.
    for (const host of ["r1-x-0001", "r1-x-0002"]) {
      await db.insert(allocations).values([0, 1, 2, 3, 4].map((slot) => ({ id: `alc_${host}_${slot}`, hostId: host, slot, startsAt: at(0), endsAt: at(10), teamId: "t", ownerType: "instance" as const, ownerId: "ins_x" })));
    }
    const four = request({ gpusPerInstance: 4, startsAt: at(2), endsAt: at(3) });
    const error = await db.transaction((tx) => allocate(tx, four)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CapacityError);
    expect((error as CapacityError).code).toBe("CONFLICT");
    expect((error as CapacityError).message).toMatch(/^Not enough free capacity in r1 for 1 instance of 4× X from .* none fit\. Try another region/);
    const [placement] = await db.transaction((tx) => allocate(tx, request({ gpusPerInstance: 3, startsAt: at(2), endsAt: at(3) })));
    expect(placement!.slots).toEqual([5, 6, 7]);
    expect(await freeInstances(db, { instanceTypeId: "x1", from: at(2), to: at(3) })).toEqual([{ regionId: "r1", instances: 3, gpus: 3 }]);
  });

  it("places several instances over several hosts, and ignores draining hosts and other regions", async () => {
    const db = await fresh({ regions: 2, hostsPerRegion: 3 });
    await db.update(hosts).set({ state: "draining" }).where(eq(hosts.id, "r1-x-0003"));
    const placements = await db.transaction((tx) => allocate(tx, request({ gpusPerInstance: 8, instances: 2 })));
    expect(placements.map((p) => p.hostId).sort()).toEqual(["r1-x-0001", "r1-x-0002"]);
    await expect(db.transaction((tx) => allocate(tx, request({ gpusPerInstance: 8 })))).rejects.toThrow(CapacityError);
    expect(await freeInstances(db, { instanceTypeId: "x8", from: at(0), to: at(1) })).toEqual([
      { regionId: "r1", instances: 0, gpus: 0 },
      { regionId: "r2", instances: 3, gpus: 24 },
    ]);
  });

  it("a future reservation keeps an open-ended instance off its slot, and a running instance keeps reservations off", async () => {
    const db = await fresh({ regions: 1, hostsPerRegion: 1 });
    await db.transaction((tx) => allocate(tx, request({ gpusPerInstance: 8, startsAt: at(100), endsAt: at(101) })));
    // The host is free now, but an on-demand instance holds its slots with no end.
    expect(await freeInstances(db, { instanceTypeId: "x1", from: at(0), to: null })).toEqual([{ regionId: "r1", instances: 0, gpus: 0 }]);
    await expect(db.transaction((tx) => allocate(tx, request({ ownerType: "instance", startsAt: at(0), endsAt: null })))).rejects.toThrow(CapacityError);
    // Before the reservation, a fixed window still fits, right up to its start.
    await db.transaction((tx) => allocate(tx, request({ gpusPerInstance: 8, startsAt: at(99), endsAt: at(100) })));

    const db2 = await fresh({ regions: 1, hostsPerRegion: 1 });
    await db2.transaction((tx) => allocate(tx, request({ ownerType: "instance", startsAt: at(0), endsAt: null })));
    await expect(db2.transaction((tx) => allocate(tx, request({ gpusPerInstance: 8, startsAt: at(1000), endsAt: at(1001) })))).rejects.toThrow(CapacityError);
    await db2.transaction((tx) => allocate(tx, request({ gpusPerInstance: 7, startsAt: at(1000), endsAt: at(1001) })));
  });

  it("keeps the caller's transaction usable after a lost race, and retries on fresh data", async () => {
    const db = await fresh({ regions: 1, hostsPerRegion: 1 });
    await db.transaction(async (tx) => {
      await tx.insert(allocations).values({ id: "alc_before", hostId: "r1-x-0001", slot: 0, startsAt: at(0), endsAt: at(1), teamId: "t", ownerType: "instance", ownerId: "ins_before" });
      const placements = await allocate(tx, request({ gpusPerInstance: 7 }));
      expect(placements[0]!.slots).toEqual([1, 2, 3, 4, 5, 6, 7]);
      await expect(allocate(tx, request({}))).rejects.toThrow(CapacityError);
      // Still usable: the failed attempt rolled back to its savepoint only.
      expect(await tx.$count(allocations)).toBe(8);
    });
  });

  it("concurrent callers all get distinct slots (truly concurrent on PostgreSQL)", async () => {
    const db = await fresh({ regions: 1, hostsPerRegion: 4 });
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => db.transaction((tx) => allocate(tx, request({})))));
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(32);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(CapacityError);
    const rows = await db.select().from(allocations);
    expect(rows).toHaveLength(32);
    expectNoDoubleBooking(rows);
  });

  it("allows back-to-back windows on one slot", async () => {
    const db = await fresh({ regions: 1, hostsPerRegion: 1 });
    await db.transaction((tx) => allocate(tx, request({ gpusPerInstance: 8, startsAt: at(0), endsAt: at(5) })));
    await db.transaction((tx) => allocate(tx, request({ gpusPerInstance: 8, startsAt: at(5), endsAt: at(9) })));
    await expect(db.transaction((tx) => allocate(tx, request({ startsAt: at(4), endsAt: at(6) })))).rejects.toThrow(CapacityError);
    expect(await db.$count(allocations)).toBe(16);
  });
});

describe("releaseAllocations and extendAllocations", () => {
  it("ends running and open-ended rows at the given time, drops rows not yet begun, and is idempotent", async () => {
    const db = await fresh({ regions: 1, hostsPerRegion: 1 });
    const owner = { ownerType: "instance" as const, ownerId: "ins_release" };
    await db.insert(allocations).values([
      { id: "alc_a", hostId: "r1-x-0001", slot: 0, startsAt: at(0), endsAt: null, teamId: "t", ...owner },
      { id: "alc_b", hostId: "r1-x-0001", slot: 1, startsAt: at(0), endsAt: at(2), teamId: "t", ...owner },
      { id: "alc_c", hostId: "r1-x-0001", slot: 2, startsAt: at(0), endsAt: at(20), teamId: "t", ...owner },
      { id: "alc_d", hostId: "r1-x-0001", slot: 3, startsAt: at(5), endsAt: at(20), teamId: "t", ...owner },
      { id: "alc_other", hostId: "r1-x-0001", slot: 4, startsAt: at(0), endsAt: null, teamId: "t", ownerType: "instance", ownerId: "ins_other" },
    ]);
    for (let i = 0; i < 2; i++) {
      await db.transaction((tx) => releaseAllocations(tx, owner, at(5)));
      const rows = await db.select().from(allocations).orderBy(allocations.id);
      expect(rows.map((r) => [r.id, r.endsAt?.toISOString() ?? null])).toEqual([
        ["alc_a", at(5).toISOString()],
        ["alc_b", at(2).toISOString()],
        ["alc_c", at(5).toISOString()],
        ["alc_other", null],
      ]);
    }
  });

  it("extends on the same slots or refuses with a CapacityError naming the same GPUs", async () => {
    const db = await fresh({ regions: 1, hostsPerRegion: 1 });
    const owner = { ownerType: "reservation" as const, ownerId: "res_extend" };
    const [held] = await db.transaction((tx) => allocate(tx, request({ ...owner, gpusPerInstance: 2, startsAt: at(0), endsAt: at(4) })));
    // The other six slots are taken from hour 6: the block's own two stay free.
    const others = [0, 1, 2, 3, 4, 5, 6, 7].filter((slot) => !held!.slots.includes(slot));
    await db.insert(allocations).values(others.map((slot) => ({ id: `alc_blocker_${slot}`, hostId: "r1-x-0001", slot, startsAt: at(6), endsAt: at(8), teamId: "t", ownerType: "instance" as const, ownerId: "ins_blocker" })));
    expect(await db.transaction((tx) => extendAllocations(tx, owner, at(4), at(6)))).toBe(2);
    await expect(db.transaction((tx) => extendAllocations(tx, owner, at(6), at(7)))).resolves.toBe(2);
    expect((await db.select().from(allocations).where(eq(allocations.ownerId, owner.ownerId))).map((r) => r.endsAt)).toEqual([at(7), at(7)]);
    // Now all 8 slots are held at hour 7: nothing can extend into it.
    const other = { ownerType: "reservation" as const, ownerId: "res_other" };
    await db.transaction((tx) => allocate(tx, request({ ...other, gpusPerInstance: 8, startsAt: at(8), endsAt: at(9) })));
    await expect(db.transaction((tx) => extendAllocations(tx, owner, at(7), at(9)))).rejects.toThrow(/The same GPUs are not free/);
    expectNoDoubleBooking(await db.select().from(allocations));
  });
});

describe("availabilityCalendar", () => {
  it("counts per region and day, rounds `from` down to the bucket, and treats open-ended rows as held to the horizon", async () => {
    const db = await fresh({ regions: 2, hostsPerRegion: 2 });
    await db.transaction((tx) => allocate(tx, request({ gpusPerInstance: 8, startsAt: at(30), endsAt: at(50) })));
    await db.transaction((tx) => allocate(tx, request({ regionId: "r2", ownerType: "instance", startsAt: at(60), endsAt: null })));
    const calendar = await availabilityCalendar(db, { instanceTypeId: "x8", from: at(5), days: 5, bucket: "day" });
    expect(calendar.from).toEqual(at(0));
    expect(calendar.to).toEqual(at(120));
    expect(calendar.regions).toEqual([
      { regionId: "r1", instances: [2, 1, 1, 2, 2] },
      { regionId: "r2", instances: [2, 2, 1, 1, 1] },
    ]);
    const one = await availabilityCalendar(db, { instanceTypeId: "x1", regionId: "r2", from: at(0), days: 5, bucket: "day" });
    expect(one.regions).toEqual([{ regionId: "r2", instances: [16, 16, 15, 15, 15] }]);
  });
});
