import { and, desc, eq, gt, sql } from "drizzle-orm";
import { newId } from "@/server/db/ids";
import { signInAttempts, users } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { ServiceContext } from "../context";
import { AppError } from "../errors";
import { emailVerificationRequiredFromEnv } from "./email-verification";
import { verifyPassword } from "./password";
import {
  rateLimitedMessage,
  SIGN_IN_MESSAGES,
  signInInput,
  type SignInErrorCode,
  type SignInInput,
} from "./schemas";

export interface SignInPolicy {
  maxFailures: number;
  lockoutMinutes: number;
  /** Refuse accounts that have not confirmed their address; REQUIRE_EMAIL_VERIFICATION unless given. */
  requireEmailVerification?: boolean;
}

export class SignInRefused extends AppError {
  constructor(
    readonly reason: SignInErrorCode,
    message: string,
    retryAfterSeconds?: number,
  ) {
    super(reason === "rate_limited" ? "TOO_MANY_REQUESTS" : "UNAUTHORIZED", message, { retryAfterSeconds });
  }
}

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  image: string | null;
}

/**
 * Checks an email and password. Failed attempts are counted per email: after `maxFailures`
 * consecutive failures inside the lockout window, further attempts are refused until it passes,
 * without even checking the password. When email verification is required, an account that has
 * not confirmed its address is refused with "email_unverified".
 */
export async function signInWithPassword(
  ctx: ServiceContext,
  rawInput: SignInInput,
  policy: SignInPolicy,
): Promise<SignedInUser> {
  const parsed = signInInput.safeParse(rawInput);
  if (!parsed.success) throw new SignInRefused("invalid", SIGN_IN_MESSAGES.invalid);
  const { email, password } = parsed.data;

  const retryAfter = await lockedOutFor(ctx, email, policy);
  if (retryAfter > 0) {
    throw new SignInRefused("rate_limited", rateLimitedMessage(retryAfter), retryAfter);
  }

  const [user] = await ctx.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`)
    .limit(1);

  const failure = !user
    ? new SignInRefused("unknown_email", SIGN_IN_MESSAGES.unknown_email)
    : !user.passwordHash
      ? new SignInRefused("no_password", SIGN_IN_MESSAGES.no_password)
      : !(await verifyPassword(user.passwordHash, password))
        ? new SignInRefused("wrong_password", SIGN_IN_MESSAGES.wrong_password)
        : // Only after the password: the state of an address is told to nobody who does not know it.
          !user.emailVerifiedAt && (policy.requireEmailVerification ?? emailVerificationRequiredFromEnv())
          ? new SignInRefused("email_unverified", SIGN_IN_MESSAGES.email_unverified)
          : null;

  await ctx.db.transaction(async (tx) => {
    await tx.insert(signInAttempts).values({
      id: newId("sia"),
      email,
      // The right password for an unconfirmed address is no guess: it does not count towards the lockout.
      succeeded: failure === null || failure.reason === "email_unverified",
      ip: ctx.request.ip,
      createdAt: ctx.now(),
    });
    await recordAuditEvent(tx, ctx, {
      teamId: null,
      action: failure ? "auth.sign_in_failed" : "auth.signed_in",
      target: user ? { type: "user", id: user.id } : undefined,
      metadata: failure ? { email, reason: failure.reason } : { method: "password" },
      actorId: user?.id ?? null,
    });
  });

  if (failure || !user) throw failure;
  return { id: user.id, email: user.email, name: user.name, image: user.image };
}

/** Seconds until this email may try again; 0 when it is not locked out. */
async function lockedOutFor(ctx: ServiceContext, email: string, policy: SignInPolicy): Promise<number> {
  const windowMs = policy.lockoutMinutes * 60_000;
  const since = new Date(ctx.now().getTime() - windowMs);
  const recent = await ctx.db
    .select({ succeeded: signInAttempts.succeeded, createdAt: signInAttempts.createdAt })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), gt(signInAttempts.createdAt, since)))
    .orderBy(desc(signInAttempts.createdAt))
    .limit(policy.maxFailures);
  const consecutiveFailures = recent.findIndex((a) => a.succeeded);
  const failures = consecutiveFailures === -1 ? recent.length : consecutiveFailures;
  if (failures < policy.maxFailures) return 0;
  const latest = recent[0]!.createdAt.getTime();
  return Math.max(1, Math.ceil((latest + windowMs - ctx.now().getTime()) / 1000));
}
