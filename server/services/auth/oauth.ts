import { eq, sql } from "drizzle-orm";
import { newId } from "@/server/db/ids";
import { users } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { grantSignUpCredit } from "../billing/credits";
import type { ServiceContext } from "../context";
import { AppError } from "../errors";
import { insertTeamWithOwner } from "../teams/create-team";
import { personalTeamName, signUpCreditFromEnv } from "./sign-up";

export interface OAuthProfile {
  provider: "github" | "google";
  email: string | null | undefined;
  emailVerified: boolean;
  name: string | null | undefined;
  image: string | null | undefined;
}

/**
 * Finds the account for a GitHub or Google sign-in by its verified email, or creates it with a
 * personal team. Returns our user id, which becomes the session's subject.
 */
export async function signInWithOAuth(ctx: ServiceContext, profile: OAuthProfile): Promise<string> {
  const email = profile.email?.trim().toLowerCase();
  if (!email || !profile.emailVerified) {
    throw new AppError("UNAUTHORIZED", `Your ${profile.provider} account has no verified email address.`);
  }
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: users.id, emailVerifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`)
      .limit(1);
    const now = ctx.now();
    let userId = existing?.id;
    if (existing && !existing.emailVerifiedAt) {
      // The provider vouches for the address: it counts as confirmed from now on.
      await tx.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, existing.id));
      await recordAuditEvent(tx, ctx, {
        teamId: null,
        action: "user.email_verified",
        target: { type: "user", id: existing.id },
        metadata: { method: profile.provider },
        actorId: existing.id,
      });
    }
    if (!userId) {
      userId = newId("usr");
      const name = (profile.name?.trim() || email.split("@")[0]!).slice(0, 100);
      await tx.insert(users).values({
        id: userId,
        email,
        name,
        image: profile.image ?? null,
        emailVerifiedAt: now,
        createdAt: now,
        updatedAt: now,
      });
      await recordAuditEvent(tx, ctx, {
        teamId: null,
        action: "user.signed_up",
        target: { type: "user", id: userId },
        metadata: { method: profile.provider },
        actorId: userId,
      });
      const team = await insertTeamWithOwner(tx, ctx, userId, personalTeamName(name));
      const credit = signUpCreditFromEnv();
      if (credit) await grantSignUpCredit(tx, ctx, team.id, credit);
    }
    await recordAuditEvent(tx, ctx, {
      teamId: null,
      action: "auth.signed_in",
      target: { type: "user", id: userId },
      metadata: { method: profile.provider },
      actorId: userId,
    });
    return userId;
  });
}
