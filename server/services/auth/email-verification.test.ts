import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { newId } from "@/server/db/ids";
import { auditEvents, invitations, mails, signInAttempts, users } from "@/server/db/schema";
import type { Logger } from "../context";
import { publicUrl, smtpTransport } from "../mail";
import { linkIn, mailsSettled, startTestSmtpServer, type ReceivedMail } from "../mail/testing";
import { appErrorOf, createTestUser, testContext } from "../testing";
import { EMAIL_VERIFICATION_TTL_HOURS, resendVerification, VERIFICATION_MAILS_PER_HOUR, verifyEmail } from "./email-verification";
import { newMailToken } from "./mail-tokens";
import { signInWithOAuth } from "./oauth";
import { sessionEnded } from "./sessions";
import { EXPIRED_LINK_MESSAGE } from "./schemas";
import { signInWithPassword, SignInRefused } from "./sign-in";
import { signUp } from "./sign-up";

const { db } = await openTestDatabase();
const smtp = await startTestSmtpServer();
afterAll(() => smtp.close());
const transport = smtpTransport(smtp.url, "Console <no-reply@console.test>");
const VERIFY_BASE = `${publicUrl()}/verify-email/`;
const PASSWORD = "a long enough password";
const required = { maxFailures: 3, lockoutMinutes: 15, requireEmailVerification: true };
const optional = { ...required, requireEmailVerification: false };

let sequence = 0;
const freshEmail = () => `verify${++sequence}.${Date.now()}@example.com`;

function mailsTo(email: string): ReceivedMail[] {
  return smtp.received.filter((m) => m.to.includes(email.toLowerCase()));
}

async function verificationTokenFromMail(email: string, n = 1): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (mailsTo(email).length < n) {
    if (Date.now() > deadline) throw new Error(`mail ${n} to ${email} did not arrive`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return linkIn(mailsTo(email)[n - 1]!, VERIFY_BASE).slice(VERIFY_BASE.length);
}

/** Why signing in is refused; the test fails if it succeeds. */
async function signInRefusal(email: string, password: string, policy = required): Promise<SignInRefused> {
  const error = await signInWithPassword(testContext(db), { email, password }, policy).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignInRefused);
  return error as SignInRefused;
}

/** A pending invitation to `email` in a new team, inserted directly; returns its token. */
async function inviteTo(email: string): Promise<string> {
  const inviter = await createTestUser(db, "Inviting Owner");
  const { token, hash } = newMailToken();
  await db.insert(invitations).values({
    id: newId("ivt"),
    teamId: inviter.team.id,
    email,
    role: "developer",
    tokenHash: hash,
    invitedBy: inviter.userId,
    expiresAt: new Date(Date.now() + 7 * 86_400_000),
  });
  return token;
}

describe("email verification required (REQUIRE_EMAIL_VERIFICATION=true)", () => {
  it("signs up unconfirmed, mails a link, refuses sign-in until the link is followed", async () => {
    const email = freshEmail();
    const result = await signUp(testContext(db), { name: "Vera Fied", email, password: PASSWORD }, { requireEmailVerification: true, transport });
    expect(result.mustVerifyEmail).toBe(true);

    const mail = await smtp.waitFor(email, /Confirm your email address/);
    expect(mail.text).toContain("Hello Vera Fied,");
    const link = linkIn(mail, VERIFY_BASE);
    expect(mail.html).toContain(`href="${link}"`);

    expect((await signInRefusal(email, PASSWORD)).reason).toBe("email_unverified");
    const [failed] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, result.userId), eq(auditEvents.action, "auth.sign_in_failed")));
    expect(failed?.metadata).toEqual({ email, reason: "email_unverified" });

    await expect(verifyEmail(testContext(db), { token: link.slice(VERIFY_BASE.length) })).resolves.toEqual({ email, alreadyVerified: false });
    const [user] = await db.select().from(users).where(eq(users.id, result.userId));
    expect(user?.emailVerifiedAt).toBeInstanceOf(Date);
    const [verified] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, result.userId), eq(auditEvents.action, "user.email_verified")));
    expect(verified).toMatchObject({ teamId: null, actorType: "user", actorId: result.userId, metadata: { method: "link" } });
    await expect(signInWithPassword(testContext(db), { email, password: PASSWORD }, required)).resolves.toMatchObject({ id: result.userId });

    // Following the link again says it is done rather than "expired".
    await expect(verifyEmail(testContext(db), { token: link.slice(VERIFY_BASE.length) })).resolves.toEqual({ email, alreadyVerified: true });
  });

  it("tells a wrong password apart from an unconfirmed address only to someone who knows the password", async () => {
    const email = freshEmail();
    await signUp(testContext(db), { name: "Vera", email, password: PASSWORD }, { requireEmailVerification: true, transport });
    expect((await signInRefusal(email, "not the password")).reason).toBe("wrong_password");
  });

  it("does not count the right password of an unconfirmed address towards the lockout", async () => {
    const email = freshEmail();
    await signUp(testContext(db), { name: "Vera", email, password: PASSWORD }, { requireEmailVerification: true, transport });
    for (let i = 0; i < required.maxFailures + 1; i++) expect((await signInRefusal(email, PASSWORD)).reason).toBe("email_unverified");
    const attempts = await db.select().from(signInAttempts).where(eq(signInAttempts.email, email));
    expect(attempts).toHaveLength(required.maxFailures + 1);
  });

  it("skips the step for a person who signs up through an invitation to their address", async () => {
    const email = freshEmail();
    const invitationToken = await inviteTo(email);
    const result = await signUp(
      testContext(db),
      { name: "Invited Person", email: email.toUpperCase(), password: PASSWORD, invitationToken },
      { requireEmailVerification: true, transport },
    );
    expect(result.mustVerifyEmail).toBe(false);
    await expect(signInWithPassword(testContext(db), { email, password: PASSWORD }, required)).resolves.toMatchObject({ id: result.userId });
    expect(await db.select().from(mails).where(eq(mails.to, email))).toEqual([]);
    const [signedUp] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, result.userId), eq(auditEvents.action, "user.signed_up")));
    expect(signedUp?.metadata).toEqual({ method: "password", emailVerifiedBy: "invitation" });
  });

  it("still asks for confirmation when the invitation was sent to another address, or the token is not one", async () => {
    const invitationToken = await inviteTo(freshEmail());
    for (const token of [invitationToken, newMailToken().token, "garbage"]) {
      const email = freshEmail();
      const result = await signUp(
        testContext(db),
        { name: "Someone Else", email, password: PASSWORD, invitationToken: token },
        { requireEmailVerification: true, transport },
      );
      expect(result.mustVerifyEmail).toBe(true);
      await smtp.waitFor(email, /Confirm your email address/);
      expect((await signInRefusal(email, PASSWORD)).reason).toBe("email_unverified");
    }
  });
});

describe("email verification not required (the default)", () => {
  it("signs up and signs in as before; the address stays unconfirmed and no mail is sent", async () => {
    const email = freshEmail();
    const result = await signUp(testContext(db), { name: "Otto Optional", email, password: PASSWORD }, { requireEmailVerification: false, transport });
    expect(result.mustVerifyEmail).toBe(false);
    await expect(signInWithPassword(testContext(db), { email, password: PASSWORD }, optional)).resolves.toMatchObject({ id: result.userId });
    const [user] = await db.select().from(users).where(eq(users.id, result.userId));
    expect(user?.emailVerifiedAt).toBeNull();
    expect(await db.select().from(mails).where(eq(mails.to, email))).toEqual([]);
    // The same account is refused once the operator turns the requirement on.
    expect((await signInRefusal(email, PASSWORD, required)).reason).toBe("email_unverified");
  });

  it("confirms the address of an invited person all the same", async () => {
    const email = freshEmail();
    const invitationToken = await inviteTo(email);
    const result = await signUp(testContext(db), { name: "Invited", email, password: PASSWORD, invitationToken }, { requireEmailVerification: false });
    const [user] = await db.select().from(users).where(eq(users.id, result.userId));
    expect(user?.emailVerifiedAt).toBeInstanceOf(Date);
  });
});

describe("confirmation links", () => {
  it(`expire after ${EMAIL_VERIFICATION_TTL_HOURS} hours`, async () => {
    const email = freshEmail();
    const start = new Date("2031-05-01T08:00:00Z");
    await signUp(testContext(db, undefined, () => start), { name: "Late Reader", email, password: PASSWORD }, { requireEmailVerification: true, transport });
    const token = await verificationTokenFromMail(email);
    const late = new Date(start.getTime() + EMAIL_VERIFICATION_TTL_HOURS * 3_600_000);
    const error = await appErrorOf(verifyEmail(testContext(db, undefined, () => late), { token }));
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: EXPIRED_LINK_MESSAGE, details: { fieldErrors: { token: [EXPIRED_LINK_MESSAGE] } } });
    const inTime = new Date(late.getTime() - 60_000);
    await expect(verifyEmail(testContext(db, undefined, () => inTime), { token })).resolves.toEqual({ email, alreadyVerified: false });
  });

  it.each([
    ["a malformed token", "../../etc/passwd"],
    ["an unknown token", newMailToken().token],
  ])("refuse %s with the expired-or-used message", async (_label, token) => {
    expect((await appErrorOf(verifyEmail(testContext(db), { token }))).message).toBe(EXPIRED_LINK_MESSAGE);
  });
});

describe("resending the confirmation mail", () => {
  it("sends a new working link to an unconfirmed account, and nothing for anyone else, with one answer", async () => {
    const email = freshEmail();
    await signUp(testContext(db), { name: "Resend Me", email, password: PASSWORD }, { requireEmailVerification: true, transport });
    const confirmed = await createTestUser(db);
    await signInWithOAuth(testContext(db), { provider: "github", email: confirmed.email, emailVerified: true, name: null, image: null });
    const nobody = freshEmail();

    const answers = await Promise.all(
      [email, confirmed.email, nobody].map((address) => resendVerification(testContext(db), { email: address }, { transport })),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a ?? null))).size).toBe(1);

    await mailsSettled(db);
    const second = await verificationTokenFromMail(email, 2);
    expect(second).not.toBe(await verificationTokenFromMail(email, 1));
    expect(mailsTo(confirmed.email)).toEqual([]);
    expect(mailsTo(nobody)).toEqual([]);
    await expect(verifyEmail(testContext(db), { token: second })).resolves.toEqual({ email, alreadyVerified: false });
    // Once confirmed, no more mails.
    await resendVerification(testContext(db), { email }, { transport });
    await mailsSettled(db);
    expect(mailsTo(email)).toHaveLength(2);
  });

  it(`sends at most ${VERIFICATION_MAILS_PER_HOUR} mails an hour, the sign-up mail included`, async () => {
    const email = freshEmail();
    const warnings: string[] = [];
    const log: Logger = { info() {}, warn: (message) => warnings.push(message), error() {} };
    const clock = { now: new Date("2031-06-01T09:00:00Z") };
    const ctx = { ...testContext(db, undefined, () => clock.now), log };
    await signUp(ctx, { name: "Impatient", email, password: PASSWORD }, { requireEmailVerification: true, transport });
    for (let i = 0; i < VERIFICATION_MAILS_PER_HOUR; i++) await resendVerification(ctx, { email }, { transport });
    await mailsSettled(db);
    expect(mailsTo(email)).toHaveLength(VERIFICATION_MAILS_PER_HOUR);
    expect(warnings).toEqual(["confirmation mail not sent: hourly limit reached"]);

    clock.now = new Date("2031-06-01T10:00:01Z");
    await resendVerification(ctx, { email }, { transport });
    await mailsSettled(db);
    expect(mailsTo(email)).toHaveLength(VERIFICATION_MAILS_PER_HOUR + 1);
  });
});

describe("GitHub and Google sign-in", () => {
  it("creates accounts confirmed; confirms an unconfirmed password account with the same address and removes its password", async () => {
    const fresh = freshEmail();
    const newUserId = await signInWithOAuth(testContext(db), { provider: "google", email: fresh, emailVerified: true, name: "Goo Gle", image: null });
    const [created] = await db.select().from(users).where(eq(users.id, newUserId));
    expect(created?.emailVerifiedAt).toBeInstanceOf(Date);

    const email = freshEmail();
    const { userId } = await signUp(testContext(db), { name: "Both Ways", email, password: PASSWORD }, { requireEmailVerification: true, transport });
    const earlier = { userId, sessionId: "opened-with-the-password", signedInAt: new Date(Date.now() - 1000) };
    expect(await signInWithOAuth(testContext(db), { provider: "github", email, emailVerified: true, name: null, image: null })).toBe(userId);
    // Whoever chose that password may not be the address's owner, whom GitHub vouches for.
    const refused = await signInWithPassword(testContext(db), { email, password: PASSWORD }, required).catch((e: unknown) => e);
    expect(refused).toMatchObject({ reason: "no_password" });
    expect(await sessionEnded(db, earlier)).toBe(true);
    expect(await sessionEnded(db, { ...earlier, signedInAt: new Date(Date.now() + 1000) })).toBe(false);
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, userId), eq(auditEvents.action, "user.email_verified")));
    expect(events.map((e) => e.metadata)).toEqual([{ method: "github", passwordRemoved: true }]);
  });

  it("keeps the password of an account whose address was already confirmed", async () => {
    const person = await createTestUser(db);
    await db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, person.userId));
    const earlier = { userId: person.userId, sessionId: "theirs", signedInAt: new Date(Date.now() - 1000) };
    expect(await signInWithOAuth(testContext(db), { provider: "google", email: person.email, emailVerified: true, name: null, image: null })).toBe(person.userId);
    await expect(signInWithPassword(testContext(db), { email: person.email, password: person.password }, required)).resolves.toMatchObject({ id: person.userId });
    expect(await sessionEnded(db, earlier)).toBe(false);
  });
});
