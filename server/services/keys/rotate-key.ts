import { and, eq } from "drizzle-orm";
import { apiKeys } from "@/server/db/schema";
import { recordAuditEvent } from "../audit/record-audit-event";
import { requireScope, type TeamContext } from "../context";
import { AppError } from "../errors";
import { generateKey } from "./format";
import { findKeyView, KEY_NOT_FOUND, type ApiKeyView } from "./list-keys";
import { rotateKeyInput, type RotateKeyInput } from "./schemas";
import { forgetCachedKey } from "./verify-key";

export interface RotatedKey {
  key: ApiKeyView;
  /** The new secret, returned once. */
  secret: string;
}

/**
 * Gives a key a new secret. The old secret keeps working for the grace period (0: it stops at
 * once). Rotating again during a grace period ends the older secret's grace at once: only the
 * secret just replaced is kept.
 */
export async function rotateKey(ctx: TeamContext, rawInput: RotateKeyInput): Promise<RotatedKey> {
  requireScope(ctx, "keys:write");
  const input = rotateKeyInput.parse(rawInput);
  const now = ctx.now();
  const previousExpiresAt = new Date(now.getTime() + input.gracePeriodMinutes * 60_000);
  const next = generateKey();

  await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ id: apiKeys.id, name: apiKeys.name, hash: apiKeys.hash, revokedAt: apiKeys.revokedAt, expiresAt: apiKeys.expiresAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.teamId, ctx.team.id), eq(apiKeys.id, input.keyId)))
      .for("update");
    if (!current) throw new AppError("NOT_FOUND", KEY_NOT_FOUND);
    if (current.revokedAt) throw new AppError("CONFLICT", "This key is revoked and cannot be rotated. Create a new key.");
    if (current.expiresAt && current.expiresAt <= now) {
      throw new AppError("CONFLICT", "This key has expired and cannot be rotated. Create a new key.");
    }
    await tx
      .update(apiKeys)
      .set({ hash: next.hash, hint: next.hint, previousHash: current.hash, previousExpiresAt, rotatedAt: now })
      .where(and(eq(apiKeys.teamId, ctx.team.id), eq(apiKeys.id, current.id)));
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "key.rotated",
      target: { type: "api_key", id: current.id },
      metadata: {
        name: current.name,
        hint: next.hint,
        graceMinutes: input.gracePeriodMinutes,
        previousSecretExpiresAt: previousExpiresAt.toISOString(),
      },
    });
  });
  forgetCachedKey(input.keyId);

  const key = await findKeyView(ctx.db, ctx.team.id, input.keyId, now);
  if (!key) throw new AppError("NOT_FOUND", KEY_NOT_FOUND);
  return { key, secret: next.secret };
}
