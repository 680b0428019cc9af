import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { NotificationKind } from "./spend";

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    // Null for people who only ever signed in with GitHub or Google.
    passwordHash: text("password_hash"),
    image: text("image"),
    /** When the person proved they own the address (a mailed link, an invitation, or an OAuth provider). */
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    /**
     * Sessions that began before this are over (a password change or reset), except the one
     * named by keptSessionId: the session that changed the password goes on.
     */
    sessionsValidAfter: timestamp("sessions_valid_after", { withTimezone: true }),
    keptSessionId: text("kept_session_id"),
    /** Kinds of team notification this person gets in the console only, not also by mail. */
    mailMutedKinds: text("mail_muted_kinds").array().$type<NotificationKind[]>().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

/** One row per sign-in attempt with a password; failures inside a window slow the email down. */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    succeeded: boolean("succeeded").notNull(),
    ip: text("ip"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sign_in_attempts_email_created_idx").on(t.email, t.createdAt)],
);

export type UserTokenPurpose = "email_verification" | "password_reset";

/** Single-use, expiring tokens sent by mail. Only the SHA-256 of the token is stored. */
export const userTokens = pgTable(
  "user_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<UserTokenPurpose>().notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("user_tokens_token_hash_key").on(t.tokenHash),
    index("user_tokens_user_purpose_idx").on(t.userId, t.purpose, t.createdAt),
  ],
);
