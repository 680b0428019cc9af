import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Append-only record of every change. `team_id` is null for events that belong to a person
 * rather than a team (sign-ins, profile changes).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id"),
    actorType: text("actor_type").$type<"user" | "anonymous" | "api_key" | "system">().notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_events_team_created_idx").on(t.teamId, t.createdAt.desc()),
    index("audit_events_actor_created_idx").on(t.actorId, t.createdAt.desc()),
    // A person's sign-ins and account events (no team), read for the audit log of each team they belong to.
    index("audit_events_account_target_idx").on(t.targetId, t.createdAt.desc()).where(sql`${t.teamId} is null`),
  ],
);
