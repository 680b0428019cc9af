CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"family" text NOT NULL,
	"description" text NOT NULL,
	"parameters_b" real,
	"context_window" integer NOT NULL,
	"max_output_tokens" integer NOT NULL,
	"modalities" jsonb NOT NULL,
	"endpoints" jsonb NOT NULL,
	"input_nano_per_token" bigint NOT NULL,
	"output_nano_per_token" bigint NOT NULL,
	"status" text NOT NULL,
	"backends" jsonb NOT NULL,
	"embedding_dimensions" integer,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_key_spend" (
	"team_id" text NOT NULL,
	"api_key_id" text NOT NULL,
	"month" text NOT NULL,
	"spent_nano" bigint DEFAULT 0 NOT NULL,
	"reserved_nano" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "api_key_spend_api_key_id_month_pk" PRIMARY KEY("api_key_id","month")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"hash" text NOT NULL,
	"hint" text NOT NULL,
	"previous_hash" text,
	"previous_expires_at" timestamp with time zone,
	"scopes" jsonb NOT NULL,
	"model_allowlist" jsonb,
	"requests_per_minute" integer,
	"tokens_per_minute" integer,
	"monthly_spend_limit_nano" bigint,
	"expires_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"rotated_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" text
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"product" text DEFAULT 'model_tokens' NOT NULL,
	"api_key_id" text,
	"user_id" text,
	"model" text,
	"endpoint" text,
	"source" text NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_nano" bigint NOT NULL,
	"latency_ms" integer,
	"ttft_ms" integer,
	"status" text NOT NULL,
	"http_status" integer,
	"request_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_key_spend" ADD CONSTRAINT "api_key_spend_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_key_spend_team_idx" ON "api_key_spend" USING btree ("team_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys" USING btree ("hash");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_previous_hash_key" ON "api_keys" USING btree ("previous_hash") WHERE "api_keys"."previous_hash" is not null;--> statement-breakpoint
CREATE INDEX "api_keys_team_created_idx" ON "api_keys" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE INDEX "usage_events_team_created_idx" ON "usage_events" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE INDEX "usage_events_team_key_created_idx" ON "usage_events" USING btree ("team_id","api_key_id","created_at");