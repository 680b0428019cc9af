import { eq, sql } from "drizzle-orm";
import { newId } from "@/server/db/ids";
import { users } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { grantSignUpCredit } from "../billing/credits";
import type { ServiceContext } from "../context";
import { AppError } from "../errors";
import { insertTeamWithOwner } from "../teams/create-team";
import { endSessionsBefore } from "./sessions";
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
 * personal team. Returns our user id, which becomes the session's subject. An account whose
 * address nobody had confirmed loses the password it was opened with (see below).
 */
export async function signInWithOAuth(ctx: ServiceContext, profile: OAuthProfile): Promise<string> {
  const email = profile.email?.trim().toLowerCase();
  if (!email || !profile.emailVerified) {
    throw new AppError("UNAUTHORIZED", `Your ${profile.provider} account has no verified email address.`);
  }
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: users.id, emailVerifiedAt: users.emailVerifiedAt, hasPassword: sql<boolean>`${users.passwordHash} is not null` })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`)
      .limit(1);
    const now = ctx.now();
    let userId = existing?.id;
    if (existing && !existing.emailVerifiedAt) {
      // The provider vouches for the address: it counts as confirmed from now on. A password set
      // before anyone confirmed the address may be someone else's (an account opened in the
      // owner's name, waiting for them), so it goes, and every session signed in with it ends.
      const removePassword = existing.hasPassword;
      await tx
        .update(users)
        .set({ emailVerifiedAt: now, updatedAt: now, ...(removePassword ? { passwordHash: null, ...endSessionsBefore(now) } : {}) })
        .where(eq(users.id, existing.id));
      await recordAuditEvent(tx, ctx, {
        teamId: null,
        action: "user.email_verified",
        target: { type: "user", id: existing.id },
        metadata: { method: profile.provider, ...(removePassword ? { passwordRemoved: true } : {}) },
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
