import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, instances, notifications, reservations, usageEvents } from "@/server/db/schema";
import { setBudget } from "@/server/services/budgets/budgets";
import { STOPPED_AT_CAP } from "@/server/services/budgets/enforce";
import { launchInstance } from "@/server/services/compute/instances";
import { computeMember, insertTestReservation, instanceRow, seedTestFleet, simulatedDeps, testClock } from "@/server/services/compute/instances/testing";
import { runDueWork } from "./index";

/**
 * The worker acts for no one in particular, so nothing stops it from touching the wrong team but
 * its own queries. One tick over two teams with the same kinds of things: a block that ends, a hard
 * cap that is reached, hours to meter. Each action lands on the team it is about, and only there.
 */

const { db } = await openTestDatabase();
await seedTestFleet(db);

describe("one tick over two teams", () => {
  it("ends, stops and meters each team's own instances only", async () => {
    const clock = testClock(new Date("2026-05-12T10:00:00Z"));
    const { deps } = simulatedDeps(db, clock.now, { bootSeconds: 1 });
    const alice = await computeMember(db, "Alice", clock.now);
    const bob = await computeMember(db, "Bob", clock.now);
    // The same block for both, except that Alice's ends at noon and Bob's in the evening.
    const aliceBlock = await insertTestReservation(db, alice.team.id, { startsAt: new Date("2026-05-12T09:00:00Z"), endsAt: new Date("2026-05-12T12:00:00Z") });
    const bobBlock = await insertTestReservation(db, bob.team.id, { startsAt: new Date("2026-05-12T09:00:00Z"), endsAt: new Date("2026-05-12T20:00:00Z") });
    const launch = (member: typeof alice, name: string, reservationId?: string) => launchInstance(member.ctx, member.launch({ name, reservationId }));
    const aliceInBlock = await launch(alice, "alice-block", aliceBlock);
    const aliceOnDemand = await launch(alice, "alice-on-demand");
    const bobInBlock = await launch(bob, "bob-block", bobBlock);
    const bobOnDemand = await launch(bob, "bob-on-demand");
    // Both stop on-demand instances at their cap; only Alice's cap is within reach.
    await setBudget(await alice.teamCtx(), { amountUsd: "1", hardCap: true, stopInstancesAtCap: true });
    await setBudget(await bob.teamCtx(), { amountUsd: "1000", hardCap: true, stopInstancesAtCap: true });

    await runDueWork(deps);
    clock.advance(1);
    await runDueWork(deps);
    const all = [aliceInBlock, aliceOnDemand, bobInBlock, bobOnDemand];
    for (const { id } of all) expect((await instanceRow(db, id)).state).toBe("running");
    const auditBefore = await db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.teamId, bob.team.id));

    // Past noon: Alice's block has ended, and two hours at $2/h are over her $1 cap.
    clock.set(new Date("2026-05-12T12:00:30Z"));
    await runDueWork(deps);

    expect(await instanceRow(db, aliceInBlock.id)).toMatchObject({ state: "terminated", stateReason: "The reservation it runs in has ended." });
    expect(await instanceRow(db, aliceOnDemand.id)).toMatchObject({ stateReason: STOPPED_AT_CAP });
    expect(["stopping", "terminated"]).toContain((await instanceRow(db, aliceOnDemand.id)).state);
    expect(await instanceRow(db, bobInBlock.id)).toMatchObject({ state: "running", stateReason: null });
    expect(await instanceRow(db, bobOnDemand.id)).toMatchObject({ state: "running", stateReason: null });
    const blocks = await db.select({ id: reservations.id, state: reservations.state }).from(reservations).where(inArray(reservations.id, [aliceBlock, bobBlock]));
    expect(Object.fromEntries(blocks.map((b) => [b.id, b.state]))).toEqual({ [aliceBlock]: "completed", [bobBlock]: "active" });

    // Every hour metered is billed to the team whose instance ran it; both on-demand instances have closed hours.
    const teamOf = Object.fromEntries((await db.select({ id: instances.id, teamId: instances.teamId }).from(instances).where(inArray(instances.id, all.map((i) => i.id)))).map((r) => [r.id, r.teamId]));
    const metered = await db.select().from(usageEvents).where(inArray(usageEvents.resourceId, all.map((i) => i.id)));
    for (const event of metered) expect({ resource: event.resourceId, teamId: event.teamId }).toEqual({ resource: event.resourceId, teamId: teamOf[event.resourceId!] });
    // Running from 10:00:01: the hours of 10:00 and 11:00 have closed.
    expect(metered.filter((e) => e.resourceId === bobOnDemand.id).map((e) => e.quantitySeconds!).sort((x, y) => x - y)).toEqual([3599, 3600]);
    expect(metered.some((e) => e.resourceId === aliceOnDemand.id)).toBe(true);

    // What the tick did is told to Alice's team, never to Bob's.
    const told = await db.select().from(notifications).where(inArray(notifications.teamId, [alice.team.id, bob.team.id]));
    expect(told.filter((n) => n.kind === "instances_stopped_at_cap").map((n) => n.teamId)).toEqual(expect.arrayContaining([alice.team.id]));
    expect(told.filter((n) => n.teamId === bob.team.id).map((n) => n.kind)).toEqual([]);
    const bobAudit = await db.select().from(auditEvents).where(eq(auditEvents.teamId, bob.team.id));
    expect(bobAudit.map((e) => e.id).sort()).toEqual(auditBefore.map((e) => e.id).sort());
    const aboutAlice = await db.select({ teamId: auditEvents.teamId }).from(auditEvents).where(inArray(auditEvents.targetId, [aliceBlock, aliceInBlock.id, aliceOnDemand.id]));
    expect(aboutAlice.length).toBeGreaterThan(0);
    expect(new Set(aboutAlice.map((e) => e.teamId))).toEqual(new Set([alice.team.id]));
  });
});
