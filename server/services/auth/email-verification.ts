import { eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { users } from "@/server/db/schema";
import { env } from "@/server/env";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { AppError } from "../errors";
import { emailVerificationMail, publicUrl, queueMail } from "../mail";
import {
  EXPIRED_LINK_MESSAGE,
  resendVerificationInput,
  verifyEmailInput,
  type ResendVerificationInput,
  type VerifyEmailInput,
} from "./schemas";
import {
  claimUserToken,
  deliverInBackground,
  expireOpenTokens,
  issueUserToken,
  tokensIssuedSince,
  userOfToken,
  type MailDeliveryOptions,
} from "./user-tokens";

/** How long a confirmation link works. */
export const EMAIL_VERIFICATION_TTL_HOURS = 24;
/** Confirmation mails per address per hour, the one sent at sign-up included; more are quietly not sent. */
export const VERIFICATION_MAILS_PER_HOUR = 3;

/** Whether new password accounts must confirm their address before signing in (REQUIRE_EMAIL_VERIFICATION). */
export function emailVerificationRequiredFromEnv(): boolean {
  return env().REQUIRE_EMAIL_VERIFICATION;
}

export interface MailedUser {
  id: string;
  email: string;
  name: string;
}

/**
 * Issues a confirmation link for the person and queues its mail in the caller's transaction;
 * returns the mail's id, to deliver after the commit. Earlier links stay valid until they expire:
 * any of them proves the address as well as the newest.
 */
export async function queueVerificationMail(tx: Db | Tx, user: MailedUser, now: Date): Promise<string> {
  const { token, expiresAt } = await issueUserToken(tx, {
    userId: user.id,
    purpose: "email_verification",
    now,
    ttlMs: EMAIL_VERIFICATION_TTL_HOURS * 60 * 60_000,
  });
  const url = `${publicUrl()}/verify-email/${token}`;
  return queueMail(tx, user.email, emailVerificationMail({ name: user.name, url, expiresAt }), now);
}

export interface VerifyEmailResult {
  email: string;
  /** The address was confirmed before this link was followed (another link, an OAuth sign-in). */
  alreadyVerified: boolean;
}

/** Confirms the address a mailed link was sent to. Each link works once. */
export async function verifyEmail(ctx: ServiceContext, rawInput: VerifyEmailInput): Promise<VerifyEmailResult> {
  const { token } = verifyEmailInput.parse(rawInput);
  const now = ctx.now();
  const result = await ctx.db.transaction(async (tx) => {
    const userId = await claimUserToken(tx, token, "email_verification", now);
    if (!userId) return null;
    const [user] = await tx
      .select({ email: users.email, emailVerifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(eq(users.id, userId))
      .for("update");
    if (!user) return null;
    await expireOpenTokens(tx, userId, "email_verification", now);
    if (user.emailVerifiedAt) return { email: user.email, alreadyVerified: true };
    await tx.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, userId));
    await recordAuditEvent(tx, ctx, {
      teamId: null,
      action: "user.email_verified",
      target: { type: "user", id: userId },
      metadata: { method: "link" },
      actorId: userId,
    });
    return { email: user.email, alreadyVerified: false };
  });
  if (result) return result;

  // A second click on a link (or a mail scanner's first) should not read as a failure when the
  // address is confirmed by now; anything else is the one "expired or used" answer.
  const owner = await userOfToken(ctx.db, token, "email_verification");
  if (owner) {
    const [user] = await ctx.db.select({ email: users.email, emailVerifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, owner));
    if (user?.emailVerifiedAt) return { email: user.email, alreadyVerified: true };
  }
  throw AppError.field("BAD_REQUEST", "token", EXPIRED_LINK_MESSAGE);
}

/**
 * Sends a new confirmation link to an account that has not confirmed its address. The answer is
 * the same whether or not such an account exists, so nobody learns which addresses have one.
 */
export async function resendVerification(
  ctx: ServiceContext,
  rawInput: ResendVerificationInput,
  options: MailDeliveryOptions = {},
): Promise<void> {
  const { email } = resendVerificationInput.parse(rawInput);
  const now = ctx.now();
  const mailId = await ctx.db.transaction(async (tx) => {
    // Locked, so that concurrent requests count each other's mails against the limit.
    const [user] = await tx
      .select({ id: users.id, email: users.email, name: users.name, emailVerifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`)
      .for("update");
    if (!user || user.emailVerifiedAt) return null;
    const sent = await tokensIssuedSince(tx, user.id, "email_verification", new Date(now.getTime() - 60 * 60_000));
    if (sent >= VERIFICATION_MAILS_PER_HOUR) {
      ctx.log.warn("confirmation mail not sent: hourly limit reached", { userId: user.id, limit: VERIFICATION_MAILS_PER_HOUR });
      return null;
    }
    return queueVerificationMail(tx, user, now);
  });
  // Not awaited: the answer takes as long whether or not an account, and so a mail, exists.
  if (mailId) deliverInBackground(ctx, [mailId], options);
}
