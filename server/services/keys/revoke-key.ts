import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { requireScope, type TeamContext } from "../context";
import { AppError } from "../errors";
import { findKeyView, KEY_NOT_FOUND, type ApiKeyView } from "./list-keys";
import { keyIdInput, type KeyIdInput } from "./schemas";
import { forgetCachedKey } from "./verify-key";

/**
 * Revokes a key for good. Gateways stop accepting it within a second (their cache lives one
 * second; this process forgets it at once). Revoking twice is a CONFLICT, so nobody believes a
 * second click did something.
 */
export async function revokeKey(ctx: TeamContext, rawInput: KeyIdInput): Promise<ApiKeyView> {
  requireScope(ctx, "keys:write");
  const { keyId } = keyIdInput.parse(rawInput);
  const now = ctx.now();

  await ctx.db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: now, revokedBy: ctx.actor.userId })
      .where(and(eq(apiKeys.teamId, ctx.team.id), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id, name: apiKeys.name, hint: apiKeys.hint });
    if (!revoked) {
      const [exists] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.teamId, ctx.team.id), eq(apiKeys.id, keyId)));
      if (exists) throw new AppError("CONFLICT", "This key is already revoked.");
      throw new AppError("NOT_FOUND", KEY_NOT_FOUND);
    }
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "key.revoked",
      target: { type: "api_key", id: revoked.id },
      metadata: { name: revoked.name, hint: revoked.hint },
    });
  });
  forgetCachedKey(keyId);

  const key = await findKeyView(ctx.db, ctx.team.id, keyId, now);
  if (!key) throw new AppError("NOT_FOUND", KEY_NOT_FOUND);
  return key;
}
