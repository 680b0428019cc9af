import { and, count, eq, gt, gte, isNull } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { newId } from "@/server/db/ids";
import { userTokens, type UserTokenPurpose } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { deliverMails, mailTransportFromEnv, type MailTransport } from "../mail";
import { hashMailToken, isMailTokenShaped, newMailToken } from "./mail-tokens";

/**
 * The mailed, single-use tokens of one person (password resets, email confirmations), shared by
 * password-reset.ts and email-verification.ts.
 */

/** Stores a new token for `userId` and returns it; only its hash is kept. */
export async function issueUserToken(
  tx: Db | Tx,
  input: { userId: string; purpose: UserTokenPurpose; now: Date; ttlMs: number },
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newMailToken();
  const expiresAt = new Date(input.now.getTime() + input.ttlMs);
  await tx.insert(userTokens).values({
    id: newId("tok"),
    userId: input.userId,
    purpose: input.purpose,
    tokenHash: hash,
    createdAt: input.now,
    expiresAt,
  });
  return { token, expiresAt };
}

/**
 * Uses a token: one UPDATE that only matches an unused, unexpired token of this purpose, so that
 * of two concurrent uses exactly one gets the user id and the other gets null.
 */
export async function claimUserToken(tx: Db | Tx, token: string, purpose: UserTokenPurpose, now: Date): Promise<string | null> {
  if (!isMailTokenShaped(token)) return null;
  const [claimed] = await tx
    .update(userTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(userTokens.tokenHash, hashMailToken(token)),
        eq(userTokens.purpose, purpose),
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, now),
      ),
    )
    .returning({ userId: userTokens.userId });
  return claimed?.userId ?? null;
}

/**
 * Ends the person's other open tokens of this purpose by moving their expiry to now. Expiry, not
 * used_at: used_at stays the moment a token was really used, which is when a password was reset.
 */
export async function expireOpenTokens(tx: Db | Tx, userId: string, purpose: UserTokenPurpose, now: Date): Promise<void> {
  await tx
    .update(userTokens)
    .set({ expiresAt: now })
    .where(and(eq(userTokens.userId, userId), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt), gt(userTokens.expiresAt, now)));
}

/** How many tokens of this purpose the person was sent since `since` (the mails-per-hour limits). */
export async function tokensIssuedSince(tx: Db | Tx, userId: string, purpose: UserTokenPurpose, since: Date): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(userTokens)
    .where(and(eq(userTokens.userId, userId), eq(userTokens.purpose, purpose), gte(userTokens.createdAt, since)));
  return row?.n ?? 0;
}

/** The owner of a token whatever its state (used, expired), or null: for telling "already done" from "unknown". */
export async function userOfToken(db: Db | Tx, token: string, purpose: UserTokenPurpose): Promise<string | null> {
  if (!isMailTokenShaped(token)) return null;
  const [row] = await db
    .select({ userId: userTokens.userId })
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, hashMailToken(token)), eq(userTokens.purpose, purpose)))
    .limit(1);
  return row?.userId ?? null;
}

/** Whether a token could be used now (read-only: for showing the form or the "expired" message). */
export async function isUserTokenUsable(db: Db | Tx, token: string, purpose: UserTokenPurpose, now: Date): Promise<boolean> {
  if (!isMailTokenShaped(token)) return false;
  const [row] = await db
    .select({ id: userTokens.id })
    .from(userTokens)
    .where(
      and(
        eq(userTokens.tokenHash, hashMailToken(token)),
        eq(userTokens.purpose, purpose),
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, now),
      ),
    )
    .limit(1);
  return row !== undefined;
}

export interface MailDeliveryOptions {
  /** Where the mail goes; the environment's (SMTP_URL, else the outbox) unless a test passes its SMTP server. */
  transport?: MailTransport;
}

/**
 * Delivers mails queued by a committed transaction. A failure is only logged: the mail stays
 * queued and the worker's tick retries it, and the caller's answer must not depend on it.
 */
export async function deliverAfterCommit(ctx: ServiceContext, ids: string[], options: MailDeliveryOptions): Promise<void> {
  if (ids.length === 0) return;
  const report = await deliverMails(ctx.db, options.transport ?? mailTransportFromEnv(), { now: ctx.now(), log: ctx.log, ids });
  if (report.failed > 0) ctx.log.warn("mail not delivered yet; the worker retries it", { ids, errors: report.errors });
}

/**
 * Starts delivering mails queued by a committed transaction and returns at once: for answers that
 * must not tell whether a mail went out, as the time a mail server takes to accept one would
 * (that the address has an account). The mail stays queued until delivered; the worker's tick
 * retries whatever this does not get out.
 */
export function deliverInBackground(ctx: ServiceContext, ids: string[], options: MailDeliveryOptions): void {
  deliverAfterCommit(ctx, ids, options).catch((error: unknown) => ctx.log.warn("mail not delivered yet; the worker retries it", { ids, error: String(error) }));
}
