import type { ApiKeyScope } from "@/server/db/schema";
import { AppError } from "../errors";
import { hasScope } from "../teams/permissions";
import type { ServiceContext, TeamContext, TeamRef } from "../context";

export type ComputeScope = "compute:read" | "compute:write";

/**
 * Who acts on a team's compute, through whichever door: a signed-in member (the console) or an API
 * key (the public API). Services take this, check the scope with `requireCompute`, and record the
 * actor in audit events (a key is recorded as actor type `api_key`).
 */
export interface ComputeContext extends ServiceContext {
  actor: { type: "user"; userId: string } | { type: "api_key"; keyId: string };
  team: TeamRef;
  scopes: readonly ComputeScope[];
}

/** A member, with the compute scopes of their role. */
export function computeContextOf(ctx: TeamContext): ComputeContext {
  return { ...ctx, scopes: (["compute:read", "compute:write"] as const).filter((scope) => hasScope(ctx.role, scope)) };
}

/** An API key of the team: `instances:read` reads, `instances:write` reads and changes. */
export function computeContextOfKey(
  ctx: ServiceContext,
  key: { id: string; teamId: string; scopes: readonly (ApiKeyScope | string)[] },
  team: TeamRef,
): ComputeContext {
  const scopes: ComputeScope[] = [];
  if (key.scopes.includes("instances:read") || key.scopes.includes("instances:write")) scopes.push("compute:read");
  if (key.scopes.includes("instances:write")) scopes.push("compute:write");
  return { ...ctx, actor: { type: "api_key", keyId: key.id }, team, scopes };
}

export function requireCompute(ctx: ComputeContext, scope: ComputeScope): void {
  if (ctx.scopes.includes(scope)) return;
  throw new AppError(
    "FORBIDDEN",
    ctx.actor.type === "api_key"
      ? `This API key lacks the '${scope === "compute:write" ? "instances:write" : "instances:read"}' scope.`
      : "Your role does not allow this. Owners, admins and developers manage instances and reservations.",
  );
}

/** The member who acted, for `created_by` columns; null for an API key. */
export function actingUserId(ctx: ComputeContext): string | null {
  return ctx.actor.type === "user" ? ctx.actor.userId : null;
}
