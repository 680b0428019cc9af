ALTER TABLE "reservations" ADD COLUMN "extensions" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "extension_keys" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "reservations_state_ends_idx" ON "reservations" USING btree ("state","ends_at");