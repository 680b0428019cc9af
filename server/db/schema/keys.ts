import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { teams } from "./teams";

export type ApiKeyScope = "inference" | "instances:read" | "instances:write" | "usage:read";

/**
 * API keys. Only the SHA-256 hash of a secret is stored. Rotation moves the current hash to
 * `previous_hash`, which keeps working until `previous_expires_at` (the grace period).
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    hash: text("hash").notNull(),
    /** Shown in lists: the key's first and last characters, e.g. `cc_sk_4f…9Qz`. */
    hint: text("hint").notNull(),
    previousHash: text("previous_hash"),
    previousExpiresAt: timestamp("previous_expires_at", { withTimezone: true }),
    scopes: jsonb("scopes").$type<ApiKeyScope[]>().notNull(),
    /** Model ids this key may call; null means every model. */
    modelAllowlist: jsonb("model_allowlist").$type<string[]>(),
    requestsPerMinute: integer("requests_per_minute"),
    tokensPerMinute: integer("tokens_per_minute"),
    monthlySpendLimitNano: bigint("monthly_spend_limit_nano", { mode: "bigint" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: text("revoked_by"),
  },
  (t) => [
    uniqueIndex("api_keys_hash_key").on(t.hash),
    uniqueIndex("api_keys_previous_hash_key").on(t.previousHash).where(sql`${t.previousHash} is not null`),
    index("api_keys_team_created_idx").on(t.teamId, t.createdAt),
  ],
);

/**
 * Spend of one key in one UTC month: settled spend plus what in-flight requests have reserved.
 * A request reserves its maximum cost only if spent + reserved + max stays within the limit.
 */
export const apiKeySpend = pgTable(
  "api_key_spend",
  {
    teamId: text("team_id").notNull(),
    apiKeyId: text("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    /** First day of the UTC month, e.g. 2026-11-01. */
    month: text("month").notNull(),
    spentNano: bigint("spent_nano", { mode: "bigint" }).notNull().default(sql`0`),
    reservedNano: bigint("reserved_nano", { mode: "bigint" }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.month] }), index("api_key_spend_team_idx").on(t.teamId, t.month)],
);
