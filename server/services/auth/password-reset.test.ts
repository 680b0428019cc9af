import { createServer, type AddressInfo, type Socket } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, mails, signInAttempts, userTokens, users } from "@/server/db/schema";
import type { Logger } from "../context";
import { publicUrl, smtpTransport } from "../mail";
import { linkIn, mailsSettled, startTestSmtpServer, type ReceivedMail } from "../mail/testing";
import { appErrorOf, createTestUser, testContext } from "../testing";
import { newMailToken } from "./mail-tokens";
import { sessionEnded } from "./sessions";
import { signInWithOAuth } from "./oauth";
import {
  isPasswordResetTokenUsable,
  PASSWORD_RESET_TTL_MINUTES,
  PASSWORD_RESETS_PER_HOUR,
  requestPasswordReset,
  resetPassword,
} from "./password-reset";
import { EXPIRED_LINK_MESSAGE } from "./schemas";
import { signInWithPassword, SignInRefused } from "./sign-in";

const { db } = await openTestDatabase();
const smtp = await startTestSmtpServer();
afterAll(() => smtp.close());
const transport = smtpTransport(smtp.url, "Console <no-reply@console.test>");
const policy = { maxFailures: 3, lockoutMinutes: 15 };
const RESET_BASE = `${publicUrl()}/reset-password/`;
const NEW_PASSWORD = "a fresh and different passphrase";

/** A context whose clock the test moves. */
function clockedContext(start = new Date()) {
  const clock = { now: start };
  return { clock, ctx: testContext(db, undefined, () => clock.now) };
}

function mailsTo(email: string): ReceivedMail[] {
  return smtp.received.filter((m) => m.to.includes(email.toLowerCase()));
}

/** Waits for the `n`th reset mail to `email` and returns the token in its link. */
async function resetTokenFromMail(email: string, n = 1): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (mailsTo(email).length < n) {
    if (Date.now() > deadline) throw new Error(`mail ${n} to ${email} did not arrive`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return linkIn(mailsTo(email)[n - 1]!, RESET_BASE).slice(RESET_BASE.length);
}

/** Why signing in is refused; the test fails if it succeeds. */
async function signInError(email: string, password: string, now = new Date()): Promise<SignInRefused> {
  const error = await signInWithPassword(testContext(db, undefined, () => now), { email, password }, policy).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignInRefused);
  return error as SignInRefused;
}

describe("password reset by mail", () => {
  it("mails a link to the reset page that sets a new password once; the old password stops working", async () => {
    const person = await createTestUser(db, "Reset Person");
    await requestPasswordReset(testContext(db), { email: `  ${person.email.toUpperCase()} ` }, { transport });

    const mail = await smtp.waitFor(person.email, /Reset your Compute Console password/);
    expect(mail.from).toBe('"Console" <no-reply@console.test>');
    expect(mail.text).toContain("Hello Reset Person,");
    const link = linkIn(mail, RESET_BASE);
    expect(link).toMatch(new RegExp(`^${RESET_BASE}[A-Za-z0-9_-]{43}$`));
    expect(mail.html).toContain(`href="${link}"`);
    const token = link.slice(RESET_BASE.length);
    expect(await isPasswordResetTokenUsable(db, token, new Date())).toBe(true);

    await expect(resetPassword(testContext(db), { token, password: NEW_PASSWORD })).resolves.toEqual({ email: person.email });
    await expect(signInWithPassword(testContext(db), { email: person.email, password: NEW_PASSWORD }, policy)).resolves.toMatchObject({
      id: person.userId,
    });
    expect((await signInError(person.email, person.password)).reason).toBe("wrong_password");

    // The link works once.
    expect(await isPasswordResetTokenUsable(db, token, new Date())).toBe(false);
    const reused = await appErrorOf(resetPassword(testContext(db), { token, password: "yet another passphrase" }));
    expect(reused).toMatchObject({ code: "BAD_REQUEST", message: EXPIRED_LINK_MESSAGE, details: { fieldErrors: { token: [EXPIRED_LINK_MESSAGE] } } });
    await expect(signInWithPassword(testContext(db), { email: person.email, password: NEW_PASSWORD }, policy)).resolves.toBeDefined();

    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, person.userId)))
      .orderBy(auditEvents.createdAt);
    expect(events.find((e) => e.action === "user.password_reset_requested")).toMatchObject({
      teamId: null,
      actorType: "anonymous",
      actorId: null,
      targetType: "user",
      ip: "203.0.113.7",
    });
    expect(events.filter((e) => e.action === "user.password_reset")).toEqual([
      expect.objectContaining({ teamId: null, actorType: "user", actorId: person.userId, metadata: { hadPassword: true } }),
    ]);
    // Reading the mail proved the address.
    const [user] = await db.select().from(users).where(eq(users.id, person.userId));
    expect(user?.emailVerifiedAt).toBeInstanceOf(Date);
    expect(events.filter((e) => e.action === "user.email_verified").map((e) => e.metadata)).toEqual([{ method: "password_reset" }]);
  });

  it("refuses a link after an hour", async () => {
    const person = await createTestUser(db);
    const { clock, ctx } = clockedContext(new Date("2031-03-01T10:00:00Z"));
    await requestPasswordReset(ctx, { email: person.email }, { transport });
    const token = await resetTokenFromMail(person.email);

    clock.now = new Date(clock.now.getTime() + PASSWORD_RESET_TTL_MINUTES * 60_000);
    expect(await isPasswordResetTokenUsable(db, token, clock.now)).toBe(false);
    const error = await appErrorOf(resetPassword(ctx, { token, password: NEW_PASSWORD }));
    expect(error.message).toBe(EXPIRED_LINK_MESSAGE);

    // A minute earlier it still worked.
    clock.now = new Date(clock.now.getTime() - 60_000);
    await expect(resetPassword(ctx, { token, password: NEW_PASSWORD })).resolves.toEqual({ email: person.email });
  });

  it("a second request ends the first link", async () => {
    const person = await createTestUser(db);
    // One after the other: two deliveries under way at once may arrive in either order.
    await requestPasswordReset(testContext(db), { email: person.email }, { transport });
    await mailsSettled(db);
    await requestPasswordReset(testContext(db), { email: person.email }, { transport });
    const first = await resetTokenFromMail(person.email, 1);
    const second = await resetTokenFromMail(person.email, 2);
    expect(second).not.toBe(first);

    expect((await appErrorOf(resetPassword(testContext(db), { token: first, password: NEW_PASSWORD }))).message).toBe(EXPIRED_LINK_MESSAGE);
    await expect(resetPassword(testContext(db), { token: second, password: NEW_PASSWORD })).resolves.toEqual({ email: person.email });
  });

  it("answers the same for an address without an account, and mails nobody", async () => {
    const person = await createTestUser(db);
    const unknown = `nobody.${Date.now()}@example.com`;
    const known = await requestPasswordReset(testContext(db), { email: person.email }, { transport });
    const missing = await requestPasswordReset(testContext(db), { email: unknown }, { transport });
    expect(missing).toEqual(known);

    await mailsSettled(db);
    expect(mailsTo(person.email)).toHaveLength(1);
    expect(mailsTo(unknown)).toEqual([]);
    expect(await db.select().from(mails).where(eq(mails.to, unknown))).toEqual([]);
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.action, "user.password_reset_requested"));
    expect(audit.some((e) => JSON.stringify(e).includes(unknown))).toBe(false);
  });

  it("answers without waiting for the mail server, whose delay would tell that the address has an account", async () => {
    // A mail server that accepts connections and never says a word.
    const connections: Socket[] = [];
    const silent = createServer((socket) => connections.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const person = await createTestUser(db);
    try {
      await requestPasswordReset(testContext(db), { email: person.email }, { transport: smtpTransport(`smtp://127.0.0.1:${port}`, "Compute Console <console@example.com>") });
      const [mail] = await db.select().from(mails).where(eq(mails.to, person.email));
      expect(["queued", "sending"]).toContain(mail?.status);
    } finally {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
    // The attempt fails when the connection drops; the mail waits for the worker's retry.
    await mailsSettled(db);
    const [mail] = await db.select().from(mails).where(eq(mails.to, person.email));
    expect(mail).toMatchObject({ status: "queued", attempts: 1 });
  });

  it(`sends at most ${PASSWORD_RESETS_PER_HOUR} mails an hour per address, quietly`, async () => {
    const person = await createTestUser(db);
    const warnings: string[] = [];
    const log: Logger = { info() {}, warn: (message) => warnings.push(message), error() {} };
    const { clock, ctx } = clockedContext(new Date("2031-04-01T10:00:00Z"));
    const limited = { ...ctx, log };

    for (let i = 0; i < PASSWORD_RESETS_PER_HOUR + 2; i++) {
      await expect(requestPasswordReset(limited, { email: person.email }, { transport })).resolves.toBeUndefined();
      await mailsSettled(db);
      clock.now = new Date(clock.now.getTime() + 60_000);
    }
    await mailsSettled(db);
    expect(mailsTo(person.email)).toHaveLength(PASSWORD_RESETS_PER_HOUR);
    expect(warnings).toEqual(Array(2).fill("password reset mail not sent: hourly limit reached"));
    const requested = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, person.userId), eq(auditEvents.action, "user.password_reset_requested")));
    expect(requested).toHaveLength(PASSWORD_RESETS_PER_HOUR);

    // The latest link sent still works; the refused requests did not end it.
    const latest = await resetTokenFromMail(person.email, PASSWORD_RESETS_PER_HOUR);
    expect(await isPasswordResetTokenUsable(db, latest, clock.now)).toBe(true);

    // An hour after the first, a new one goes out.
    clock.now = new Date("2031-04-01T11:00:30Z");
    await requestPasswordReset(limited, { email: person.email }, { transport });
    await mailsSettled(db);
    expect(mailsTo(person.email)).toHaveLength(PASSWORD_RESETS_PER_HOUR + 1);
  });

  it("ends the sign-in lockout of the address, keeping the failed attempts on record", async () => {
    const person = await createTestUser(db);
    const now = new Date();
    for (let i = 0; i < policy.maxFailures; i++) expect((await signInError(person.email, "not my password", now)).reason).toBe("wrong_password");
    expect((await signInError(person.email, person.password, now)).reason).toBe("rate_limited");

    await requestPasswordReset(testContext(db, undefined, () => now), { email: person.email }, { transport });
    await resetPassword(testContext(db, undefined, () => now), { token: await resetTokenFromMail(person.email), password: NEW_PASSWORD });

    const later = new Date(now.getTime() + 1000);
    await expect(
      signInWithPassword(testContext(db, undefined, () => later), { email: person.email, password: NEW_PASSWORD }, policy),
    ).resolves.toMatchObject({ id: person.userId });
    const attempts = await db.select().from(signInAttempts).where(eq(signInAttempts.email, person.email));
    expect(attempts.filter((a) => !a.succeeded)).toHaveLength(policy.maxFailures);
  });

  it("gives an account that only used GitHub its first password", async () => {
    const email = `octo.${Date.now()}@example.com`;
    const userId = await signInWithOAuth(testContext(db), { provider: "github", email, emailVerified: true, name: "Octo Cat", image: null });
    expect((await signInError(email, NEW_PASSWORD)).reason).toBe("no_password");
    await requestPasswordReset(testContext(db), { email }, { transport });
    await resetPassword(testContext(db), { token: await resetTokenFromMail(email), password: NEW_PASSWORD });
    await expect(signInWithPassword(testContext(db), { email, password: NEW_PASSWORD }, policy)).resolves.toMatchObject({ id: userId });
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, userId), eq(auditEvents.action, "user.password_reset")));
    expect(event?.metadata).toEqual({ hadPassword: false });
  });

  it.each([
    ["a malformed token", "not-a-token"],
    ["an unknown token", newMailToken().token],
    ["an empty token", ""],
  ])("refuses %s with the same message, before checking anything else", async (_label, token) => {
    const error = await appErrorOf(resetPassword(testContext(db), { token, password: NEW_PASSWORD }));
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: EXPIRED_LINK_MESSAGE });
    expect(await isPasswordResetTokenUsable(db, token, new Date())).toBe(false);
  });

  it("refuses a short new password with a field error and keeps the link usable", async () => {
    const person = await createTestUser(db);
    await requestPasswordReset(testContext(db), { email: person.email }, { transport });
    const token = await resetTokenFromMail(person.email);
    await expect(resetPassword(testContext(db), { token, password: "too short" })).rejects.toThrow(/at least 12 characters/);
    expect(await isPasswordResetTokenUsable(db, token, new Date())).toBe(true);
  });

  it("lets exactly one of two simultaneous uses of a link through", async () => {
    const person = await createTestUser(db);
    await requestPasswordReset(testContext(db), { email: person.email }, { transport });
    const token = await resetTokenFromMail(person.email);
    const outcomes = await Promise.allSettled([
      resetPassword(testContext(db), { token, password: "first of the two passwords" }),
      resetPassword(testContext(db), { token, password: "second of the two passwords" }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const used = await db.select().from(userTokens).where(and(eq(userTokens.userId, person.userId), eq(userTokens.purpose, "password_reset")));
    expect(used.filter((t) => t.usedAt !== null)).toHaveLength(1);
  });

  it("ends the sessions that began before the reset, not the ones after", async () => {
    const person = await createTestUser(db);
    const before = { userId: person.userId, sessionId: "session-before", signedInAt: new Date(Date.now() - 60_000) };
    expect(await sessionEnded(db, before)).toBe(false);
    // Asking for a link ends nothing: anyone may ask for anyone.
    await requestPasswordReset(testContext(db), { email: person.email }, { transport });
    expect(await sessionEnded(db, before)).toBe(false);
    await resetPassword(testContext(db), { token: await resetTokenFromMail(person.email), password: NEW_PASSWORD });
    expect(await sessionEnded(db, before)).toBe(true);
    expect(await sessionEnded(db, { ...before, sessionId: null })).toBe(true);
    expect(await sessionEnded(db, { ...before, signedInAt: new Date(Date.now() + 1000) })).toBe(false);
  });
});
