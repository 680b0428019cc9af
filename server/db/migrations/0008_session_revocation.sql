ALTER TABLE "users" ADD COLUMN "sessions_valid_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "kept_session_id" text;--> statement-breakpoint
-- Sessions that began before a person's latest password reset stay over.
UPDATE "users" SET "sessions_valid_after" = r."used_at"
FROM (SELECT "user_id", max("used_at") AS "used_at" FROM "user_tokens" WHERE "purpose" = 'password_reset' AND "used_at" IS NOT NULL GROUP BY "user_id") r
WHERE r."user_id" = "users"."id";
