/**
 * The one table of who may do what inside a team. Procedures declare the scope they need;
 * services refuse regardless of which door a call came through; the UI hides what a role lacks.
 * Later capabilities add scopes here and nowhere else.
 */
export const ROLES = ["owner", "admin", "developer", "billing", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_SCOPES = {
  owner: ["team:read", "team:write", "members:write", "ownership:transfer", "audit:read", "models:read", "keys:read", "keys:write", "inference", "usage:read", "billing:write", "compute:read", "compute:write"],
  admin: ["team:read", "team:write", "members:write", "audit:read", "models:read", "keys:read", "keys:write", "inference", "usage:read", "billing:write", "compute:read", "compute:write"],
  developer: ["team:read", "models:read", "keys:read", "keys:write", "inference", "usage:read", "compute:read", "compute:write"],
  billing: ["team:read", "models:read", "keys:read", "usage:read", "billing:write", "compute:read"],
  viewer: ["team:read", "models:read", "keys:read", "compute:read"],
} as const satisfies Record<Role, readonly string[]>;

export type Scope = (typeof ROLE_SCOPES)[Role][number];

export const ALL_SCOPES: readonly Scope[] = [...new Set(Object.values(ROLE_SCOPES).flat())];

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  developer: "Developer",
  billing: "Billing",
  viewer: "Viewer",
};

export function hasScope(role: Role, scope: Scope): boolean {
  return (ROLE_SCOPES[role] as readonly Scope[]).includes(scope);
}

export function scopesOf(role: Role): readonly Scope[] {
  return ROLE_SCOPES[role];
}

/** 0 for owner, growing as roles lose power (the order of ROLES). */
export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** Whether someone with `granter`'s role may give `role` to a person: never a role above their own. */
export function mayGrant(granter: Role, role: Role): boolean {
  return roleRank(role) >= roleRank(granter);
}
