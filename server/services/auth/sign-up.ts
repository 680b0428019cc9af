import { sql } from "drizzle-orm";
import { isUniqueViolation } from "@/server/db/errors";
import { newId } from "@/server/db/ids";
import { users } from "@/server/db/schema";
import { env } from "@/server/env";
import { recordAuditEvent } from "../audit/record-audit-event";
import { grantSignUpCredit, type SignUpCredit } from "../billing/credits";
import type { ServiceContext, TeamRef } from "../context";
import { AppError } from "../errors";
import { insertTeamWithOwner } from "../teams/create-team";
import { invitationEmailForToken } from "../teams/invitations";
import { emailVerificationRequiredFromEnv, queueVerificationMail } from "./email-verification";
import { hashPassword } from "./password";
import { signUpInput, type SignUpInput } from "./schemas";
import { deliverAfterCommit, type MailDeliveryOptions } from "./user-tokens";

const EMAIL_TAKEN = "An account with this email already exists. Sign in instead.";

export interface SignUpResult {
  userId: string;
  team: TeamRef;
  /** The account must confirm its address before signing in; a confirmation mail is on its way. */
  mustVerifyEmail: boolean;
}

export interface SignUpOptions extends MailDeliveryOptions {
  signUpCredit?: SignUpCredit | null;
  /** REQUIRE_EMAIL_VERIFICATION unless given. */
  requireEmailVerification?: boolean;
}

/** The sign-up credit the operator configured (SIGNUP_CREDIT_USD, SIGNUP_CREDIT_DAYS), or null for none. */
export function signUpCreditFromEnv(): SignUpCredit | null {
  const { SIGNUP_CREDIT_USD: amountNano, SIGNUP_CREDIT_DAYS: days } = env();
  return amountNano > 0n ? { amountNano, days } : null;
}

/**
 * Creates the person and their personal team, of which they are the owner, with the sign-up
 * credit if there is one. When email verification is required, the account starts unconfirmed
 * and a confirmation link is mailed, unless the person came through an invitation to this very
 * address (receiving it proved the address).
 */
export async function signUp(ctx: ServiceContext, rawInput: SignUpInput, options: SignUpOptions = {}): Promise<SignUpResult> {
  const credit = options.signUpCredit === undefined ? signUpCreditFromEnv() : options.signUpCredit;
  const requireVerification = options.requireEmailVerification ?? emailVerificationRequiredFromEnv();
  const input = signUpInput.parse(rawInput);
  const passwordHash = await hashPassword(input.password);
  const invitedEmail = input.invitationToken ? await invitationEmailForToken(ctx.db, input.invitationToken, ctx.now()) : null;
  const provedByInvitation = invitedEmail?.toLowerCase() === input.email;
  let created: { result: SignUpResult; mailId: string | null };
  try {
    created = await ctx.db.transaction(async (tx) => {
      const existing = await tx
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = ${input.email}`)
        .limit(1);
      if (existing.length > 0) throw AppError.field("CONFLICT", "email", EMAIL_TAKEN);

      const userId = newId("usr");
      const now = ctx.now();
      await tx.insert(users).values({
        id: userId,
        email: input.email,
        name: input.name,
        passwordHash,
        emailVerifiedAt: provedByInvitation ? now : null,
        createdAt: now,
        updatedAt: now,
      });
      await recordAuditEvent(tx, ctx, {
        teamId: null,
        action: "user.signed_up",
        target: { type: "user", id: userId },
        metadata: provedByInvitation ? { method: "password", emailVerifiedBy: "invitation" } : { method: "password" },
        actorId: userId,
      });
      const team = await insertTeamWithOwner(tx, ctx, userId, personalTeamName(input.name));
      if (credit) await grantSignUpCredit(tx, ctx, team.id, credit);
      const mustVerifyEmail = requireVerification && !provedByInvitation;
      const mailId = mustVerifyEmail
        ? await queueVerificationMail(tx, { id: userId, email: input.email, name: input.name }, now)
        : null;
      return { result: { userId, team, mustVerifyEmail }, mailId };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) throw AppError.field("CONFLICT", "email", EMAIL_TAKEN);
    throw error;
  }
  if (created.mailId) await deliverAfterCommit(ctx, [created.mailId], options);
  return created.result;
}

export function personalTeamName(personName: string): string {
  const first = personName.trim().split(/\s+/)[0] ?? personName;
  return `${first}'s team`.slice(0, 64);
}
