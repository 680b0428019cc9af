import { eq } from "drizzle-orm";
import type { Tx } from "@/server/db";
import { isUniqueViolation } from "@/server/db/errors";
import { newId, randomBase62 } from "@/server/db/ids";
import { memberships, teams } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { userIdOf, type ServiceContext, type TeamRef } from "../context";
import { AppError } from "../errors";
import { createTeamInput, RESERVED_SLUGS, slugify, type CreateTeamInput } from "./schemas";

export async function createTeam(ctx: ServiceContext, rawInput: CreateTeamInput): Promise<TeamRef> {
  const input = createTeamInput.parse(rawInput);
  const userId = userIdOf(ctx);
  try {
    return await ctx.db.transaction((tx) => insertTeamWithOwner(tx, ctx, userId, input.name, input.slug));
  } catch (error) {
    if (isUniqueViolation(error, "teams_slug_key")) {
      throw AppError.field("CONFLICT", "slug", "This URL is taken. Choose another.");
    }
    throw error;
  }
}

/**
 * Creates a team owned by `userId` inside the caller's transaction. Without an explicit slug one is
 * derived from the name, with a short random suffix when the plain one is taken.
 */
export async function insertTeamWithOwner(
  tx: Tx,
  ctx: ServiceContext,
  userId: string,
  name: string,
  explicitSlug?: string,
): Promise<TeamRef> {
  const now = ctx.now();
  const team = { id: newId("team"), name, slug: explicitSlug ?? (await freeSlugFor(tx, name)) };
  try {
    // A savepoint, so that losing a race for a derived slug can be retried inside the transaction.
    await tx.transaction((sp) => sp.insert(teams).values({ ...team, createdAt: now, updatedAt: now }));
  } catch (error) {
    if (explicitSlug || !isUniqueViolation(error, "teams_slug_key")) throw error;
    team.slug = `${slugify(name)}-${randomBase62(6).toLowerCase()}`;
    await tx.insert(teams).values({ ...team, createdAt: now, updatedAt: now });
  }
  await tx.insert(memberships).values({ teamId: team.id, userId, role: "owner", createdAt: now });
  await recordAuditEvent(tx, ctx, {
    teamId: team.id,
    action: "team.created",
    target: { type: "team", id: team.id },
    metadata: { name, slug: team.slug },
    actorId: userId,
  });
  return team;
}

async function freeSlugFor(tx: Tx, name: string): Promise<string> {
  const base = slugify(name);
  if (!RESERVED_SLUGS.has(base)) {
    const taken = await tx.select({ id: teams.id }).from(teams).where(eq(teams.slug, base)).limit(1);
    if (taken.length === 0) return base;
  }
  return `${base}-${randomBase62(6).toLowerCase()}`;
}
