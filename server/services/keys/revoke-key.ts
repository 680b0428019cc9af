import { and, eq, isNull } from "drizzle-orm";
import type { Tx } from "@/server/db";
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

  const revokedIds = await ctx.db.transaction(async (tx) => {
    const revoked = await revokeKeysInTransaction(tx, ctx, { keyId });
    if (revoked.length === 0) {
      const [exists] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.teamId, ctx.team.id), eq(apiKeys.id, keyId)));
      if (exists) throw new AppError("CONFLICT", "This key is already revoked.");
      throw new AppError("NOT_FOUND", KEY_NOT_FOUND);
    }
    return revoked.map((key) => key.id);
  });
  forgetRevokedKeys(revokedIds);

  const key = await findKeyView(ctx.db, ctx.team.id, keyId, now);
  if (!key) throw new AppError("NOT_FOUND", KEY_NOT_FOUND);
  return key;
}

/** Which of the team's keys to revoke: one by id, or every key one person created. */
export type KeysToRevoke = { keyId: string } | { createdBy: string };

/**
 * The one way keys get revoked: inside the caller's transaction, only the team's keys that are not
 * revoked yet, with a key.revoked audit event for each (`metadata` adds why). After the
 * transaction commits, pass the ids to forgetRevokedKeys.
 */
export async function revokeKeysInTransaction(
  tx: Tx,
  ctx: TeamContext,
  which: KeysToRevoke,
  metadata: Record<string, unknown> = {},
): Promise<{ id: string; name: string; hint: string }[]> {
  const revoked = await tx
    .update(apiKeys)
    .set({ revokedAt: ctx.now(), revokedBy: ctx.actor.userId })
    .where(
      and(
        eq(apiKeys.teamId, ctx.team.id),
        "keyId" in which ? eq(apiKeys.id, which.keyId) : eq(apiKeys.createdBy, which.createdBy),
        isNull(apiKeys.revokedAt),
      ),
    )
    .returning({ id: apiKeys.id, name: apiKeys.name, hint: apiKeys.hint });
  for (const key of revoked) {
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "key.revoked",
      target: { type: "api_key", id: key.id },
      metadata: { name: key.name, hint: key.hint, ...metadata },
    });
  }
  return revoked;
}

/**
 * Makes this process refuse revoked keys at once, instead of when their cached lookups expire;
 * other processes' caches expire within a second. Call after the revoking transaction commits.
 */
export function forgetRevokedKeys(keyIds: readonly string[]): void {
  for (const keyId of keyIds) forgetCachedKey(keyId);
}
