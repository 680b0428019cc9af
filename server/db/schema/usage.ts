import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export type UsageSource = "api" | "playground" | "console";
export type UsageProduct = "model_tokens" | "instance_hours" | "reservation";
export type UsageStatus = "ok" | "error" | "cancelled";

/**
 * The append-only usage ledger: one row per metered request. The id is unique so that a retried
 * write counts once; rollups and invoices are derived from these rows.
 */
export const usageEvents = pgTable(
  "usage_events",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    /** What was sold: model tokens now; instance time and reservations later. */
    product: text("product").$type<UsageProduct>().notNull().default("model_tokens"),
    apiKeyId: text("api_key_id"),
    userId: text("user_id"),
    model: text("model"),
    /** Instance hours and reservations: the instance type, the instance or reservation, and seconds billed. */
    instanceTypeId: text("instance_type_id"),
    resourceId: text("resource_id"),
    quantitySeconds: integer("quantity_seconds"),
    endpoint: text("endpoint"),
    source: text("source").$type<UsageSource>().notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costNano: bigint("cost_nano", { mode: "bigint" }).notNull(),
    /** The team budget reservation this charge settles: recording the charge releases it. */
    reservedNano: bigint("reserved_nano", { mode: "bigint" }).notNull().default(sql`0`),
    latencyMs: integer("latency_ms"),
    ttftMs: integer("ttft_ms"),
    status: text("status").$type<UsageStatus>().notNull(),
    httpStatus: integer("http_status"),
    requestId: text("request_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("usage_events_team_created_idx").on(t.teamId, t.createdAt),
    index("usage_events_team_key_created_idx").on(t.teamId, t.apiKeyId, t.createdAt),
  ],
);
