import { eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { newId } from "@/server/db/ids";
import { signInAttempts, users } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { AppError } from "../errors";
import { passwordResetMail, publicUrl, queueMail } from "../mail";
import { isMailTokenShaped } from "./mail-tokens";
import { hashPassword } from "./password";
import { endSessionsBefore } from "./sessions";
import {
  EXPIRED_LINK_MESSAGE,
  requestPasswordResetInput,
  resetPasswordInput,
  type RequestPasswordResetInput,
  type ResetPasswordInput,
} from "./schemas";
import {
  claimUserToken,
  deliverInBackground,
  expireOpenTokens,
  isUserTokenUsable,
  issueUserToken,
  tokensIssuedSince,
  type MailDeliveryOptions,
} from "./user-tokens";

/** How long a reset link works. */
export const PASSWORD_RESET_TTL_MINUTES = 60;
/** Reset mails per address per hour; further requests get the same answer and no mail. */
export const PASSWORD_RESETS_PER_HOUR = 3;

/**
 * Mails a single-use link to choose a new password, if an account uses this address. The answer
 * is the same either way, so the form tells nobody which addresses have an account. A new link
 * ends the earlier ones.
 */
export async function requestPasswordReset(
  ctx: ServiceContext,
  rawInput: RequestPasswordResetInput,
  options: MailDeliveryOptions = {},
): Promise<void> {
  const { email } = requestPasswordResetInput.parse(rawInput);
  const now = ctx.now();
  const mailId = await ctx.db.transaction(async (tx) => {
    // Locked, so that concurrent requests count each other's links against the limit.
    const [user] = await tx
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`)
      .for("update");
    if (!user) return null;
    const sent = await tokensIssuedSince(tx, user.id, "password_reset", new Date(now.getTime() - 60 * 60_000));
    if (sent >= PASSWORD_RESETS_PER_HOUR) {
      ctx.log.warn("password reset mail not sent: hourly limit reached", { userId: user.id, limit: PASSWORD_RESETS_PER_HOUR });
      return null;
    }
    await expireOpenTokens(tx, user.id, "password_reset", now);
    const { token, expiresAt } = await issueUserToken(tx, {
      userId: user.id,
      purpose: "password_reset",
      now,
      ttlMs: PASSWORD_RESET_TTL_MINUTES * 60_000,
    });
    const url = `${publicUrl()}/reset-password/${token}`;
    const id = await queueMail(tx, user.email, passwordResetMail({ name: user.name, url, expiresAt }), now);
    await recordAuditEvent(tx, ctx, {
      teamId: null,
      action: "user.password_reset_requested",
      target: { type: "user", id: user.id },
    });
    return id;
  });
  // Not awaited: the answer takes as long whether or not an account, and so a mail, exists.
  if (mailId) deliverInBackground(ctx, [mailId], options);
}

/** Whether a reset link can still be used, for showing its form or the "expired" message. */
export function isPasswordResetTokenUsable(db: Db, token: string, now: Date): Promise<boolean> {
  return isUserTokenUsable(db, token, "password_reset", now);
}

/**
 * Sets a new password through a mailed link. The link works once. Following it proves the
 * address, so the address counts as confirmed, and the sign-in lockout of the address ends.
 * An account that only signed in with GitHub or Google gets its first password this way.
 */
export async function resetPassword(ctx: ServiceContext, rawInput: ResetPasswordInput): Promise<{ email: string }> {
  const { token, password } = resetPasswordInput.parse(rawInput);
  const expired = AppError.field("BAD_REQUEST", "token", EXPIRED_LINK_MESSAGE);
  if (!isMailTokenShaped(token)) throw expired;
  // Hashed before the transaction: argon2 takes a while and holds no lock.
  const passwordHash = await hashPassword(password);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const userId = await claimUserToken(tx, token, "password_reset", now);
    if (!userId) throw expired;
    const [user] = await tx
      .select({ email: users.email, passwordHash: users.passwordHash, emailVerifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(eq(users.id, userId))
      .for("update");
    if (!user) throw expired;
    await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? now, updatedAt: now, ...endSessionsBefore(now) })
      .where(eq(users.id, userId));
    await expireOpenTokens(tx, userId, "password_reset", now);
    // sign_in_attempts only feeds the lockout (the audit log is the record of sign-ins). A row
    // that counts as a success ends the run of failures, as a sign-in would, so the person can
    // sign in at once and no failure is deleted.
    await tx.insert(signInAttempts).values({
      id: newId("sia"),
      email: user.email.toLowerCase(),
      succeeded: true,
      ip: ctx.request.ip,
      createdAt: now,
    });
    await recordAuditEvent(tx, ctx, {
      teamId: null,
      action: "user.password_reset",
      target: { type: "user", id: userId },
      metadata: { hadPassword: user.passwordHash !== null },
      actorId: userId,
    });
    if (!user.emailVerifiedAt) {
      await recordAuditEvent(tx, ctx, {
        teamId: null,
        action: "user.email_verified",
        target: { type: "user", id: userId },
        metadata: { method: "password_reset" },
        actorId: userId,
      });
    }
    return { email: user.email };
  });
}
