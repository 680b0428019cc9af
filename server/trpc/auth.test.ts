import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { auditEvents, users } from "@/server/db/schema";
import { signInWithOAuth } from "@/server/services/auth/oauth";
import { EXPIRED_LINK_MESSAGE } from "@/server/services/auth/schemas";
import { signInWithPassword, SignInRefused } from "@/server/services/auth/sign-in";
import { sessionEnded } from "@/server/services/auth/sessions";
import { listMails, publicUrl } from "@/server/services/mail";
import { linkIn } from "@/server/services/mail/testing";
import type { Logger } from "@/server/services/context";
import { createTestUser, testContext } from "@/server/services/testing";
import { clientError, clientFor, TEST_REQUEST } from "./testing";

const { db } = await openTestDatabase();
const anonymous = clientFor(db, null);
const policy = { maxFailures: 5, lockoutMinutes: 15 };

let emails = 0;
const freshEmail = () => `person${++emails}.${Date.now()}@example.com`;
const valid = () => ({ name: "Pat Person", email: freshEmail(), password: "twelve chars" });

describe("auth.signUp field errors", () => {
  it.each([
    ["an 11-character password", { password: "elevenchars" }, { password: ["Use at least 12 characters."] }],
    ["a 257-character password", { password: "p".repeat(257) }, { password: ["Use at most 256 characters."] }],
    ["an invalid email", { email: "not-an-email" }, { email: ["Enter a valid email address, like name@example.com."] }],
    ["an empty email", { email: "   " }, { email: ["Enter your email address."] }],
    ["an empty name", { name: "  " }, { name: ["Enter your name."] }],
    ["a 101-character name", { name: "n".repeat(101) }, { name: ["Use at most 100 characters."] }],
  ])("refuses %s as BAD_REQUEST with fieldErrors", async (_label, override, fieldErrors) => {
    const error = await clientError(anonymous.auth.signUp.mutate({ ...valid(), ...override }));
    expect(error.shape).toMatchObject({
      code: -32600,
      message: Object.values(fieldErrors)[0]![0],
      data: { code: "BAD_REQUEST", httpStatus: 400, path: "auth.signUp", fieldErrors, retryAfterSeconds: null },
    });
    expect(error.shape?.data).not.toHaveProperty("stack");
  });

  it("reports every invalid field at once", async () => {
    const error = await clientError(anonymous.auth.signUp.mutate({ name: "", email: "nope", password: "short" }));
    expect(Object.keys(error.shape?.data.fieldErrors ?? {}).sort()).toEqual(["email", "name", "password"]);
    expect(await db.select().from(users).where(eq(users.email, "nope"))).toEqual([]);
  });

  it.each([12, 256])("accepts a %i-character password, then signs in with it", async (length) => {
    const input = { ...valid(), password: "x".repeat(length) };
    const result = await anonymous.auth.signUp.mutate(input);
    expect(result.teamSlug).toMatch(/^pats-team(-[a-z0-9]{6})?$/);
    await expect(signInWithPassword(testContext(db), input, policy)).resolves.toMatchObject({ email: input.email });
  });

  it("stores the email in lower case and records the sign-up with the request's ip and agent", async () => {
    const email = freshEmail().replace("person", "MiXeD.Case");
    await anonymous.auth.signUp.mutate({ ...valid(), email });
    const [user] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
    expect(user).toBeDefined();
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, user!.id), eq(auditEvents.action, "user.signed_up")));
    expect(event).toMatchObject({ teamId: null, actorType: "user", ip: TEST_REQUEST.ip, userAgent: TEST_REQUEST.userAgent });
  });

  it("refuses an email already registered, whatever its case, as CONFLICT on the email field", async () => {
    const first = valid();
    await anonymous.auth.signUp.mutate(first);
    const error = await clientError(anonymous.auth.signUp.mutate({ ...valid(), email: `  ${first.email.toUpperCase()} ` }));
    expect(error.shape).toMatchObject({
      message: "An account with this email already exists. Sign in instead.",
      data: {
        code: "CONFLICT",
        httpStatus: 409,
        fieldErrors: { email: ["An account with this email already exists. Sign in instead."] },
      },
    });
    expect(await db.select().from(users).where(eq(users.email, first.email))).toHaveLength(1);
  });
});

describe("password reset and email confirmation", () => {
  const resetBase = `${publicUrl()}/reset-password/`;

  it("auth.signUp signs up without a confirmation step by default", async () => {
    await expect(anonymous.auth.signUp.mutate(valid())).resolves.toMatchObject({ mustVerifyEmail: false });
  });

  it("auth.requestPasswordReset answers alike for any address; the mailed link resets the password once", async () => {
    const person = await createTestUser(db);
    const known = await anonymous.auth.requestPasswordReset.mutate({ email: person.email });
    const unknown = await anonymous.auth.requestPasswordReset.mutate({ email: freshEmail() });
    expect(unknown).toEqual(known);

    // Without SMTP_URL the mail waits in the outbox, whole.
    const [mail] = await listMails(db, { to: person.email });
    const token = linkIn({ text: mail?.text ?? "" }, resetBase).slice(resetBase.length);
    const password = "chosen through the link";
    await expect(anonymous.auth.resetPassword.mutate({ token, password })).resolves.toEqual({ email: person.email });
    await expect(signInWithPassword(testContext(db), { email: person.email, password }, policy)).resolves.toMatchObject({ id: person.userId });
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, person.userId), eq(auditEvents.action, "user.password_reset")));
    expect(event).toMatchObject({ teamId: null, actorId: person.userId, ip: TEST_REQUEST.ip, userAgent: TEST_REQUEST.userAgent });

    const reused = await clientError(anonymous.auth.resetPassword.mutate({ token, password: "another one entirely" }));
    expect(reused.shape).toMatchObject({
      message: EXPIRED_LINK_MESSAGE,
      data: { code: "BAD_REQUEST", path: "auth.resetPassword", fieldErrors: { token: [EXPIRED_LINK_MESSAGE] } },
    });
  });

  it("auth.resetPassword puts a short password's error on its field", async () => {
    const error = await clientError(anonymous.auth.resetPassword.mutate({ token: "x".repeat(43), password: "short" }));
    expect(error.shape?.data).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { password: ["Use at least 12 characters."] } });
  });

  it("auth.requestPasswordReset and auth.resendVerification put an invalid email's error on its field", async () => {
    for (const call of [anonymous.auth.requestPasswordReset, anonymous.auth.resendVerification]) {
      const error = await clientError(call.mutate({ email: "not-an-email" }));
      expect(error.shape?.data.fieldErrors).toEqual({ email: ["Enter a valid email address, like name@example.com."] });
    }
  });

  it("auth.verifyEmail refuses an unknown link on the token field; auth.resendVerification answers alike for any address", async () => {
    const error = await clientError(anonymous.auth.verifyEmail.mutate({ token: "unknown" }));
    expect(error.shape).toMatchObject({ message: EXPIRED_LINK_MESSAGE, data: { code: "BAD_REQUEST", fieldErrors: { token: [EXPIRED_LINK_MESSAGE] } } });
    const person = await createTestUser(db);
    const known = await anonymous.auth.resendVerification.mutate({ email: person.email });
    expect(await anonymous.auth.resendVerification.mutate({ email: freshEmail() })).toEqual(known);
  });
});

describe("user.updateProfile", () => {
  it("renames the person, records it, and user.me shows the new name", async () => {
    const person = await createTestUser(db, "Old Name");
    const client = clientFor(db, person.userId);
    const profile = await client.user.updateProfile.mutate({ name: "  New Name  " });
    expect(profile).toMatchObject({ id: person.userId, name: "New Name", email: person.email, hasPassword: true });
    expect(profile.createdAt).toBeInstanceOf(Date);
    expect(await client.user.me.query()).toEqual(profile);
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, person.userId), eq(auditEvents.action, "user.updated"), isNull(auditEvents.teamId)));
    expect(events.map((e) => e.metadata)).toEqual([{ name: { from: "Old Name", to: "New Name" } }]);

    await client.user.updateProfile.mutate({ name: "New Name" });
    const again = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, person.userId), eq(auditEvents.action, "user.updated")));
    expect(again).toHaveLength(1);
  });

  it("refuses an empty name with a field error", async () => {
    const person = await createTestUser(db);
    const error = await clientError(clientFor(db, person.userId).user.updateProfile.mutate({ name: " " }));
    expect(error.shape?.data).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { name: ["Enter your name."] } });
  });
});

describe("user.changePassword", () => {
  it.each([
    ["a wrong current password", "not my password"],
    ["no current password", undefined],
  ])("refuses %s with fieldErrors.currentPassword", async (_label, currentPassword) => {
    const person = await createTestUser(db);
    const client = clientFor(db, person.userId);
    const error = await clientError(client.user.changePassword.mutate({ currentPassword, newPassword: "a new password!" }));
    expect(error.shape?.data).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { currentPassword: ["Your current password is not correct."] },
    });
    await expect(signInWithPassword(testContext(db), { email: person.email, password: person.password }, policy)).resolves.toBeDefined();
  });

  it("refuses a new password that breaks the rules", async () => {
    const person = await createTestUser(db);
    const error = await clientError(
      clientFor(db, person.userId).user.changePassword.mutate({ currentPassword: person.password, newPassword: "too short" }),
    );
    expect(error.shape?.data.fieldErrors).toEqual({ newPassword: ["Use at least 12 characters."] });
  });

  it("changes the password: the new one signs in, the old one no longer does", async () => {
    const person = await createTestUser(db);
    const newPassword = "my brand new passphrase";
    await clientFor(db, person.userId).user.changePassword.mutate({ currentPassword: person.password, newPassword });
    const ctx = testContext(db);
    await expect(signInWithPassword(ctx, { email: person.email, password: newPassword }, policy)).resolves.toMatchObject({
      id: person.userId,
    });
    const old = await signInWithPassword(ctx, { email: person.email, password: person.password }, policy).catch((e) => e);
    expect(old).toBeInstanceOf(SignInRefused);
    expect((old as SignInRefused).reason).toBe("wrong_password");
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, person.userId), eq(auditEvents.action, "user.password_changed")));
    expect(event).toMatchObject({ teamId: null, ip: TEST_REQUEST.ip, userAgent: TEST_REQUEST.userAgent });
  });

  it("ends the person's other sessions and keeps the one that changed it", async () => {
    const person = await createTestUser(db);
    const began = new Date(Date.now() - 60_000);
    const session = (sessionId: string | null) => ({ userId: person.userId, sessionId, signedInAt: began });
    await clientFor(db, person.userId, { sessionId: "this-session" }).user.changePassword.mutate({
      currentPassword: person.password,
      newPassword: "my brand new passphrase",
    });
    expect(await sessionEnded(db, session("this-session"))).toBe(false);
    expect(await sessionEnded(db, session("another-session"))).toBe(true);
    expect(await sessionEnded(db, session(null))).toBe(true);
    expect(await sessionEnded(db, { ...session("another-session"), signedInAt: new Date(Date.now() + 1000) })).toBe(false);
    // Another person's sessions are untouched.
    const other = await createTestUser(db);
    expect(await sessionEnded(db, { userId: other.userId, sessionId: "theirs", signedInAt: began })).toBe(false);
  });

  it("lets an account without a password (GitHub/Google) set one without a current password", async () => {
    const email = freshEmail();
    const userId = await signInWithOAuth(testContext(db), { provider: "github", email, emailVerified: true, name: "Octo Cat", image: null });
    const client = clientFor(db, userId);
    expect((await client.user.me.query()).hasPassword).toBe(false);
    await client.user.changePassword.mutate({ newPassword: "first password ever" });
    expect((await client.user.me.query()).hasPassword).toBe(true);
    await expect(signInWithPassword(testContext(db), { email, password: "first password ever" }, policy)).resolves.toMatchObject({ id: userId });
  });
});

describe("internal errors", () => {
  it("never leak their message or stack, and are logged with the procedure path", async () => {
    const person = await createTestUser(db);
    const logged: { message: string; data?: Record<string, unknown> }[] = [];
    const log: Logger = { info() {}, warn() {}, error: (message, data) => logged.push({ message, data }) };
    const secret = "connection to 10.0.0.5 failed for user admin:hunter2";
    const client = clientFor(db, person.userId, {
      log,
      now: () => {
        throw new Error(secret);
      },
    });
    const error = await clientError(client.team.create.mutate({ name: "Doomed" }));
    expect(error.shape?.data.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.shape?.data.httpStatus).toBe(500);
    expect(error.shape?.data).not.toHaveProperty("stack");
    expect(error.message).toMatch(/^Something went wrong on our side/);
    expect(JSON.stringify(error.shape)).not.toContain("hunter2");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ message: "procedure failed", data: { path: "team.create" } });
    expect(String(logged[0]?.data?.error)).toContain("hunter2");
  });
});
