import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { Db } from "@/server/db";
import { openDatabase } from "@/server/db/client";
import { openTestDatabase } from "@/server/db/testing";
import { createFreshDatabase } from "@/server/db/testing/postgres";
import { allocations, auditEvents, reservations, usageEvents } from "@/server/db/schema";
import { createTestUser } from "@/server/services/testing";
import { AppError } from "../../errors";
import { CapacityError } from "../capacity";
import { testComputeCatalog } from "../capacity/testing";
import { computeContextOf, type ComputeContext } from "../context";
import { seedComputeCatalog } from "../fleet";
import { OFFERING_GONE, purchaseReservation, reservationPrice, type PurchaseReservationInput } from ".";

/**
 * On PostgreSQL (TEST_DATABASE_URL) the buyers really run at once: five connection pools of ten on
 * one fresh database, so that all 50 transactions are open together. On PGlite (one connection)
 * they queue, which still checks the outcome but not the race.
 */
async function openPools(): Promise<Db[]> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return [(await openTestDatabase()).db];
  const fresh = await createFreshDatabase(serverUrl, { prefix: "cc_test", template: inject("templateDatabase") });
  const handles = await Promise.all(Array.from({ length: 5 }, () => openDatabase({ databaseUrl: fresh.url, migrate: false })));
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    await fresh.drop();
  });
  return handles.map((h) => h.db);
}

const pools = await openPools();
const db = pools[0]!;
// One region with a single host of 8 slots.
await seedComputeCatalog(db, testComputeCatalog({ regions: 1, hostsPerRegion: 1 }));
const NOW = new Date("2031-06-01T08:30:00.000Z");
const START = new Date("2031-06-10T00:00:00.000Z");
const END = new Date("2031-06-10T06:00:00.000Z");
const PRICE_X1_6H = reservationPrice({ reservedNanoPerHour: 1_234_567_891n }, 6, 1);

async function teamContext(): Promise<ComputeContext> {
  const user = await createTestUser(db, "Concurrent buyer");
  return { ...computeContextOf(await user.teamCtx()), now: () => NOW };
}

const input = (overrides: Partial<PurchaseReservationInput> = {}): PurchaseReservationInput => ({
  name: "Race",
  regionId: "r1",
  instanceTypeId: "x1",
  instanceCount: 1,
  startsAt: START,
  endsAt: END,
  priceNano: PRICE_X1_6H,
  idempotencyKey: randomUUID(),
  ...overrides,
});

describe("buying the last free slot at once", () => {
  it("50 concurrent purchases: exactly one succeeds, the 49 others get the clear error and write nothing", async () => {
    const first = await teamContext();
    await purchaseReservation(first, input({ instanceCount: 7, priceNano: PRICE_X1_6H * 7n }));
    const buyers = await Promise.all(Array.from({ length: 50 }, () => teamContext()));
    const outcomes = await Promise.allSettled(buyers.map((ctx, i) => purchaseReservation({ ...ctx, db: pools[i % pools.length]! }, input())));

    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const o of lost) {
      expect(o.reason).toBeInstanceOf(CapacityError);
      expect((o.reason as AppError).message).toBe(OFFERING_GONE);
    }
    const losers = buyers.filter((_, i) => outcomes[i]!.status === "rejected").map((ctx) => ctx.team.id);
    for (const teamId of losers) {
      expect(await db.$count(reservations, eq(reservations.teamId, teamId))).toBe(0);
      expect(await db.$count(allocations, eq(allocations.teamId, teamId))).toBe(0);
      expect(await db.$count(usageEvents, eq(usageEvents.teamId, teamId))).toBe(0);
    }
    expect(await db.$count(auditEvents, eq(auditEvents.action, "reservation.purchased"))).toBe(2);
    expect(await db.$count(allocations)).toBe(8);
  });

  it("the same request sent 10 times at once makes one reservation, returned to every caller", async () => {
    const ctx = await teamContext();
    const same = input({ startsAt: new Date("2031-06-11T00:00:00.000Z"), endsAt: new Date("2031-06-11T06:00:00.000Z"), instanceCount: 3, priceNano: PRICE_X1_6H * 3n });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => purchaseReservation({ ...ctx, db: pools[i % pools.length]! }, same)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await db.$count(reservations, eq(reservations.teamId, ctx.team.id))).toBe(1);
    expect(await db.$count(allocations, eq(allocations.ownerId, results[0]!.id))).toBe(3);
    expect(await db.$count(usageEvents, eq(usageEvents.teamId, ctx.team.id))).toBe(1);
  });
});
