import { and, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db, Tx } from "@/server/db";
import { apiKeys, users, type ApiKeyScope } from "@/server/db/schema";
import { requireScope, type TeamContext } from "../context";
import { AppError } from "../errors";
import { keyIdInput, type KeyIdInput } from "./schemas";

/**
 * - active:   usable;
 * - expiring: rotated, and the previous secret still works until `previousSecretExpiresAt`;
 * - expired:  past `expiresAt`;
 * - revoked:  revoked by someone; final.
 */
export type ApiKeyStatus = "active" | "expiring" | "expired" | "revoked";

/** An API key as the console sees it: never the secret, never a hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  /** `cc_sk_AbCd…wXyZ`: enough to tell keys apart, useless to an attacker. */
  hint: string;
  scopes: ApiKeyScope[];
  /** Model ids this key may call; null means every model. */
  modelAllowlist: string[] | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  monthlySpendLimitNano: bigint | null;
  expiresAt: Date | null;
  createdAt: Date;
  createdBy: { id: string; name: string | null } | null;
  lastUsedAt: Date | null;
  rotatedAt: Date | null;
  /** Until when the secret replaced by the last rotation keeps working; null once it no longer does. */
  previousSecretExpiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: { id: string; name: string | null } | null;
  status: ApiKeyStatus;
}

const creator = alias(users, "key_creator");
const revoker = alias(users, "key_revoker");

const viewColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  hint: apiKeys.hint,
  scopes: apiKeys.scopes,
  modelAllowlist: apiKeys.modelAllowlist,
  requestsPerMinute: apiKeys.requestsPerMinute,
  tokensPerMinute: apiKeys.tokensPerMinute,
  monthlySpendLimitNano: apiKeys.monthlySpendLimitNano,
  expiresAt: apiKeys.expiresAt,
  createdAt: apiKeys.createdAt,
  createdById: apiKeys.createdBy,
  createdByName: creator.name,
  lastUsedAt: apiKeys.lastUsedAt,
  rotatedAt: apiKeys.rotatedAt,
  previousExpiresAt: apiKeys.previousExpiresAt,
  revokedAt: apiKeys.revokedAt,
  revokedById: apiKeys.revokedBy,
  revokedByName: revoker.name,
};

function selectViews(db: Db | Tx) {
  return db
    .select(viewColumns)
    .from(apiKeys)
    .leftJoin(creator, eq(creator.id, apiKeys.createdBy))
    .leftJoin(revoker, eq(revoker.id, apiKeys.revokedBy));
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof selectViews>["execute"]>>[number];

export function keyStatus(
  key: { revokedAt: Date | null; expiresAt: Date | null; previousExpiresAt: Date | null },
  now: Date,
): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt <= now) return "expired";
  if (key.previousExpiresAt && key.previousExpiresAt > now) return "expiring";
  return "active";
}

function toView(row: ViewRow, now: Date): ApiKeyView {
  const { createdById, createdByName, revokedById, revokedByName, previousExpiresAt, ...rest } = row;
  const status = keyStatus(row, now);
  return {
    ...rest,
    createdBy: createdById ? { id: createdById, name: createdByName } : null,
    revokedBy: revokedById ? { id: revokedById, name: revokedByName } : null,
    previousSecretExpiresAt: status === "expiring" ? previousExpiresAt : null,
    status,
  };
}

/** One key of the team, or null; for the service's own use after a change. */
export async function findKeyView(db: Db | Tx, teamId: string, keyId: string, now: Date): Promise<ApiKeyView | null> {
  const [row] = await selectViews(db)
    .where(and(eq(apiKeys.teamId, teamId), eq(apiKeys.id, keyId)))
    .limit(1);
  return row ? toView(row, now) : null;
}

export const KEY_NOT_FOUND = "API key not found.";

/** The team's keys, newest first, revoked ones included (they stay listed for the record). */
export async function listKeys(ctx: TeamContext): Promise<ApiKeyView[]> {
  requireScope(ctx, "keys:read");
  const now = ctx.now();
  const rows = await selectViews(ctx.db)
    .where(eq(apiKeys.teamId, ctx.team.id))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map((row) => toView(row, now));
}

export async function getKey(ctx: TeamContext, rawInput: KeyIdInput): Promise<ApiKeyView> {
  requireScope(ctx, "keys:read");
  const { keyId } = keyIdInput.parse(rawInput);
  const key = await findKeyView(ctx.db, ctx.team.id, keyId, ctx.now());
  if (!key) throw new AppError("NOT_FOUND", KEY_NOT_FOUND);
  return key;
}
