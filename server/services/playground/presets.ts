import { and, asc, count, eq, ne, sql } from "drizzle-orm";
import { playgroundPresets, teams, users } from "@/server/db/schema";
import { newId } from "@/server/db/ids";
import { recordAuditEvent } from "../audit/record-audit-event";
import { getModel } from "../catalog/models";
import { requireScope, type TeamContext } from "../context";
import { AppError } from "../errors";
import {
  MAX_PRESETS_PER_TEAM,
  presetIdInput,
  presetInput,
  type PresetIdInput,
  type PresetInput,
  type PresetParams,
  type PresetValues,
} from "./schemas";

export const PRESET_NOT_FOUND = "Preset not found.";

export interface PresetView {
  id: string;
  name: string;
  modelId: string;
  systemPrompt: string;
  params: PresetParams;
  createdAt: Date;
  updatedAt: Date;
  /** Null once the member who created it has deleted their account. */
  createdBy: { id: string; name: string } | null;
}

/**
 * The team's presets, by name case-insensitively (so "alpha" sits next to "Alpha"); ties break by
 * code point so that the order is the same whatever the database's collation.
 */
export async function listPresets(ctx: TeamContext): Promise<PresetView[]> {
  requireScope(ctx, "models:read");
  const rows = await ctx.db
    .select({
      id: playgroundPresets.id,
      name: playgroundPresets.name,
      modelId: playgroundPresets.modelId,
      systemPrompt: playgroundPresets.systemPrompt,
      params: playgroundPresets.params,
      createdAt: playgroundPresets.createdAt,
      updatedAt: playgroundPresets.updatedAt,
      createdById: users.id,
      createdByName: users.name,
    })
    .from(playgroundPresets)
    .leftJoin(users, eq(users.id, playgroundPresets.createdBy))
    .where(eq(playgroundPresets.teamId, ctx.team.id))
    .orderBy(asc(sql`lower(${playgroundPresets.name})`), asc(sql`${playgroundPresets.name} collate "C"`));
  return rows.map(({ createdById, createdByName, ...preset }) => ({
    ...preset,
    createdBy: createdById && createdByName !== null ? { id: createdById, name: createdByName } : null,
  }));
}

/**
 * Saves a preset under its name: a new one, or a replacement for the team's preset of that name
 * (which keeps its id and creator). The model must be in the catalog and serve chat, since the
 * playground only runs chat completions.
 */
export async function savePreset(ctx: TeamContext, rawInput: PresetInput): Promise<{ id: string; created: boolean }> {
  requireScope(ctx, "inference");
  const input = presetInput.parse(rawInput);
  await requireChatModel(ctx, input);
  const now = ctx.now();

  return ctx.db.transaction(async (tx) => {
    // Serialises saves within the team, so that two at once cannot both pass the limit check.
    // "no key update" rather than "update": it leaves other tables' foreign-key checks unblocked.
    await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, ctx.team.id)).for("no key update");
    const [others] = await tx
      .select({ n: count() })
      .from(playgroundPresets)
      .where(and(eq(playgroundPresets.teamId, ctx.team.id), ne(playgroundPresets.name, input.name)));
    if ((others?.n ?? 0) >= MAX_PRESETS_PER_TEAM) {
      throw new AppError(
        "CONFLICT",
        `A team can keep at most ${MAX_PRESETS_PER_TEAM} presets. Delete one, or save under an existing name to replace it.`,
      );
    }

    const [saved] = await tx
      .insert(playgroundPresets)
      .values({
        id: newId("pre"),
        teamId: ctx.team.id,
        name: input.name,
        modelId: input.modelId,
        systemPrompt: input.systemPrompt,
        params: input.params,
        createdBy: ctx.actor.userId,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [playgroundPresets.teamId, playgroundPresets.name],
        set: { modelId: input.modelId, systemPrompt: input.systemPrompt, params: input.params, updatedAt: now },
      })
      // xmax is 0 only on a freshly inserted row version; an upsert that updated has it set.
      .returning({ id: playgroundPresets.id, created: sql<boolean>`(xmax = 0)` });
    if (!saved) throw new AppError("INTERNAL", "The preset could not be saved.");

    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "playground.preset_saved",
      target: { type: "playground_preset", id: saved.id },
      metadata: { name: input.name, modelId: input.modelId, created: saved.created, params: input.params },
    });
    return { id: saved.id, created: saved.created };
  });
}

export async function deletePreset(ctx: TeamContext, rawInput: PresetIdInput): Promise<{ id: string }> {
  requireScope(ctx, "inference");
  const { presetId } = presetIdInput.parse(rawInput);

  return ctx.db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(playgroundPresets)
      .where(and(eq(playgroundPresets.teamId, ctx.team.id), eq(playgroundPresets.id, presetId)))
      .returning({ id: playgroundPresets.id, name: playgroundPresets.name, modelId: playgroundPresets.modelId });
    if (!deleted) throw new AppError("NOT_FOUND", PRESET_NOT_FOUND);
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "playground.preset_deleted",
      target: { type: "playground_preset", id: deleted.id },
      metadata: { name: deleted.name, modelId: deleted.modelId },
    });
    return { id: deleted.id };
  });
}

async function requireChatModel(ctx: TeamContext, input: PresetValues): Promise<void> {
  const model = await getModel(ctx.db, input.modelId);
  if (!model) throw AppError.field("BAD_REQUEST", "modelId", `Unknown model: ${input.modelId}`);
  if (!model.endpoints.includes("chat")) {
    throw AppError.field("BAD_REQUEST", "modelId", `${model.displayName} does not support chat. Choose a chat model.`);
  }
  // The gateway refuses such a request; better to say so when saving than on every run.
  const maxTokens = input.params.max_tokens;
  if (maxTokens !== null && maxTokens > model.maxOutputTokens) {
    throw AppError.field(
      "BAD_REQUEST",
      "params.max_tokens",
      `${model.displayName} produces at most ${model.maxOutputTokens.toLocaleString("en")} tokens per response.`,
    );
  }
}
