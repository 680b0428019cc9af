import { inArray } from "drizzle-orm";
import type { Db } from "@/server/db";
import { newId } from "@/server/db/ids";
import { apiKeys, models } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { requireScope, type TeamContext } from "../context";
import { AppError } from "../errors";
import { generateKey } from "./format";
import { findKeyView, type ApiKeyView } from "./list-keys";
import { createKeyInput, usdToNano, type CreateKeyInput } from "./schemas";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CreatedKey {
  key: ApiKeyView;
  /** The full secret. Returned here and nowhere else, ever: only its hash is stored. */
  secret: string;
}

export async function createKey(ctx: TeamContext, rawInput: CreateKeyInput): Promise<CreatedKey> {
  requireScope(ctx, "keys:write");
  const input = createKeyInput.parse(rawInput);
  const now = ctx.now();

  if (input.expiresAt && input.expiresAt <= now) {
    throw AppError.field("BAD_REQUEST", "expiresAt", "Choose an expiry time in the future.");
  }
  const expiresAt =
    input.expiresAt ?? (input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null);
  const modelAllowlist = input.modelAllowlist?.length ? input.modelAllowlist : null;
  if (modelAllowlist) await requireKnownModels(ctx.db, modelAllowlist);
  const monthlySpendLimitNano = input.monthlySpendLimitUsd ? usdToNano(input.monthlySpendLimitUsd) : null;

  const id = newId("key");
  const { secret, hash, hint } = generateKey();
  await ctx.db.transaction(async (tx) => {
    await tx.insert(apiKeys).values({
      id,
      teamId: ctx.team.id,
      name: input.name,
      hash,
      hint,
      scopes: input.scopes,
      modelAllowlist,
      requestsPerMinute: input.requestsPerMinute ?? null,
      tokensPerMinute: input.tokensPerMinute ?? null,
      monthlySpendLimitNano,
      expiresAt,
      createdBy: ctx.actor.userId,
      createdAt: now,
    });
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "key.created",
      target: { type: "api_key", id },
      metadata: {
        name: input.name,
        hint,
        scopes: input.scopes,
        expiresAt: expiresAt?.toISOString() ?? null,
        modelAllowlist,
        requestsPerMinute: input.requestsPerMinute ?? null,
        tokensPerMinute: input.tokensPerMinute ?? null,
        monthlySpendLimitNano: monthlySpendLimitNano?.toString() ?? null,
      },
    });
  });

  const key = await findKeyView(ctx.db, ctx.team.id, id, now);
  if (!key) throw new AppError("INTERNAL", "The new key could not be read back.");
  return { key, secret };
}

/** Every id must be in the model catalog; otherwise a field error naming the unknown ones. */
async function requireKnownModels(db: Db, ids: string[]): Promise<void> {
  const found = await db.select({ id: models.id }).from(models).where(inArray(models.id, ids));
  const known = new Set(found.map((m) => m.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  const message = unknown.length === 1 ? `Unknown model: ${unknown[0]}` : `Unknown models: ${unknown.join(", ")}`;
  throw AppError.field("BAD_REQUEST", "modelAllowlist", message);
}
