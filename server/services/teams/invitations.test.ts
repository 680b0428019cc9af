import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, invitations, memberships, users } from "@/server/db/schema";
import { clientError, clientFor } from "@/server/trpc/testing";
import { signUp } from "../auth/sign-up";
import type { TeamContext } from "../context";
import { publicUrl, smtpTransport } from "../mail";
import { linkIn, startTestSmtpServer, type ReceivedMail } from "../mail/testing";
import { appErrorOf, createTestUser, testContext } from "../testing";
import {
  acceptInvitation,
  createInvitation,
  INVITATION_TTL_MS,
  invitationEmailForToken,
  listInvitations,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
} from "./invitations";
import { enterTeam } from "./team-access";

const { db } = await openTestDatabase();
const smtp = await startTestSmtpServer();
afterAll(() => smtp.close());
const mail = { transport: smtpTransport(smtp.url, "Compute Console <no-reply@console.test>") };

let sequence = 0;
function freshEmail(name: string): string {
  sequence += 1;
  return `${name}.${sequence}.${Date.now()}@example.com`;
}

/** The mail to `to` whose link is not `exceptToken` (a resend mails a second one), and the token in its link. */
async function mailedToken(to: string, exceptToken?: string): Promise<{ mail: ReceivedMail; token: string; link: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const m of smtp.received.filter((r) => r.to.includes(to.toLowerCase()))) {
      const link = linkIn(m, `${publicUrl()}/invite/`);
      const token = link.slice(`${publicUrl()}/invite/`.length);
      if (token !== exceptToken) return { mail: m, token, link };
    }
    if (Date.now() > deadline) throw new Error(`no invitation mail to ${to}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The context of `ctx` with the clock moved by `ms`. */
function later<T extends { now: () => Date }>(ctx: T, ms: number): T {
  const at = new Date(Date.now() + ms);
  return { ...ctx, now: () => at };
}

async function signUpAs(email: string, name = "New Person") {
  const { userId } = await signUp(testContext(db), { name, email, password: "correct horse battery staple" }, { signUpCredit: null });
  return { userId, ctx: testContext(db, userId) };
}

async function roleIn(teamId: string, userId: string) {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}

async function invitationRow(id: string) {
  const [row] = await db.select().from(invitations).where(eq(invitations.id, id));
  return row!;
}

const owner = await createTestUser(db, "Olive Owner");
const ownerCtx: TeamContext = await owner.teamCtx();

describe("inviting a new person", () => {
  it("mails a link over SMTP; they sign up, follow it and join with the role", async () => {
    const email = freshEmail("newcomer");
    const created = await createInvitation(ownerCtx, { email: email.toUpperCase(), role: "developer" }, mail);
    expect(created).toMatchObject({ email, role: "developer", status: "pending", sendCount: 1, mailDelivered: true, mailError: null, mailInOutbox: false });
    expect(created.invitedBy).toEqual({ id: owner.userId, name: "Olive Owner" });
    expect(created.expiresAt.getTime() - created.createdAt.getTime()).toBe(INVITATION_TTL_MS);
    expect(created).not.toHaveProperty("tokenHash");

    const { mail: received, token, link } = await mailedToken(email);
    expect(received.subject).toBe(`Join ${owner.team.name} on Compute Console`);
    expect(received.text).toContain(`Olive Owner invited you to the team ${owner.team.name} as Developer.`);
    expect(received.html).toContain(`href="${link}"`);
    // Only the token's hash is stored.
    expect((await invitationRow(created.id)).tokenHash).not.toContain(token);

    expect(await previewInvitation(db, token, new Date())).toEqual({
      teamName: owner.team.name,
      inviterName: "Olive Owner",
      email,
      role: "developer",
      status: "pending",
    });
    expect(await invitationEmailForToken(db, token, new Date())).toBe(email);

    const newcomer = await signUpAs(email);
    const { team } = await acceptInvitation(newcomer.ctx, { token });
    expect(team).toEqual({ id: owner.team.id, slug: owner.team.slug, name: owner.team.name });
    expect(await roleIn(owner.team.id, newcomer.userId)).toBe("developer");
    await expect(enterTeam(newcomer.ctx, { teamId: owner.team.id })).resolves.toMatchObject({ role: "developer" });

    const [user] = await db.select({ verified: users.emailVerifiedAt }).from(users).where(eq(users.id, newcomer.userId));
    expect(user?.verified).toBeInstanceOf(Date);
    expect(await invitationRow(created.id)).toMatchObject({ acceptedBy: newcomer.userId, acceptedAt: expect.any(Date) });
    expect((await previewInvitation(db, token, new Date()))?.status).toBe("accepted");
    expect(await invitationEmailForToken(db, token, new Date())).toBeNull();

    const events = await db.select().from(auditEvents).where(eq(auditEvents.teamId, owner.team.id));
    expect(events.find((e) => e.action === "member.invited" && e.targetId === created.id)).toMatchObject({
      actorId: owner.userId,
      targetType: "invitation",
      metadata: { email, role: "developer" },
    });
    expect(events.find((e) => e.action === "invitation.accepted" && e.actorId === newcomer.userId)).toMatchObject({
      actorType: "user",
      targetType: "user",
      targetId: newcomer.userId,
      metadata: { invitationId: created.id, role: "developer", alreadyMember: false },
    });
  });

  it("lets an existing user sign in and join; the email matches whatever its case", async () => {
    const existing = await createTestUser(db, "Eve Existing");
    await createInvitation(ownerCtx, { email: existing.email.replace(/^./, (c) => c.toUpperCase()), role: "billing" }, mail);
    const { token } = await mailedToken(existing.email);
    await expect(acceptInvitation(existing.ctx, { token })).resolves.toMatchObject({ team: { id: owner.team.id } });
    expect(await roleIn(owner.team.id, existing.userId)).toBe("billing");
    // Their own team is still theirs.
    expect(await roleIn(existing.team.id, existing.userId)).toBe("owner");
  });

  it("someone already a member uses the invitation up and keeps their role", async () => {
    const email = freshEmail("member-already");
    const invited = await createInvitation(ownerCtx, { email, role: "viewer" }, mail);
    const { token } = await mailedToken(email);
    const person = await signUpAs(email);
    await db.insert(memberships).values({ teamId: owner.team.id, userId: person.userId, role: "admin" });
    await acceptInvitation(person.ctx, { token });
    expect(await roleIn(owner.team.id, person.userId)).toBe("admin");
    expect((await invitationRow(invited.id)).acceptedAt).toBeInstanceOf(Date);
  });
});

describe("refusing to accept", () => {
  it("tells a signed-in user with another email so, and consumes nothing", async () => {
    const email = freshEmail("rightful");
    const invited = await createInvitation(ownerCtx, { email, role: "developer" }, mail);
    const { token } = await mailedToken(email);
    const stranger = await createTestUser(db, "Stan Stranger");
    const error = await appErrorOf(acceptInvitation(stranger.ctx, { token }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe(
      `This invitation was sent to ${email}. You are signed in as ${stranger.email}: sign out, then sign in or sign up as ${email}.`,
    );
    expect(await roleIn(owner.team.id, stranger.userId)).toBeNull();
    expect((await invitationRow(invited.id)).acceptedAt).toBeNull();
    // The rightful person can still use it.
    const rightful = await signUpAs(email);
    await acceptInvitation(rightful.ctx, { token });
    expect(await roleIn(owner.team.id, rightful.userId)).toBe("developer");
  });

  it("refuses an expired link; a resend makes a new one that works", async () => {
    const email = freshEmail("late");
    await createInvitation(ownerCtx, { email, role: "viewer" }, mail);
    const { token } = await mailedToken(email);
    const person = await signUpAs(email);
    const eightDays = 8 * 86_400_000;

    const error = await appErrorOf(acceptInvitation(later(person.ctx, eightDays), { token }));
    expect(error).toMatchObject({ code: "CONFLICT", message: "This invitation has expired. Ask a team admin to resend it." });
    expect((await previewInvitation(db, token, new Date(Date.now() + eightDays)))?.status).toBe("expired");
    expect(await invitationEmailForToken(db, token, new Date(Date.now() + eightDays))).toBeNull();

    const listed = await listInvitations(later(ownerCtx, eightDays));
    const expired = listed.find((i) => i.email === email);
    expect(expired?.status).toBe("expired");
    const resent = await resendInvitation(later(ownerCtx, eightDays), { invitationId: expired!.id }, mail);
    expect(resent).toMatchObject({ status: "pending", sendCount: 2, mailDelivered: true });
    const fresh = await mailedToken(email, token);
    await acceptInvitation(later(person.ctx, eightDays), { token: fresh.token });
    expect(await roleIn(owner.team.id, person.userId)).toBe("viewer");
  });

  it("refuses a revoked link, and a revoked invitation can be neither revoked nor resent again", async () => {
    const email = freshEmail("revoked");
    const invited = await createInvitation(ownerCtx, { email, role: "developer" }, mail);
    const { token } = await mailedToken(email);
    const revoked = await revokeInvitation(ownerCtx, { invitationId: invited.id });
    expect(revoked.status).toBe("revoked");

    const person = await signUpAs(email);
    const error = await appErrorOf(acceptInvitation(person.ctx, { token }));
    expect(error).toMatchObject({ code: "CONFLICT", message: "This invitation was revoked. Ask a team admin for a new one." });
    expect(await roleIn(owner.team.id, person.userId)).toBeNull();
    expect((await previewInvitation(db, token, new Date()))?.status).toBe("revoked");
    expect((await appErrorOf(revokeInvitation(ownerCtx, { invitationId: invited.id }))).code).toBe("CONFLICT");
    expect((await appErrorOf(resendInvitation(later(ownerCtx, 120_000), { invitationId: invited.id }, mail))).message).toContain("Invite them again");

    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "invitation.revoked"), eq(auditEvents.targetId, invited.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: owner.userId, targetType: "invitation", metadata: { email, role: "developer" } });
  });

  it("refuses a link that was already used", async () => {
    const email = freshEmail("twice");
    await createInvitation(ownerCtx, { email, role: "developer" }, mail);
    const { token } = await mailedToken(email);
    const person = await signUpAs(email);
    await acceptInvitation(person.ctx, { token });
    const error = await appErrorOf(acceptInvitation(person.ctx, { token }));
    expect(error).toMatchObject({ code: "CONFLICT", message: "This invitation has already been used. Each invitation link works once." });
    const accepted = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "invitation.accepted"), eq(auditEvents.actorId, person.userId)));
    expect(accepted).toHaveLength(1);
  });

  it("of concurrent accepts of one link, exactly one succeeds", async () => {
    const email = freshEmail("racer");
    const invited = await createInvitation(ownerCtx, { email, role: "developer" }, mail);
    const { token } = await mailedToken(email);
    const person = await signUpAs(email);
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => acceptInvitation(person.ctx, { token })));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === "rejected")) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    }
    const accepted = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "invitation.accepted"), eq(auditEvents.targetId, person.userId)));
    expect(accepted).toHaveLength(1);
    expect((await invitationRow(invited.id)).acceptedBy).toBe(person.userId);
  });

  it("refuses malformed and unknown tokens before and after a query alike", async () => {
    const person = await createTestUser(db, "Mal Formed");
    for (const token of ["", "short", "x".repeat(43) + "y", "a/b".padEnd(43, "c"), "unknownButWellFormed".padEnd(43, "0")]) {
      expect(await previewInvitation(db, token, new Date())).toBeNull();
      expect(await invitationEmailForToken(db, token, new Date())).toBeNull();
      if (token.length > 0) expect((await appErrorOf(acceptInvitation(person.ctx, { token }))).code).toBe("NOT_FOUND");
    }
  });
});

describe("resending", () => {
  it("mails a new link, invalidates the old one, and refuses more than one mail a minute", async () => {
    const email = freshEmail("resent");
    const invited = await createInvitation(ownerCtx, { email, role: "developer" }, mail);
    const first = await mailedToken(email);

    const tooSoon = await appErrorOf(resendInvitation(later(ownerCtx, 20_000), { invitationId: invited.id }, mail));
    expect(tooSoon.code).toBe("TOO_MANY_REQUESTS");
    expect(tooSoon.details.retryAfterSeconds).toBeGreaterThanOrEqual(39);
    expect(tooSoon.details.retryAfterSeconds).toBeLessThanOrEqual(41);

    const resent = await resendInvitation(later(ownerCtx, 61_000), { invitationId: invited.id }, mail);
    expect(resent).toMatchObject({ sendCount: 2, status: "pending", mailDelivered: true });
    expect(resent.lastSentAt.getTime()).toBeGreaterThan(invited.lastSentAt.getTime());
    expect(resent.expiresAt.getTime()).toBeGreaterThan(invited.expiresAt.getTime());
    const second = await mailedToken(email, first.token);

    expect(await previewInvitation(db, first.token, new Date())).toBeNull();
    const person = await signUpAs(email);
    expect((await appErrorOf(acceptInvitation(person.ctx, { token: first.token }))).code).toBe("NOT_FOUND");
    await acceptInvitation(person.ctx, { token: second.token });
    expect(await roleIn(owner.team.id, person.userId)).toBe("developer");

    const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "invitation.resent"), eq(auditEvents.targetId, invited.id)));
    expect(event).toMatchObject({ actorId: owner.userId, targetType: "invitation", metadata: { email, sendCount: 2 } });
  });

  it("saves the invitation when the mail server is down, and says why the mail did not go", async () => {
    const email = freshEmail("unreachable");
    const down = { transport: smtpTransport("smtp://127.0.0.1:1", "no-reply@console.test") };
    const created = await createInvitation(ownerCtx, { email, role: "developer" }, down);
    expect(created).toMatchObject({ status: "pending", mailDelivered: false, mailInOutbox: false });
    expect(created.mailError).toMatch(/ECONNREFUSED|connect/i);
    expect((await listInvitations(ownerCtx)).some((i) => i.id === created.id)).toBe(true);
    // Resend (a minute later) sends a working link.
    await resendInvitation(later(ownerCtx, 61_000), { invitationId: created.id }, mail);
    await expect(mailedToken(email)).resolves.toBeDefined();
  });
});

describe("who may invite whom", () => {
  it("nobody invites someone with a role above their own", async () => {
    const admin = await createTestUser(db, "Ann Admin");
    await db.insert(memberships).values({ teamId: owner.team.id, userId: admin.userId, role: "admin" });
    const adminCtx = await enterTeam(admin.ctx, { teamId: owner.team.id });

    const error = await appErrorOf(createInvitation(adminCtx, { email: freshEmail("would-be-owner"), role: "owner" }, mail));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toContain("as Owner");
    expect(error.details.fieldErrors?.role?.[0]).toContain("Owner");
    await expect(createInvitation(adminCtx, { email: freshEmail("fellow-admin"), role: "admin" }, mail)).resolves.toMatchObject({ role: "admin" });
    await expect(createInvitation(ownerCtx, { email: freshEmail("co-owner"), role: "owner" }, mail)).resolves.toMatchObject({ role: "owner" });
  });

  it("roles without members:write can neither invite, list, resend nor revoke", async () => {
    const dev = await createTestUser(db, "Dev Eloper");
    await db.insert(memberships).values({ teamId: owner.team.id, userId: dev.userId, role: "developer" });
    const devCtx = await enterTeam(dev.ctx, { teamId: owner.team.id });
    const invited = await createInvitation(ownerCtx, { email: freshEmail("not-by-dev"), role: "viewer" }, mail);
    // Called one at a time: a promise that rejects before it is awaited is an unhandled rejection.
    for (const call of [
      () => createInvitation(devCtx, { email: freshEmail("by-dev"), role: "viewer" }, mail),
      () => listInvitations(devCtx),
      () => resendInvitation(later(devCtx, 120_000), { invitationId: invited.id }, mail),
      () => revokeInvitation(devCtx, { invitationId: invited.id }),
    ]) {
      expect((await appErrorOf(call())).code).toBe("FORBIDDEN");
    }
    expect(await invitationRow(invited.id)).toMatchObject({ sendCount: 1, revokedAt: null });
  });
});

describe("one pending invitation per person and team", () => {
  it("refuses a second invitation to the same address, whatever its case, and says to resend", async () => {
    const email = freshEmail("duplicate");
    const first = await createInvitation(ownerCtx, { email, role: "developer" }, mail);
    const error = await appErrorOf(createInvitation(ownerCtx, { email: email.toUpperCase(), role: "admin" }, mail));
    expect(error.code).toBe("CONFLICT");
    expect(error.details.fieldErrors?.email?.[0]).toBe(`${email} already has a pending invitation to this team. Resend it from the list instead.`);
    // Once revoked, the address may be invited again.
    await revokeInvitation(ownerCtx, { invitationId: first.id });
    await expect(createInvitation(ownerCtx, { email, role: "admin" }, mail)).resolves.toMatchObject({ role: "admin", status: "pending" });
  });

  it("of concurrent invitations to one address, one is saved and the other gets the same message", async () => {
    const email = freshEmail("concurrent");
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () => createInvitation(ownerCtx, { email, role: "developer" }, mail)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === "rejected")) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({
        code: "CONFLICT",
        message: `${email} already has a pending invitation to this team. Resend it from the list instead.`,
      });
    }
    const rows = await db.select().from(invitations).where(and(eq(invitations.teamId, owner.team.id), eq(invitations.email, email)));
    expect(rows).toHaveLength(1);
  });

  it("refuses to invite someone who is already a member", async () => {
    const member = await createTestUser(db, "Mo Member");
    await db.insert(memberships).values({ teamId: owner.team.id, userId: member.userId, role: "viewer" });
    const error = await appErrorOf(createInvitation(ownerCtx, { email: member.email, role: "developer" }, mail));
    expect(error.code).toBe("CONFLICT");
    expect(error.details.fieldErrors?.email?.[0]).toBe(`${member.email} is already a member of this team.`);
    expect((await appErrorOf(createInvitation(ownerCtx, { email: owner.email, role: "viewer" }, mail))).details.fieldErrors?.email).toBeDefined();
  });

  it("refuses an address that is not one, at the field", async () => {
    const error = await clientError(clientFor(db, owner.userId).invitations.create.mutate({ teamId: owner.team.id, email: "not-an-address", role: "viewer" }));
    expect(error.data?.code).toBe("BAD_REQUEST");
    expect(error.shape?.data.fieldErrors?.email?.[0]).toContain("valid email address");
  });
});

describe("another team's invitations", () => {
  it("are NOT_FOUND for resend and revoke, exactly like missing ones, and stay untouched", async () => {
    const other = await createTestUser(db, "Otto Other");
    const otherCtx = await other.teamCtx();
    const theirs = await createInvitation(otherCtx, { email: freshEmail("theirs"), role: "developer" }, mail);
    const before = await invitationRow(theirs.id);
    for (const invitationId of [theirs.id, "ivt_doesNotExist00000000"]) {
      const resend = await appErrorOf(resendInvitation(later(ownerCtx, 120_000), { invitationId }, mail));
      const revoke = await appErrorOf(revokeInvitation(ownerCtx, { invitationId }));
      expect([resend.code, resend.message, revoke.code, revoke.message]).toEqual(["NOT_FOUND", "Invitation not found.", "NOT_FOUND", "Invitation not found."]);
    }
    expect(await invitationRow(theirs.id)).toEqual(before);
    expect((await listInvitations(ownerCtx)).some((i) => i.id === theirs.id)).toBe(false);
  });
});

describe("the list", () => {
  it("shows pending invitations first, then those settled in the last 30 days", async () => {
    const lister = await createTestUser(db, "Lisa Lister");
    const ctx = await lister.teamCtx();
    const accepted = await createInvitation(ctx, { email: freshEmail("list-accepted"), role: "developer" }, mail);
    const { token } = await mailedToken(accepted.email);
    await acceptInvitation((await signUpAs(accepted.email)).ctx, { token });
    const revoked = await createInvitation(ctx, { email: freshEmail("list-revoked"), role: "viewer" }, mail);
    await revokeInvitation(ctx, { invitationId: revoked.id });
    const pending = await createInvitation(ctx, { email: freshEmail("list-pending"), role: "billing" }, mail);

    const now = await listInvitations(ctx);
    expect(now.map((i) => [i.id, i.status])).toEqual([
      [pending.id, "pending"],
      [revoked.id, "revoked"],
      [accepted.id, "accepted"],
    ]);
    expect(now[0]).toMatchObject({ invitedBy: { id: lister.userId, name: "Lisa Lister" }, sendCount: 1, lastSentAt: expect.any(Date) });

    const monthLater = await listInvitations(later(ctx, 31 * 86_400_000));
    expect(monthLater.map((i) => [i.id, i.status])).toEqual([[pending.id, "expired"]]);
  });
});

describe("the tRPC door", () => {
  it("previews for anyone holding the link; accepting needs a session; a resend too soon says when to retry", async () => {
    const email = freshEmail("door");
    const invited = await createInvitation(ownerCtx, { email, role: "developer" }, mail);
    const { token } = await mailedToken(email);
    await expect(clientFor(db, null).invitations.preview.query({ token })).resolves.toMatchObject({ email, status: "pending" });
    expect((await clientError(clientFor(db, null).invitations.accept.mutate({ token }))).data?.code).toBe("UNAUTHORIZED");

    const ownerClient = clientFor(db, owner.userId);
    const tooSoon = await clientError(ownerClient.invitations.resend.mutate({ teamId: owner.team.id, invitationId: invited.id }));
    expect(tooSoon.data?.code).toBe("TOO_MANY_REQUESTS");
    expect(tooSoon.shape?.data.retryAfterSeconds).toBeGreaterThan(0);

    const person = await signUpAs(email);
    await expect(clientFor(db, person.userId).invitations.accept.mutate({ token })).resolves.toEqual({
      team: { id: owner.team.id, slug: owner.team.slug, name: owner.team.name },
    });
  });
});
