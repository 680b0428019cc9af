import { hasScope, mayGrant, ROLES, roleRank, type Role } from "@/server/services/teams/permissions";

/**
 * What the signed-in person may do to one row of the members table, with the reason when not.
 * The same rules as server/services/teams/members.ts, so the console offers only what the server
 * allows; the server still decides.
 */

export interface MemberRow {
  userId: string;
  name: string;
  role: Role;
  isYou: boolean;
}

export type Permission = { allowed: true } | { allowed: false; reason: string };

export interface RowActions {
  changeRole: Permission;
  /** Null when the row is the caller's own: they leave instead. */
  remove: Permission | null;
  /** Shown to owners only, for members who are not owners yet. */
  makeOwner: boolean;
}

const ALLOWED: Permission = { allowed: true };

/** Roles the caller may give anyone: never above their own. */
export function grantableRoles(callerRole: Role): Role[] {
  return ROLES.filter((role) => mayGrant(callerRole, role));
}

/** Null when the caller's role cannot manage members at all. */
export function rowActions(callerRole: Role, row: MemberRow, ownerCount: number): RowActions | null {
  if (!hasScope(callerRole, "members:write")) return null;
  const above = roleRank(row.role) < roleRank(callerRole);
  const lastOwner = row.role === "owner" && ownerCount <= 1;
  const changeRole: Permission = above
    ? { allowed: false, reason: "Only an owner can change an owner's role." }
    : lastOwner
      ? {
          allowed: false,
          reason: row.isYou
            ? "You are the only owner. Make someone else owner first."
            : `${row.name} is the only owner. Make someone else owner first.`,
        }
      : ALLOWED;
  const remove: Permission | null = row.isYou
    ? null
    : above
      ? { allowed: false, reason: "Only an owner can remove an owner." }
      : ALLOWED;
  const makeOwner = hasScope(callerRole, "ownership:transfer") && !row.isYou && row.role !== "owner";
  return { changeRole, remove, makeOwner };
}

/** Why the caller cannot leave, or null when they can. */
export function leaveBlocker(callerRole: Role, ownerCount: number): string | null {
  return callerRole === "owner" && ownerCount <= 1
    ? "You are this team's only owner. Make another member owner first (Make owner in their row's menu), then leave."
    : null;
}

/**
 * "Just now" under five minutes (activity is recorded to within five), then "12 min ago",
 * "3 h ago", "4 days ago", and the date past a month; "Never" for no recorded activity.
 */
export function formatLastActive(value: Date | null, now: Date): string {
  if (!value) return "Never";
  const minutes = Math.floor((now.getTime() - value.getTime()) / 60_000);
  if (minutes < 5) return "Just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 30) return days === 1 ? "Yesterday" : `${days} days ago`;
  return new Intl.DateTimeFormat("en", { dateStyle: "medium" }).format(value);
}
