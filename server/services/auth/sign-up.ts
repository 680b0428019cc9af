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
import { hashPassword } from "./password";
import { signUpInput, type SignUpInput } from "./schemas";

const EMAIL_TAKEN = "An account with this email already exists. Sign in instead.";

export interface SignUpResult {
  userId: string;
  team: TeamRef;
}

/** The sign-up credit the operator configured (SIGNUP_CREDIT_USD, SIGNUP_CREDIT_DAYS), or null for none. */
export function signUpCreditFromEnv(): SignUpCredit | null {
  const { SIGNUP_CREDIT_USD: amountNano, SIGNUP_CREDIT_DAYS: days } = env();
  return amountNano > 0n ? { amountNano, days } : null;
}

/**
 * Creates the person and their personal team, of which they are the owner, with the sign-up
 * credit if there is one.
 */
export async function signUp(
  ctx: ServiceContext,
  rawInput: SignUpInput,
  options: { signUpCredit?: SignUpCredit | null } = {},
): Promise<SignUpResult> {
  const credit = options.signUpCredit === undefined ? signUpCreditFromEnv() : options.signUpCredit;
  const input = signUpInput.parse(rawInput);
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction(async (tx) => {
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
        createdAt: now,
        updatedAt: now,
      });
      await recordAuditEvent(tx, ctx, {
        teamId: null,
        action: "user.signed_up",
        target: { type: "user", id: userId },
        metadata: { method: "password" },
        actorId: userId,
      });
      const team = await insertTeamWithOwner(tx, ctx, userId, personalTeamName(input.name));
      if (credit) await grantSignUpCredit(tx, ctx, team.id, credit);
      return { userId, team };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) throw AppError.field("CONFLICT", "email", EMAIL_TAKEN);
    throw error;
  }
}

export function personalTeamName(personName: string): string {
  const first = personName.trim().split(/\s+/)[0] ?? personName;
  return `${first}'s team`.slice(0, 64);
}
