import { and, asc, eq } from "drizzle-orm";
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

/**
 * Binds the context to a team, loading the caller's membership from the database on every call.
 * Someone who is not a member gets NOT_FOUND, exactly as if the team did not exist.
 */
export async function enterTeam(
  ctx: ServiceContext,
  by: { teamId: string } | { slug: string },
): Promise<TeamContext> {
  const userId = userIdOf(ctx);
  const [row] = await ctx.db
    .select({ id: teams.id, name: teams.name, slug: teams.slug, role: memberships.role })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(
      and(eq(memberships.userId, userId), "teamId" in by ? eq(teams.id, by.teamId) : eq(teams.slug, by.slug)),
    )
    .limit(1);
  if (!row) throw new AppError("NOT_FOUND", "Team not found.");
  return {
    ...ctx,
    actor: { type: "user", userId },
    team: { id: row.id, name: row.name, slug: row.slug },
    role: row.role,
  };
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
