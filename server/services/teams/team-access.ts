import { and, asc, eq, isNull, lte, or } from "drizzle-orm";
import { memberships, teams } from "@/server/db/schema";
import { userIdOf, type ServiceContext, type TeamContext } from "../context";
import { AppError } from "../errors";
import type { Role } from "./permissions";

export interface TeamMembership {
  id: string;
  name: string;
  slug: string;
  role: Role;
}

/** How stale `memberships.last_active_at` may get before a call writes it again. */
const LAST_ACTIVE_INTERVAL_MS = 5 * 60_000;

/**
 * Binds the context to a team, loading the caller's membership from the database on every call.
 * Someone who is not a member gets NOT_FOUND, exactly as if the team did not exist.
 * Also keeps the membership's last activity to within five minutes: most calls find it fresh and
 * write nothing; the update is conditional so that replicas racing on one member write once.
 */
export async function enterTeam(
  ctx: ServiceContext,
  by: { teamId: string } | { slug: string },
): Promise<TeamContext> {
  const userId = userIdOf(ctx);
  const [row] = await ctx.db
    .select({
      id: teams.id,
      name: teams.name,
      slug: teams.slug,
      role: memberships.role,
      lastActiveAt: memberships.lastActiveAt,
    })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(
      and(eq(memberships.userId, userId), "teamId" in by ? eq(teams.id, by.teamId) : eq(teams.slug, by.slug)),
    )
    .limit(1);
  if (!row) throw new AppError("NOT_FOUND", "Team not found.");
  const now = ctx.now();
  if (!row.lastActiveAt || now.getTime() - row.lastActiveAt.getTime() >= LAST_ACTIVE_INTERVAL_MS) {
    await touchLastActive(ctx, row.id, userId, now);
  }
  return {
    ...ctx,
    actor: { type: "user", userId },
    team: { id: row.id, name: row.name, slug: row.slug },
    role: row.role,
  };
}

async function touchLastActive(ctx: ServiceContext, teamId: string, userId: string, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - LAST_ACTIVE_INTERVAL_MS);
  await ctx.db
    .update(memberships)
    .set({ lastActiveAt: now })
    .where(
      and(
        eq(memberships.teamId, teamId),
        eq(memberships.userId, userId),
        or(isNull(memberships.lastActiveAt), lte(memberships.lastActiveAt, staleBefore)),
      ),
    );
}

/** The teams the signed-in person belongs to, oldest membership first. */
export async function listMyTeams(ctx: ServiceContext): Promise<TeamMembership[]> {
  const userId = userIdOf(ctx);
  return ctx.db
    .select({ id: teams.id, name: teams.name, slug: teams.slug, role: memberships.role })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(teams.name));
}
