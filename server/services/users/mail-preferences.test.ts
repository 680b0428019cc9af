import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, mails, memberships, notifications } from "@/server/db/schema";
import { clientError, clientFor } from "@/server/trpc/testing";
import { notifyRoles } from "../notifications/notifications";
import { NOTIFICATION_KINDS } from "../notifications/kinds";
import { createTestUser } from "../testing";
import { getMailPreferences, setMailPreferences } from "./mail-preferences";

const { db } = await openTestDatabase();

describe("mail preferences", () => {
  it("mail every kind until the person says otherwise, and keep what they choose", async () => {
    const person = await createTestUser(db);
    const initial = await getMailPreferences(person.ctx);
    expect(initial.kinds.map((k) => k.kind)).toEqual(NOTIFICATION_KINDS.map((k) => k.kind));
    expect(initial.kinds.every((k) => k.mailed)).toBe(true);

    const chosen = await setMailPreferences(person.ctx, { mailed: ["reservation_ending", "budget_cap"] });
    expect(Object.fromEntries(chosen.kinds.map((k) => [k.kind, k.mailed]))).toEqual({
      budget_threshold: false,
      budget_cap: true,
      instances_stopped_at_cap: false,
      reservation_ending: true,
    });
    expect(await getMailPreferences(person.ctx)).toEqual(chosen);
    const audited = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, person.userId), eq(auditEvents.action, "user.updated")));
    expect(audited.map((e) => e.metadata)).toEqual([
      { mailMutedKinds: { from: [], to: ["budget_threshold", "instances_stopped_at_cap"] } },
    ]);
    // The same choice again changes nothing and records nothing.
    await setMailPreferences(person.ctx, { mailed: ["budget_cap", "reservation_ending"] });
    expect(await db.$count(auditEvents, and(eq(auditEvents.targetId, person.userId), eq(auditEvents.action, "user.updated")))).toBe(1);
  });

  it("a muted kind still reaches the console; only its mail copy is left out, for that person alone", async () => {
    const owner = await createTestUser(db, "Muting Owner");
    const admin = await createTestUser(db, "Mailed Admin");
    await db.insert(memberships).values({ teamId: owner.team.id, userId: admin.userId, role: "admin", createdAt: new Date() });
    await setMailPreferences(owner.ctx, { mailed: ["reservation_ending"] });

    const notified = await notifyRoles(db, ["owner", "admin"], {
      teamId: owner.team.id,
      kind: "budget_threshold",
      title: "80% of the monthly budget used",
      body: "Your team has spent $80.00 of its $100.00 budget.",
      href: `/${owner.team.slug}/spend`,
      dedupeKey: "budget-80",
    });
    expect(notified).toBe(2);
    expect(await db.$count(notifications, eq(notifications.userId, owner.userId))).toBe(1);
    expect(await db.$count(notifications, eq(notifications.userId, admin.userId))).toBe(1);
    expect(await db.$count(mails, eq(mails.to, owner.email))).toBe(0);
    expect(await db.$count(mails, eq(mails.to, admin.email))).toBe(1);

    // A kind the owner still wants comes by mail.
    await notifyRoles(db, ["owner"], { teamId: owner.team.id, kind: "reservation_ending", title: "Block ends", body: "Soon.", href: null, dedupeKey: "res-1" });
    expect(await db.$count(mails, eq(mails.to, owner.email))).toBe(1);
  });

  it("refuses an unknown kind with a field error, through the API", async () => {
    const person = await createTestUser(db);
    const error = await clientError(clientFor(db, person.userId).user.setMailPreferences.mutate({ mailed: ["everything" as never] }));
    expect(error.shape?.data).toMatchObject({ code: "BAD_REQUEST" });
    expect(error.shape?.message).toBe("Unknown kind of notification.");
    expect((await getMailPreferences(person.ctx)).kinds.every((k) => k.mailed)).toBe(true);
  });
});
