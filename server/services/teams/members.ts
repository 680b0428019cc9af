import { and, asc, count, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/server/db";
import { apiKeys, memberships, users } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { requireScope, type TeamContext, type TeamRef } from "../context";
import { AppError } from "../errors";
import { forgetRevokedKeys, revokeKeysInTransaction } from "../keys/revoke-key";
import { mayGrant, ROLE_LABELS, roleRank, ROLES, type Role } from "./permissions";

/**
 * The people of a team and what admins do to them: change a role, remove someone, leave, hand
 * over ownership. Every change locks the team's membership rows first, so that the rules that
 * depend on the whole team (the last owner stays) hold under concurrent requests.
 */

export const MEMBER_NOT_FOUND = "Member not found.";

export const memberIdInput = z.object({ memberId: z.string().trim().min(1, "Choose a member.").max(64) });
export type MemberIdInput = z.input<typeof memberIdInput>;

export const changeMemberRoleInput = memberIdInput.extend({ role: z.enum(ROLES, { error: "Choose a role." }) });
export type ChangeMemberRoleInput = z.input<typeof changeMemberRoleInput>;

export const removeMemberInput = memberIdInput.extend({
  /** Also revoke the API keys this member created in the team, in the same transaction. */
  revokeKeys: z.boolean().default(false),
});
export type RemoveMemberInput = z.input<typeof removeMemberInput>;

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  image: string | null;
  role: Role;
  joinedAt: Date;
  /** The member's latest request to the team, to within five minutes; null if none since this was recorded. */
  lastActiveAt: Date | null;
  isYou: boolean;
  /** Keys this member created in the team that are not revoked: what removing them may revoke. */
  activeKeyCount: number;
}

/** Everyone in the team: owners first, then by role, then by name. */
export async function listMembers(ctx: TeamContext): Promise<MemberView[]> {
  requireScope(ctx, "team:read");
  const [rows, keyCounts] = await Promise.all([
    ctx.db
      .select({
        userId: memberships.userId,
        name: users.name,
        email: users.email,
        image: users.image,
        role: memberships.role,
        joinedAt: memberships.createdAt,
        lastActiveAt: memberships.lastActiveAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.teamId, ctx.team.id)),
    ctx.db
      .select({ createdBy: apiKeys.createdBy, n: count() })
      .from(apiKeys)
      .where(and(eq(apiKeys.teamId, ctx.team.id), isNull(apiKeys.revokedAt)))
      .groupBy(apiKeys.createdBy),
  ]);
  const keysBy = new Map(keyCounts.map((k) => [k.createdBy, k.n]));
  return rows
    .map((row) => ({
      ...row,
      isYou: row.userId === ctx.actor.userId,
      activeKeyCount: keysBy.get(row.userId) ?? 0,
    }))
    .sort(
      (a, b) =>
        roleRank(a.role) - roleRank(b.role) ||
        a.name.localeCompare(b.name, "en", { sensitivity: "base" }) ||
        a.email.localeCompare(b.email),
    );
}

export interface MemberChange {
  userId: string;
  name: string;
  email: string;
  role: Role;
  previousRole: Role;
}

/**
 * Gives a member another role. Nobody grants a role above their own, nobody changes the role of
 * someone ranked above them, and the last owner stays an owner. The same role again is a no-op.
 */
export async function changeMemberRole(ctx: TeamContext, rawInput: ChangeMemberRoleInput): Promise<MemberChange> {
  requireScope(ctx, "members:write");
  const { memberId, role } = changeMemberRoleInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const team = await lockTeamMembers(tx, ctx, "members:write");
    const target = team.member(memberId);
    refuseIfAbove(team.me, target, "change their role");
    if (!mayGrant(team.me.role, role)) {
      throw AppError.field(
        "FORBIDDEN",
        "role",
        `You can give roles up to ${ROLE_LABELS[team.me.role]}, your own role. Ask an owner to make someone ${ROLE_LABELS[role]}.`,
      );
    }
    const change = { userId: target.userId, name: target.name, email: target.email, role, previousRole: target.role };
    if (target.role === role) return change;
    if (target.role === "owner") team.refuseIfLastOwner(target, "demote");

    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.teamId, ctx.team.id), eq(memberships.userId, target.userId)));
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "member.role_changed",
      target: { type: "user", id: target.userId },
      metadata: { from: target.role, to: role, name: target.name, email: target.email },
    });
    return change;
  });
}

export interface RemovedMember {
  userId: string;
  name: string;
  email: string;
  role: Role;
  keysRevoked: number;
}

/**
 * Takes someone out of the team; their next request to it is refused, whatever session they hold,
 * because every door loads the membership again (enterTeam). With `revokeKeys`, the keys they
 * created in the team are revoked in the same transaction.
 */
export async function removeMember(ctx: TeamContext, rawInput: RemoveMemberInput): Promise<RemovedMember> {
  requireScope(ctx, "members:write");
  const { memberId, revokeKeys } = removeMemberInput.parse(rawInput);
  if (memberId === ctx.actor.userId) {
    throw new AppError("BAD_REQUEST", "You cannot remove yourself. To leave this team, use Leave team.");
  }
  const removed = await ctx.db.transaction(async (tx) => {
    const team = await lockTeamMembers(tx, ctx, "members:write");
    const target = team.member(memberId);
    refuseIfAbove(team.me, target, "remove them");
    if (target.role === "owner") team.refuseIfLastOwner(target, "remove");

    const revoked = revokeKeys
      ? await revokeKeysInTransaction(tx, ctx, { createdBy: target.userId }, { reason: "member.removed", member: target.email })
      : [];
    await tx.delete(memberships).where(and(eq(memberships.teamId, ctx.team.id), eq(memberships.userId, target.userId)));
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "member.removed",
      target: { type: "user", id: target.userId },
      metadata: { name: target.name, email: target.email, role: target.role, keysRevoked: revoked.length },
    });
    return { target, revokedIds: revoked.map((k) => k.id) };
  });
  forgetRevokedKeys(removed.revokedIds);
  const { userId, name, email, role } = removed.target;
  return { userId, name, email, role, keysRevoked: removed.revokedIds.length };
}

/** The caller leaves the team. The last owner cannot: the team would have nobody to run it. */
export async function leaveTeam(ctx: TeamContext): Promise<{ team: TeamRef }> {
  requireScope(ctx, "team:read");
  await ctx.db.transaction(async (tx) => {
    const team = await lockTeamMembers(tx, ctx, "team:read");
    if (team.me.role === "owner") team.refuseIfLastOwner(team.me, "leave");
    await tx.delete(memberships).where(and(eq(memberships.teamId, ctx.team.id), eq(memberships.userId, team.me.userId)));
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "member.left",
      target: { type: "user", id: team.me.userId },
      metadata: { name: team.me.name, email: team.me.email, role: team.me.role },
    });
  });
  return { team: ctx.team };
}

/** Makes another member owner and the caller admin, in one transaction. */
export async function transferOwnership(ctx: TeamContext, rawInput: MemberIdInput): Promise<MemberChange> {
  requireScope(ctx, "ownership:transfer");
  const { memberId } = memberIdInput.parse(rawInput);
  if (memberId === ctx.actor.userId) {
    throw new AppError("BAD_REQUEST", "You already own this team. Choose the member who should become owner.");
  }
  return ctx.db.transaction(async (tx) => {
    const team = await lockTeamMembers(tx, ctx, "ownership:transfer");
    const target = team.member(memberId);
    if (target.role === "owner") {
      throw new AppError(
        "CONFLICT",
        `${target.name} is already an owner of this team. To step down yourself, change your own role to Admin.`,
      );
    }
    await tx
      .update(memberships)
      .set({ role: "owner" })
      .where(and(eq(memberships.teamId, ctx.team.id), eq(memberships.userId, target.userId)));
    await tx
      .update(memberships)
      .set({ role: "admin" })
      .where(and(eq(memberships.teamId, ctx.team.id), eq(memberships.userId, team.me.userId)));
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "team.ownership_transferred",
      target: { type: "user", id: target.userId },
      metadata: {
        from: { userId: team.me.userId, name: team.me.name, email: team.me.email },
        to: { userId: target.userId, name: target.name, email: target.email, previousRole: target.role },
      },
    });
    return { userId: target.userId, name: target.name, email: target.email, role: "owner", previousRole: target.role };
  });
}

interface LockedMember {
  userId: string;
  role: Role;
  name: string;
  email: string;
}

/**
 * Locks every membership row of the team (in one order, so two changes never deadlock) and
 * reads them as committed now. The caller's role is checked again from the locked row: it may
 * have changed since enterTeam loaded it.
 */
async function lockTeamMembers(tx: Tx, ctx: TeamContext, scope: Parameters<typeof requireScope>[1]) {
  const rows: LockedMember[] = await tx
    .select({ userId: memberships.userId, role: memberships.role, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.teamId, ctx.team.id))
    .orderBy(asc(memberships.userId))
    .for("update", { of: memberships });
  const me = rows.find((r) => r.userId === ctx.actor.userId);
  if (!me) throw new AppError("NOT_FOUND", "Team not found.");
  requireScope({ ...ctx, role: me.role }, scope);
  const owners = rows.filter((r) => r.role === "owner");
  return {
    me,
    member(userId: string): LockedMember {
      const found = rows.find((r) => r.userId === userId);
      if (!found) throw new AppError("NOT_FOUND", MEMBER_NOT_FOUND);
      return found;
    },
    refuseIfLastOwner(owner: LockedMember, verb: "demote" | "remove" | "leave"): void {
      if (owners.length > 1) return;
      const message =
        verb === "leave"
          ? "You are this team's only owner. Make another member owner first (Make owner on the Members page), then leave."
          : `${owner.userId === me.userId ? "You are" : `${owner.name} is`} this team's only owner. Make someone else owner first, then ${verb === "demote" ? "change this role" : "remove them"}.`;
      throw new AppError("CONFLICT", message);
    },
  };
}

function refuseIfAbove(me: LockedMember, target: LockedMember, action: string): void {
  if (roleRank(target.role) < roleRank(me.role)) {
    throw new AppError(
      "FORBIDDEN",
      `${target.name} is ${article(target.role)} ${ROLE_LABELS[target.role]}, a role above yours (${ROLE_LABELS[me.role]}). Only an owner can ${action}.`,
    );
  }
}

function article(role: Role): string {
  return role === "owner" || role === "admin" ? "an" : "a";
}
