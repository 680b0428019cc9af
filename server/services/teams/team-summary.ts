import { and, count, eq } from "drizzle-orm";
import { apiKeys, auditEvents, instances, memberships, sshKeys, teams, usageEvents } from "@/server/db/schema";
import { requireScope, type TeamContext } from "../context";

export interface TeamSummary {
  memberCount: number;
  createdAt: Date;
  /** Whether anyone has renamed the team or changed its URL since it was created. */
  renamed: boolean;
  /** First steps taken, for the overview's checklist. */
  triedPlayground: boolean;
  hasApiKey: boolean;
  hasSshKey: boolean;
  launchedInstance: boolean;
}

export async function getTeamSummary(ctx: TeamContext): Promise<TeamSummary> {
  requireScope(ctx, "team:read");
  const teamId = ctx.team.id;
  const [[members], [team], [updated], [playground], [key], [ssh], [instance]] = await Promise.all([
    ctx.db.select({ n: count() }).from(memberships).where(eq(memberships.teamId, ctx.team.id)),
    ctx.db.select({ createdAt: teams.createdAt }).from(teams).where(eq(teams.id, ctx.team.id)),
    ctx.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.teamId, ctx.team.id), eq(auditEvents.action, "team.updated")))
      .limit(1),
    ctx.db.select({ id: usageEvents.id }).from(usageEvents).where(and(eq(usageEvents.teamId, teamId), eq(usageEvents.source, "playground"))).limit(1),
    ctx.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.teamId, teamId)).limit(1),
    ctx.db.select({ id: sshKeys.id }).from(sshKeys).where(eq(sshKeys.teamId, teamId)).limit(1),
    ctx.db.select({ id: instances.id }).from(instances).where(eq(instances.teamId, teamId)).limit(1),
  ]);
  return {
    memberCount: members?.n ?? 0,
    createdAt: team?.createdAt ?? ctx.now(),
    renamed: Boolean(updated),
    triedPlayground: Boolean(playground),
    hasApiKey: Boolean(key),
    hasSshKey: Boolean(ssh),
    launchedInstance: Boolean(instance),
  };
}
