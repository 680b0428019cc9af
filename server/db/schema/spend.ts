import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { teams } from "./teams";
import type { UsageProduct } from "./usage";

/**
 * Spend: rollups of the usage ledger, each team's monthly spend counter, budgets and their alerts,
 * in-app notifications, prepaid credits and monthly invoices. Everything here except credit grants
 * and invoices can be rebuilt from usage_events.
 */

export type RollupGranularity = "hour" | "day";

/**
 * Usage summed per UTC hour and per UTC day for every combination of team × product × key ×
 * member × model × instance type that occurred. A dimension that does not apply is '' (not null)
 * so that it can be part of the key. Kept up to date by the same statement that inserts events.
 */
export const usageRollups = pgTable(
  "usage_rollups",
  {
    teamId: text("team_id").notNull(),
    granularity: text("granularity").$type<RollupGranularity>().notNull(),
    bucket: timestamp("bucket", { withTimezone: true }).notNull(),
    product: text("product").$type<UsageProduct>().notNull(),
    apiKeyId: text("api_key_id").notNull(),
    userId: text("user_id").notNull(),
    model: text("model").notNull(),
    instanceTypeId: text("instance_type_id").notNull(),
    requests: bigint("requests", { mode: "number" }).notNull(),
    errors: bigint("errors", { mode: "number" }).notNull(),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
    quantitySeconds: bigint("quantity_seconds", { mode: "number" }).notNull(),
    costNano: bigint("cost_nano", { mode: "bigint" }).notNull(),
  },
  (t) => [
    primaryKey({
      name: "usage_rollups_pkey",
      columns: [t.teamId, t.granularity, t.bucket, t.product, t.apiKeyId, t.userId, t.model, t.instanceTypeId],
    }),
  ],
);

/**
 * A team's spend in one UTC month: what the ledger holds, plus what in-flight requests and
 * purchases have reserved against a hard cap. The ledger write that records a charge also releases
 * the reservation it settles, so no charge is ever counted in neither column.
 */
export const teamSpend = pgTable(
  "team_spend",
  {
    teamId: text("team_id").notNull(),
    /** First day of the UTC month, e.g. 2026-11-01. */
    month: text("month").notNull(),
    spentNano: bigint("spent_nano", { mode: "bigint" }).notNull().default(sql`0`),
    reservedNano: bigint("reserved_nano", { mode: "bigint" }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.month] })],
);

/** A team's monthly budget. At most one per team; absent means no budget. */
export const teamBudgets = pgTable("team_budgets", {
  teamId: text("team_id")
    .primaryKey()
    .references(() => teams.id, { onDelete: "cascade" }),
  amountNano: bigint("amount_nano", { mode: "bigint" }).notNull(),
  /** Percentages of the budget at which owners and billing members are notified, ascending. */
  alertThresholds: jsonb("alert_thresholds").$type<number[]>().notNull(),
  /** Refuse new spend (API requests, launches, reservations) once the budget is reached. */
  hardCap: boolean("hard_cap").notNull().default(false),
  /** With the hard cap: also terminate running on-demand instances when it is reached. */
  stopInstancesAtCap: boolean("stop_instances_at_cap").notNull().default(false),
  updatedBy: text("updated_by"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One row per threshold crossed per month: the alert for it has gone out, and goes out once. */
export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    month: text("month").notNull(),
    threshold: integer("threshold").notNull(),
    spentNano: bigint("spent_nano", { mode: "bigint" }).notNull(),
    budgetNano: bigint("budget_nano", { mode: "bigint" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.month, t.threshold] })],
);

export type NotificationKind = "budget_threshold" | "budget_cap" | "reservation_ending" | "instances_stopped_at_cap";

/** In-app notifications, one row per recipient, shown under the bell. */
export const notifications = pgTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    kind: text("kind").$type<NotificationKind>().notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** Console path the notification leads to, e.g. /acme/spend. */
    href: text("href"),
    /** Sending the same notification twice (a retried job) keeps one. */
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("notifications_user_dedupe_key").on(t.userId, t.dedupeKey),
    index("notifications_user_team_created_idx").on(t.userId, t.teamId, t.createdAt.desc()),
  ],
);

/** Prepaid credit granted by the operator. Invoices draw on grants, earliest expiry first. */
export const creditGrants = pgTable(
  "credit_grants",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    amountNano: bigint("amount_nano", { mode: "bigint" }).notNull(),
    reason: text("reason").notNull(),
    /** Credit is usable for spend before this instant; null: does not expire. */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    grantedBy: text("granted_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("credit_grants_team_idx").on(t.teamId, t.createdAt)],
);

export type InvoiceLineKind = "model" | "instance_type" | "reservation" | "credit";

/** A team's invoice for one UTC month. Issued once (unique per team and month), never changed. */
export const invoices = pgTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    /** Human number, e.g. INV-2026-11-0042, unique across the deployment. */
    number: text("number").notNull(),
    month: text("month").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    periodEnd: timestamp("period_end", { withTimezone: true }).notNull(),
    subtotalNano: bigint("subtotal_nano", { mode: "bigint" }).notNull(),
    creditsNano: bigint("credits_nano", { mode: "bigint" }).notNull(),
    totalNano: bigint("total_nano", { mode: "bigint" }).notNull(),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("invoices_team_month_key").on(t.teamId, t.month), uniqueIndex("invoices_number_key").on(t.number)],
);

export const invoiceLines = pgTable(
  "invoice_lines",
  {
    invoiceId: text("invoice_id")
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    kind: text("kind").$type<InvoiceLineKind>().notNull(),
    /** The model, instance type, reservation or credit grant the line is for. */
    refId: text("ref_id").notNull(),
    description: text("description").notNull(),
    inputTokens: bigint("input_tokens", { mode: "number" }),
    outputTokens: bigint("output_tokens", { mode: "number" }),
    quantitySeconds: bigint("quantity_seconds", { mode: "number" }),
    /** Negative for credits. */
    amountNano: bigint("amount_nano", { mode: "bigint" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.invoiceId, t.position] })],
);

/** How much of a grant an invoice used: a grant's balance is its amount less these. */
export const creditApplications = pgTable(
  "credit_applications",
  {
    invoiceId: text("invoice_id")
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    grantId: text("grant_id")
      .notNull()
      .references(() => creditGrants.id, { onDelete: "cascade" }),
    amountNano: bigint("amount_nano", { mode: "bigint" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.invoiceId, t.grantId] }), index("credit_applications_grant_idx").on(t.grantId)],
);
