import { and, eq } from "drizzle-orm";
import { isUniqueViolation } from "@/server/db/errors";
import { teams } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { requireScope, type TeamContext, type TeamRef } from "../context";
import { AppError } from "../errors";
import { updateTeamInput, type UpdateTeamInput } from "./schemas";

export async function updateTeam(ctx: TeamContext, rawInput: UpdateTeamInput): Promise<TeamRef> {
  requireScope(ctx, "team:write");
  const input = updateTeamInput.parse(rawInput);
  const changes: Partial<Pick<TeamRef, "name" | "slug">> = {};
  if (input.name !== undefined && input.name !== ctx.team.name) changes.name = input.name;
  if (input.slug !== undefined && input.slug !== ctx.team.slug) changes.slug = input.slug;
  if (Object.keys(changes).length === 0) return ctx.team;

  try {
    return await ctx.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(teams)
        .set({ ...changes, updatedAt: ctx.now() })
        .where(and(eq(teams.id, ctx.team.id)))
        .returning({ id: teams.id, name: teams.name, slug: teams.slug });
      if (!updated) throw new AppError("NOT_FOUND", "Team not found.");
      await recordAuditEvent(tx, ctx, {
        teamId: ctx.team.id,
        action: "team.updated",
        target: { type: "team", id: ctx.team.id },
        metadata: Object.fromEntries(
          Object.entries(changes).map(([key, value]) => [key, { from: ctx.team[key as keyof typeof changes], to: value }]),
        ),
      });
      return updated;
    });
  } catch (error) {
    if (isUniqueViolation(error, "teams_slug_key")) {
      throw AppError.field("CONFLICT", "slug", "This URL is taken. Choose another.");
    }
    throw error;
  }
}
