import { randomUUID } from "node:crypto";
import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { allocations, auditEvents, mails, memberships, notifications, reservations, usageEvents, users } from "@/server/db/schema";
import { insertTestKey } from "@/server/services/keys/testing";
import { createTestUser } from "@/server/services/testing";
import { enterTeam } from "@/server/services/teams/team-access";
import type { Role } from "@/server/services/teams/permissions";
import { AppError } from "../../errors";
import { allocate, CapacityError } from "../capacity";
import { testComputeCatalog } from "../capacity/testing";
import { actingUserId, computeContextOf, computeContextOfKey, type ComputeContext } from "../context";
import { seedComputeCatalog } from "../fleet";
import {
  advanceReservations,
  cancelReservation,
  extendReservation,
  getReservation,
  listReservations,
  OFFERING_GONE,
  purchaseReservation,
  refundFor,
  searchOfferings,
  type Offering,
  type PurchaseReservationInput,
} from ".";

const HOUR = 3_600_000;
/** 10:20 UTC: offerings start at 11:00 at the earliest. */
const NOW = new Date("2031-05-01T10:20:00.000Z");
const NEXT_HOUR = new Date("2031-05-01T11:00:00.000Z");
const hoursAfter = (at: Date, hours: number) => new Date(at.getTime() + hours * HOUR);
const X1_RESERVED = 1_234_567_891n;
const quiet = { info() {}, warn() {}, error() {} };

const { db } = await openTestDatabase();
// Two regions of 2 hosts × 8 slots of GPU model X; instance types x1, x2, x4, x8.
await seedComputeCatalog(db, testComputeCatalog({ regions: 2, hostsPerRegion: 2 }));

async function member(role: Role = "owner", now: Date = NOW): Promise<ComputeContext & { userId: string }> {
  const owner = await createTestUser(db, `Owner for ${role}`);
  let userId = owner.userId;
  if (role !== "owner") {
    const other = await createTestUser(db, `A ${role}`);
    await db.insert(memberships).values({ teamId: owner.team.id, userId: other.userId, role, createdAt: new Date() });
    userId = other.userId;
  }
  const teamCtx = await enterTeam({ ...owner.ctx, actor: { type: "user", userId } }, { teamId: owner.team.id });
  return { ...computeContextOf(teamCtx), now: () => now, userId };
}

const at = (ctx: ComputeContext, now: Date): ComputeContext => ({ ...ctx, now: () => now });

function buy(ctx: ComputeContext, offering: Offering, extra: Partial<PurchaseReservationInput> = {}) {
  return purchaseReservation(ctx, { ...offering, name: "Training run", idempotencyKey: randomUUID(), ...extra });
}

function offering(overrides: Partial<Offering> = {}): Offering {
  const startsAt = overrides.startsAt ?? hoursAfter(NEXT_HOUR, 100);
  const endsAt = overrides.endsAt ?? hoursAfter(startsAt, 2);
  const count = overrides.instanceCount ?? 1;
  const type = overrides.instanceTypeId ?? "x1";
  const hours = BigInt((endsAt.getTime() - startsAt.getTime()) / HOUR);
  const perHour = X1_RESERVED * BigInt(type.slice(1));
  return { regionId: "r1", instanceTypeId: type, instanceCount: count, startsAt, endsAt, priceNano: perHour * hours * BigInt(count), ...overrides };
}

async function rejection(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

const slotsOf = (reservationId: string) => db.select().from(allocations).where(eq(allocations.ownerId, reservationId)).orderBy(allocations.hostId, allocations.slot);
const chargesOf = (reservationId: string) => db.select().from(usageEvents).where(eq(usageEvents.resourceId, reservationId)).orderBy(usageEvents.id);

describe("searchOfferings", () => {
  it("offers whole-hour starts from the next hour on, spread over regions and days, priced exactly", async () => {
    const ctx = await member();
    const offers = await searchOfferings(ctx, { instanceTypeId: "x8", instanceCount: 2, durationHours: 30, earliestStart: hoursAfter(NOW, -50), latestEnd: hoursAfter(NOW, 24 * 20) });
    expect(offers).toHaveLength(6);
    expect(offers.map((o) => [o.regionId, o.startsAt.toISOString()])).toEqual([
      ["r1", NEXT_HOUR.toISOString()],
      ["r2", NEXT_HOUR.toISOString()],
      ["r1", hoursAfter(NEXT_HOUR, 24).toISOString()],
      ["r2", hoursAfter(NEXT_HOUR, 24).toISOString()],
      ["r1", hoursAfter(NEXT_HOUR, 48).toISOString()],
      ["r2", hoursAfter(NEXT_HOUR, 48).toISOString()],
    ]);
    for (const o of offers) {
      expect(o).toMatchObject({ instanceTypeId: "x8", instanceCount: 2, priceNano: X1_RESERVED * 8n * 30n * 2n });
      expect(o.endsAt.getTime() - o.startsAt.getTime()).toBe(30 * HOUR);
    }
    expect(offers[0]!.priceNano).toBe(592_592_587_680n);
  });

  it("starts where the capacity frees up, and only within the window", async () => {
    const ctx = await member();
    // r2 is full for x8 until 15:30, then one host is free until 40 hours later.
    const owner = { teamId: "team_other", ownerType: "reservation" as const };
    await db.transaction(async (tx) => {
      await allocate(tx, { ...owner, ownerId: "res_blockA", regionId: "r2", gpuModel: "X", gpusPerInstance: 1, instances: 1, startsAt: hoursAfter(NOW, -1), endsAt: new Date("2031-05-01T15:30:00Z") });
      await allocate(tx, { ...owner, ownerId: "res_blockB", regionId: "r2", gpuModel: "X", gpusPerInstance: 8, instances: 1, startsAt: hoursAfter(NOW, -1), endsAt: hoursAfter(NOW, 40) });
    });
    const offers = await searchOfferings(ctx, { instanceTypeId: "x8", instanceCount: 1, durationHours: 10, earliestStart: NOW, latestEnd: hoursAfter(NEXT_HOUR, 40), regionId: "r2" });
    expect(offers.map((o) => o.startsAt.toISOString())).toEqual(["2031-05-01T16:00:00.000Z", "2031-05-02T16:00:00.000Z"]);
    expect(offers.every((o) => o.endsAt.getTime() <= hoursAfter(NEXT_HOUR, 40).getTime())).toBe(true);
    await db.delete(allocations).where(eq(allocations.teamId, "team_other"));
  });

  it("explains a window too short, a count that can never fit, an unknown type, and bad numbers", async () => {
    const ctx = await member();
    const base = { instanceTypeId: "x1", instanceCount: 1, durationHours: 5, earliestStart: NOW, latestEnd: hoursAfter(NOW, 5) };
    const short = await rejection(searchOfferings(ctx, base));
    expect(short.details.fieldErrors?.latestEnd?.[0]).toMatch(/^There is no room for 5 hours between 2031-05-01 11:00 UTC and/);
    const tooMany = await rejection(searchOfferings(ctx, { ...base, latestEnd: hoursAfter(NOW, 50), instanceTypeId: "x8", instanceCount: 3 }));
    expect(tooMany.details.fieldErrors?.instanceCount).toEqual([
      "At most 2 instances of 8× X fit in any one region, even with nothing else running: a block is in one region. Reserve fewer, or buy several blocks.",
    ]);
    expect((await rejection(searchOfferings(ctx, { ...base, latestEnd: hoursAfter(NOW, 50), instanceTypeId: "nope" }))).details.fieldErrors?.instanceTypeId).toBeDefined();
    expect((await rejection(searchOfferings(ctx, { ...base, latestEnd: hoursAfter(NOW, 50), regionId: "r9" }))).details.fieldErrors?.regionId).toBeDefined();
    await expect(searchOfferings(ctx, { ...base, durationHours: 0 })).rejects.toThrow("Enter a whole number of hours from 1 to 2,160.");
    await expect(searchOfferings(ctx, { ...base, instanceCount: 1.5 })).rejects.toThrow("Enter a whole number of instances from 1 to 256.");
  });
});

describe("purchaseReservation", () => {
  it("holds the slots, charges the exact price up front once, and audits who bought it", async () => {
    const ctx = await member();
    const [first] = await searchOfferings(ctx, { instanceTypeId: "x2", instanceCount: 3, durationHours: 7, earliestStart: hoursAfter(NOW, 200), latestEnd: hoursAfter(NOW, 300) });
    const key = randomUUID();
    const bought = await buy(ctx, first!, { idempotencyKey: key });
    expect(bought).toMatchObject({ state: "scheduled", instanceCount: 3, priceNano: X1_RESERVED * 2n * 7n * 3n, refundNano: 0n, createdBy: ctx.userId });
    const slots = await slotsOf(bought.id);
    expect(slots).toHaveLength(6);
    expect(slots.every((s) => s.startsAt.getTime() === first!.startsAt.getTime() && s.endsAt?.getTime() === first!.endsAt.getTime() && s.teamId === ctx.team.id)).toBe(true);
    expect(await chargesOf(bought.id)).toEqual([
      expect.objectContaining({ id: `use_${bought.id}`, product: "reservation", costNano: 51_851_851_422n, quantitySeconds: 7 * 3600 * 3, source: "console", userId: ctx.userId, apiKeyId: null, instanceTypeId: "x2" }),
    ]);
    const detail = await getReservation(ctx, { reservationId: bought.id });
    expect(detail.placements).toHaveLength(3);
    for (const p of detail.placements) expect(p.slots).toHaveLength(2);

    // The same request again: the same reservation, nothing new written.
    await expect(buy(ctx, first!, { idempotencyKey: key })).resolves.toEqual(bought);
    expect(await slotsOf(bought.id)).toHaveLength(6);
    expect(await chargesOf(bought.id)).toHaveLength(1);
    // The same key for something else: refused, with a reason.
    const reused = await rejection(buy(ctx, { ...first!, instanceCount: 1, priceNano: first!.priceNano / 3n }, { idempotencyKey: key }));
    expect(reused.code).toBe("BAD_REQUEST");
    expect(reused.message).toContain("already used for a different reservation request");
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, bought.id), eq(auditEvents.action, "reservation.purchased")));
    expect(audit).toMatchObject({ actorType: "user", actorId: ctx.userId, teamId: ctx.team.id });
  });

  it("refuses a type as soon as a new catalog drops it, and still answers a retry of a purchase made before", async () => {
    // A database of its own: the catalog changes here.
    const own = (await openTestDatabase()).db;
    const catalog = testComputeCatalog({ regions: 1, hostsPerRegion: 1 });
    await seedComputeCatalog(own, catalog);
    const user = await createTestUser(own, "Catalog change");
    const ctx: ComputeContext = { ...computeContextOf(await user.teamCtx()), now: () => NOW };
    const key = randomUUID();
    const bought = await buy(ctx, offering(), { idempotencyKey: key });

    await seedComputeCatalog(own, { ...catalog, instanceTypes: catalog.instanceTypes.filter((t) => t.id !== "x1") });
    const refused = await rejection(buy(ctx, offering({ startsAt: hoursAfter(NEXT_HOUR, 300) })));
    expect(refused.details).toMatchObject({ fieldErrors: { instanceTypeId: [expect.stringContaining("deprecated and can no longer be reserved")] } });
    await expect(buy(ctx, offering(), { idempotencyKey: key })).resolves.toEqual(bought);
    const unknownRegion = await rejection(buy(ctx, offering({ instanceTypeId: "x2", regionId: "nowhere" })));
    expect(unknownRegion.details).toMatchObject({ fieldErrors: { regionId: ["Unknown region: nowhere."] } });
  });

  it("a block that starts now is active; an API key is charged as the API", async () => {
    const owner = await member();
    const key = await insertTestKey(db, owner.team.id, { scopes: ["instances:write"] });
    // Bought at 10:05 for 10:00: a start this recent is still sold, and the block is active at once.
    const ctx: ComputeContext = { ...computeContextOfKey(owner, { id: key.id, teamId: owner.team.id, scopes: ["instances:write"] }, owner.team), now: () => new Date("2031-05-01T10:05:00Z") };
    const bought = await buy(ctx, offering({ startsAt: new Date("2031-05-01T10:00:00Z"), endsAt: new Date("2031-05-01T12:00:00Z") }));
    expect(bought.state).toBe("active");
    expect(bought.createdBy).toBeNull();
    expect(await chargesOf(bought.id)).toEqual([expect.objectContaining({ source: "api", apiKeyId: key.id, userId: null })]);
    const [audit] = await db.select().from(auditEvents).where(eq(auditEvents.targetId, bought.id));
    expect(audit).toMatchObject({ actorType: "api_key", actorId: key.id });
  });

  it("refuses a changed price, a past start, minutes, and an over-long block, before writing anything", async () => {
    const ctx = await member();
    const o = offering();
    const changed = await rejection(buy(ctx, { ...o, priceNano: o.priceNano - 1n }));
    expect(changed).toMatchObject({ code: "CONFLICT", message: "The price of this offering has changed since it was shown; search again to see the current price." });
    expect((await rejection(buy(ctx, offering({ startsAt: hoursAfter(NEXT_HOUR, -2) })))).details.fieldErrors?.startsAt).toEqual(["This start time has passed; search again."]);
    expect((await rejection(buy(ctx, { ...o, startsAt: new Date(o.startsAt.getTime() + 60_000) }))).details.fieldErrors?.startsAt).toBeDefined();
    expect((await rejection(buy(ctx, offering({ endsAt: hoursAfter(NEXT_HOUR, 100 + 91 * 24) })))).details.fieldErrors?.endsAt).toBeDefined();
    expect(await db.$count(reservations, eq(reservations.teamId, ctx.team.id))).toBe(0);
  });

  it("when the capacity is gone: the clear error and nothing written; back-to-back windows on one slot are fine", async () => {
    const ctx = await member();
    const start = hoursAfter(NEXT_HOUR, 1000);
    const both = await buy(ctx, offering({ instanceTypeId: "x8", instanceCount: 2, startsAt: start, endsAt: hoursAfter(start, 3) }));
    const gone = await rejection(buy(ctx, offering({ startsAt: hoursAfter(start, 2), endsAt: hoursAfter(start, 4) })));
    expect(gone).toBeInstanceOf(CapacityError);
    expect(gone).toMatchObject({ code: "CONFLICT", message: OFFERING_GONE });
    expect((await listReservations(ctx)).map((r) => r.id)).toEqual([both.id]);
    const next = await buy(ctx, offering({ instanceTypeId: "x8", instanceCount: 2, startsAt: hoursAfter(start, 3), endsAt: hoursAfter(start, 5) }));
    const before = await buy(ctx, offering({ instanceTypeId: "x8", instanceCount: 2, startsAt: hoursAfter(start, -1), endsAt: start }));
    expect((await listReservations(ctx)).map((r) => r.id)).toEqual([next.id, both.id, before.id]);
  });
});

describe("cancelReservation", () => {
  it("refunds in full more than 24 hours ahead, releases the slots and records a negative charge", async () => {
    const ctx = await member();
    const bought = await buy(ctx, offering({ startsAt: hoursAfter(NEXT_HOUR, 30), endsAt: hoursAfter(NEXT_HOUR, 33), instanceCount: 2 }));
    const cancelled = await cancelReservation(at(ctx, hoursAfter(NEXT_HOUR, 5)), { reservationId: bought.id });
    expect(cancelled).toMatchObject({ state: "cancelled", refundNano: bought.priceNano, cancelledAt: hoursAfter(NEXT_HOUR, 5) });
    expect(await slotsOf(bought.id)).toEqual([]);
    const charges = await chargesOf(bought.id);
    expect(charges.map((c) => [c.id, c.costNano, c.quantitySeconds])).toEqual([
      [`use_${bought.id}`, bought.priceNano, 3 * 3600 * 2],
      [`use_${bought.id}_refund`, -bought.priceNano, -3 * 3600 * 2],
    ]);
    expect((await rejection(cancelReservation(ctx, { reservationId: bought.id }))).message).toBe("This reservation is already cancelled.");
  });

  it("refunds half within 24 hours of the start, and nothing can be cancelled once started", async () => {
    const ctx = await member();
    const bought = await buy(ctx, offering({ startsAt: hoursAfter(NEXT_HOUR, 30), endsAt: hoursAfter(NEXT_HOUR, 31), instanceTypeId: "x1" }));
    expect(bought.priceNano % 2n).toBe(1n);
    const late = await cancelReservation(at(ctx, hoursAfter(NEXT_HOUR, 6)), { reservationId: bought.id });
    expect(late.refundNano).toBe(bought.priceNano / 2n);
    expect((await chargesOf(bought.id)).reduce((sum, c) => sum + c.costNano, 0n)).toBe(bought.priceNano - bought.priceNano / 2n);
    expect(refundFor(1000n, hoursAfter(NOW, 24), NOW)).toBe(500n);
    expect(refundFor(1000n, new Date(NOW.getTime() + 24 * HOUR + 1), NOW)).toBe(1000n);

    const running = await buy(ctx, offering({ startsAt: hoursAfter(NEXT_HOUR, 40), endsAt: hoursAfter(NEXT_HOUR, 42) }));
    const refused = await rejection(cancelReservation(at(ctx, hoursAfter(NEXT_HOUR, 40)), { reservationId: running.id }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toContain("only a reservation that has not started can be cancelled");
    expect(await slotsOf(running.id)).toHaveLength(1);
  });
});

describe("extendReservation", () => {
  it("extends on the same GPUs and charges the extra hours up front, once per idempotency key", async () => {
    const ctx = await member();
    const bought = await buy(ctx, offering({ instanceTypeId: "x4", instanceCount: 2, startsAt: hoursAfter(NEXT_HOUR, 500), endsAt: hoursAfter(NEXT_HOUR, 502) }));
    const before = await slotsOf(bought.id);
    const key = randomUUID();
    const extended = await extendReservation(ctx, { reservationId: bought.id, hours: 3, idempotencyKey: key });
    expect(extended).toMatchObject({ endsAt: hoursAfter(NEXT_HOUR, 505), priceNano: X1_RESERVED * 4n * 2n * 5n, extensions: 1 });
    expect(await extendReservation(ctx, { reservationId: bought.id, hours: 3, idempotencyKey: key })).toEqual(extended);
    expect((await rejection(extendReservation(ctx, { reservationId: bought.id, hours: 4, idempotencyKey: key }))).code).toBe("BAD_REQUEST");
    await extendReservation(ctx, { reservationId: bought.id, hours: 1 });
    const after = await slotsOf(bought.id);
    expect(after.map((s) => [s.hostId, s.slot])).toEqual(before.map((s) => [s.hostId, s.slot]));
    expect(after.every((s) => s.endsAt?.getTime() === hoursAfter(NEXT_HOUR, 506).getTime())).toBe(true);
    expect((await chargesOf(bought.id)).map((c) => [c.id, c.costNano])).toEqual([
      [`use_${bought.id}`, X1_RESERVED * 4n * 2n * 2n],
      [`use_${bought.id}_ext_1`, X1_RESERVED * 4n * 2n * 3n],
      [`use_${bought.id}_ext_2`, X1_RESERVED * 4n * 2n * 1n],
    ]);
  });

  it("refuses when the same hosts are taken right after, even if other hosts are free", async () => {
    const ctx = await member();
    const start = hoursAfter(NEXT_HOUR, 700);
    const bought = await buy(ctx, offering({ instanceTypeId: "x8", startsAt: start, endsAt: hoursAfter(start, 2) }));
    const hostId = (await slotsOf(bought.id))[0]!.hostId;
    await db.transaction((tx) =>
      tx.insert(allocations).values({ id: "alc_blocker", hostId, slot: 3, startsAt: hoursAfter(start, 3), endsAt: hoursAfter(start, 4), teamId: "team_other", ownerType: "instance", ownerId: "ins_blocker" }),
    );
    await extendReservation(ctx, { reservationId: bought.id, hours: 1 });
    const refused = await rejection(extendReservation(ctx, { reservationId: bought.id, hours: 2 }));
    expect(refused).toBeInstanceOf(CapacityError);
    expect(refused.message).toContain("The same GPUs are not free");
    expect((await getReservation(ctx, { reservationId: bought.id })).endsAt).toEqual(hoursAfter(start, 3));
    expect(await chargesOf(bought.id)).toHaveLength(2);
    await expect(extendReservation(ctx, { reservationId: bought.id, hours: 90 * 24 })).rejects.toThrow(/at most 90 days in all: this one can grow by 2157 more hours/);
  });
});

describe("advanceReservations", () => {
  it("starts, warns and completes blocks on time, calls the end hook, and is idempotent", async () => {
    const ctx = await member();
    const start = hoursAfter(NEXT_HOUR, 1500);
    const bought = await buy(ctx, offering({ startsAt: start, endsAt: hoursAfter(start, 3) }));
    const ended: string[] = [];
    const onEnded = async (id: string) => {
      ended.push(id);
    };
    const step = (now: Date) => advanceReservations(db, now, quiet, { onEnded });
    const mine = (r: { started: string[]; warned: string[]; completed: string[] }) => ({
      started: r.started.includes(bought.id),
      warned: r.warned.includes(bought.id),
      completed: r.completed.includes(bought.id),
    });
    expect(mine(await step(hoursAfter(start, -1)))).toEqual({ started: false, warned: false, completed: false });
    expect(mine(await step(start))).toEqual({ started: true, warned: false, completed: false });
    expect(mine(await step(start))).toEqual({ started: false, warned: false, completed: false });
    expect(mine(await step(hoursAfter(start, 2.5)))).toEqual({ started: false, warned: true, completed: false });
    expect((await getReservation(ctx, { reservationId: bought.id })).endWarningSentAt).toEqual(hoursAfter(start, 2.5));
    expect(mine(await step(hoursAfter(start, 2.75)))).toEqual({ started: false, warned: false, completed: false });
    const warnings = await db.select().from(notifications).where(and(eq(notifications.teamId, ctx.team.id), eq(notifications.kind, "reservation_ending")));
    expect(warnings.map((n) => [n.title, n.href])).toEqual([[`Capacity block ${bought.name} ends in 30 minutes`, `/${ctx.team.slug}/reservations/${bought.id}`]]);
    // The same warning waits in the mail outbox for the worker's delivery, once.
    const [buyer] = await db.select({ email: users.email }).from(users).where(eq(users.id, actingUserId(ctx)!));
    const queued = await db.select().from(mails).where(and(eq(mails.to, buyer!.email), like(mails.subject, `Capacity block ${bought.name} ends in 30 minutes%`)));
    expect(queued).toHaveLength(1);
    expect(queued[0]!.text).toContain(`/${ctx.team.slug}/reservations/${bought.id}`);

    // A failing hook leaves the block to the next step.
    const failing = await advanceReservations(db, hoursAfter(start, 3), quiet, { onEnded: () => Promise.reject(new Error("driver down")) });
    expect(mine(failing).completed).toBe(false);
    expect(mine(await step(hoursAfter(start, 3)))).toEqual({ started: false, warned: false, completed: true });
    expect(mine(await step(hoursAfter(start, 4)))).toEqual({ started: false, warned: false, completed: false });
    expect(ended.filter((id) => id === bought.id)).toHaveLength(1);
    expect((await getReservation(ctx, { reservationId: bought.id })).state).toBe("completed");
    const actions = await db.select({ action: auditEvents.action, actorType: auditEvents.actorType }).from(auditEvents).where(eq(auditEvents.targetId, bought.id)).orderBy(auditEvents.createdAt);
    expect(actions).toEqual([
      { action: "reservation.purchased", actorType: "user" },
      { action: "reservation.started", actorType: "system" },
      { action: "reservation.completed", actorType: "system" },
    ]);
  });
});

describe("who may do what", () => {
  it("another team cannot see, cancel or extend a reservation: NOT_FOUND, nothing changed", async () => {
    const alice = await member();
    const bob = await member();
    const bought = await buy(alice, offering({ startsAt: hoursAfter(NEXT_HOUR, 1800), endsAt: hoursAfter(NEXT_HOUR, 1801) }));
    for (const call of [
      () => getReservation(bob, { reservationId: bought.id }),
      () => cancelReservation(bob, { reservationId: bought.id }),
      () => extendReservation(bob, { reservationId: bought.id, hours: 1 }),
    ]) {
      expect(await rejection(call())).toMatchObject({ code: "NOT_FOUND", message: "Reservation not found." });
    }
    expect(await listReservations(bob)).toEqual([]);
    expect(await getReservation(alice, { reservationId: bought.id })).toMatchObject({ state: "scheduled", endsAt: hoursAfter(NEXT_HOUR, 1801) });
    expect(await chargesOf(bought.id)).toHaveLength(1);
  });

  it.each(["viewer", "billing"] as const)("a %s may search and list but not buy, cancel or extend", async (role) => {
    const ctx = await member(role);
    await expect(searchOfferings(ctx, { instanceTypeId: "x1", instanceCount: 1, durationHours: 1, earliestStart: NOW, latestEnd: hoursAfter(NOW, 10) })).resolves.toHaveLength(2);
    await expect(listReservations(ctx)).resolves.toEqual([]);
    for (const call of [() => buy(ctx, offering()), () => cancelReservation(ctx, { reservationId: "res_x" }), () => extendReservation(ctx, { reservationId: "res_x", hours: 1 })]) {
      expect(await rejection(call())).toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await db.$count(usageEvents, like(usageEvents.id, "use_res_%"))).toBeGreaterThan(0);
  });

  it("an API key needs instances:write to buy", async () => {
    const owner = await member();
    const ctx = computeContextOfKey(owner, { id: "key_readOnly", teamId: owner.team.id, scopes: ["instances:read"] }, owner.team);
    expect((await rejection(buy({ ...ctx, now: () => NOW }, offering()))).message).toBe("This API key lacks the 'instances:write' scope.");
  });
});
