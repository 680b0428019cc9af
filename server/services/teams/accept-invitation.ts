import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/server/db";
import { invitations, memberships, teams, users } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { hashMailToken, isMailTokenShaped } from "../auth/mail-tokens";
import { userIdOf, type ServiceContext, type TeamRef } from "../context";
import { AppError } from "../errors";
import {
  invitationStatus,
  invitationTokenInput,
  invitationTokenOfPath,
  type InvitationStatus,
  type InvitationTokenInput,
} from "./invitation-schemas";
import type { Role } from "./permissions";

/*
 * The invitee's side of an invitation: what a link is about, and joining through it. The team's
 * side (invite, list, resend, revoke) is in invitations.ts.
 */

const LINK_NOT_VALID =
  "This invitation link is not valid. It may have been mistyped, or replaced by a newer invitation: use the link in the latest mail, or ask a team admin to send it again.";
const LINK_EXPIRED = "This invitation has expired. Ask a team admin to resend it.";
const LINK_REVOKED = "This invitation was revoked. Ask a team admin for a new one.";
const LINK_USED = "This invitation has already been used. Each invitation link works once.";

export interface InvitationPreview {
  teamName: string;
  inviterName: string | null;
  email: string;
  role: Role;
  status: InvitationStatus;
}

/**
 * The email of a pending invitation (not accepted, not revoked, not expired) whose link carries
 * `token`, or null. Sign-up uses it: following the link proves the person reads that mailbox.
 */
export async function invitationEmailForToken(db: Db, token: string, now: Date): Promise<string | null> {
  if (!isMailTokenShaped(token)) return null;
  const [row] = await db
    .select({ email: invitations.email })
    .from(invitations)
    .where(
      and(
        eq(invitations.tokenHash, hashMailToken(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .limit(1);
  return row?.email ?? null;
}

/**
 * The invited email when `path` (the callbackUrl of sign-in or sign-up) is the page of a pending
 * invitation, so those forms can fill it in; null for any other path.
 */
export async function invitedEmailForPath(db: Db, path: string | null, now: Date): Promise<string | null> {
  const token = invitationTokenOfPath(path);
  return token ? invitationEmailForToken(db, token, now) : null;
}

/**
 * What an invitation link is about, for whoever holds it (signed in or not): the link is the
 * secret. Null for a malformed or unknown token, including one replaced by a resend.
 */
export async function previewInvitation(db: Db, token: string, now: Date): Promise<InvitationPreview | null> {
  if (!isMailTokenShaped(token)) return null;
  const [row] = await db
    .select({
      teamName: teams.name,
      inviterName: users.name,
      email: invitations.email,
      role: invitations.role,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .innerJoin(teams, eq(teams.id, invitations.teamId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(eq(invitations.tokenHash, hashMailToken(token)))
    .limit(1);
  if (!row) return null;
  return { teamName: row.teamName, inviterName: row.inviterName, email: row.email, role: row.role, status: invitationStatus(row, now) };
}

function refusalFor(status: InvitationStatus): AppError {
  if (status === "accepted") return new AppError("CONFLICT", LINK_USED);
  if (status === "revoked") return new AppError("CONFLICT", LINK_REVOKED);
  return new AppError("CONFLICT", LINK_EXPIRED);
}

/**
 * Joins the team of the invitation as the signed-in person, whose email must be the invited one.
 * The token is consumed by one conditional UPDATE, so of two concurrent accepts exactly one wins.
 * Someone already a member keeps their role; the invitation is used up either way.
 */
export async function acceptInvitation(ctx: ServiceContext, rawInput: InvitationTokenInput): Promise<{ team: TeamRef }> {
  const userId = userIdOf(ctx);
  const { token } = invitationTokenInput.parse(rawInput);
  if (!isMailTokenShaped(token)) throw new AppError("NOT_FOUND", LINK_NOT_VALID);
  const hash = hashMailToken(token);
  const now = ctx.now();

  return ctx.db.transaction(async (tx) => {
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
    if (!user) throw new AppError("UNAUTHORIZED", "Your account no longer exists. Sign in again.");
    const [invitation] = await tx
      .select({
        id: invitations.id,
        teamId: invitations.teamId,
        email: invitations.email,
        role: invitations.role,
        acceptedAt: invitations.acceptedAt,
        revokedAt: invitations.revokedAt,
        expiresAt: invitations.expiresAt,
      })
      .from(invitations)
      .where(eq(invitations.tokenHash, hash))
      .limit(1);
    if (!invitation) throw new AppError("NOT_FOUND", LINK_NOT_VALID);
    const status = invitationStatus(invitation, now);
    if (status !== "pending") throw refusalFor(status);
    if (user.email.toLowerCase() !== invitation.email.toLowerCase()) {
      throw new AppError(
        "FORBIDDEN",
        `This invitation was sent to ${invitation.email}. You are signed in as ${user.email}: sign out, then sign in or sign up as ${invitation.email}.`,
      );
    }

    const [consumed] = await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: userId })
      .where(
        and(
          eq(invitations.id, invitation.id),
          eq(invitations.tokenHash, hash),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, now),
        ),
      )
      .returning({ id: invitations.id });
    if (!consumed) {
      // Accepted, revoked or resent between the read above and this UPDATE.
      const [latest] = await tx
        .select({ acceptedAt: invitations.acceptedAt, revokedAt: invitations.revokedAt, expiresAt: invitations.expiresAt, tokenHash: invitations.tokenHash })
        .from(invitations)
        .where(eq(invitations.id, invitation.id))
        .limit(1);
      if (!latest || latest.tokenHash !== hash) throw new AppError("NOT_FOUND", LINK_NOT_VALID);
      throw refusalFor(invitationStatus(latest, now) === "pending" ? "accepted" : invitationStatus(latest, now));
    }

    const joined = await tx
      .insert(memberships)
      .values({ teamId: invitation.teamId, userId, role: invitation.role, createdAt: now })
      .onConflictDoNothing()
      .returning({ role: memberships.role });
    // Following the mailed link proved the address.
    await tx.update(users).set({ emailVerifiedAt: now }).where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
    await recordAuditEvent(tx, ctx, {
      teamId: invitation.teamId,
      action: "invitation.accepted",
      target: { type: "user", id: userId },
      metadata: { invitationId: invitation.id, email: invitation.email, role: invitation.role, alreadyMember: joined.length === 0 },
    });
    const [team] = await tx
      .select({ id: teams.id, slug: teams.slug, name: teams.name })
      .from(teams)
      .where(eq(teams.id, invitation.teamId))
      .limit(1);
    if (!team) throw new AppError("NOT_FOUND", "This team no longer exists.");
    return { team };
  });
}
