CREATE TABLE "budget_alerts" (
	"team_id" text NOT NULL,
	"month" text NOT NULL,
	"threshold" integer NOT NULL,
	"spent_nano" bigint NOT NULL,
	"budget_nano" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_alerts_team_id_month_threshold_pk" PRIMARY KEY("team_id","month","threshold")
);
--> statement-breakpoint
CREATE TABLE "credit_applications" (
	"invoice_id" text NOT NULL,
	"grant_id" text NOT NULL,
	"amount_nano" bigint NOT NULL,
	CONSTRAINT "credit_applications_invoice_id_grant_id_pk" PRIMARY KEY("invoice_id","grant_id")
);
--> statement-breakpoint
CREATE TABLE "credit_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"amount_nano" bigint NOT NULL,
	"reason" text NOT NULL,
	"expires_at" timestamp with time zone,
	"granted_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_lines" (
	"invoice_id" text NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"ref_id" text NOT NULL,
	"description" text NOT NULL,
	"input_tokens" bigint,
	"output_tokens" bigint,
	"quantity_seconds" bigint,
	"amount_nano" bigint NOT NULL,
	CONSTRAINT "invoice_lines_invoice_id_position_pk" PRIMARY KEY("invoice_id","position")
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"number" text NOT NULL,
	"month" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"subtotal_nano" bigint NOT NULL,
	"credits_nano" bigint NOT NULL,
	"total_nano" bigint NOT NULL,
	"issued_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"href" text,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "team_budgets" (
	"team_id" text PRIMARY KEY NOT NULL,
	"amount_nano" bigint NOT NULL,
	"alert_thresholds" jsonb NOT NULL,
	"hard_cap" boolean DEFAULT false NOT NULL,
	"stop_instances_at_cap" boolean DEFAULT false NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_spend" (
	"team_id" text NOT NULL,
	"month" text NOT NULL,
	"spent_nano" bigint DEFAULT 0 NOT NULL,
	"reserved_nano" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "team_spend_team_id_month_pk" PRIMARY KEY("team_id","month")
);
--> statement-breakpoint
CREATE TABLE "usage_rollups" (
	"team_id" text NOT NULL,
	"granularity" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"product" text NOT NULL,
	"api_key_id" text NOT NULL,
	"user_id" text NOT NULL,
	"model" text NOT NULL,
	"instance_type_id" text NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"quantity_seconds" bigint NOT NULL,
	"cost_nano" bigint NOT NULL,
	CONSTRAINT "usage_rollups_pkey" PRIMARY KEY("team_id","granularity","bucket","product","api_key_id","user_id","model","instance_type_id")
);
--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "reserved_nano" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "billed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_applications" ADD CONSTRAINT "credit_applications_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_applications" ADD CONSTRAINT "credit_applications_grant_id_credit_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."credit_grants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_budgets" ADD CONSTRAINT "team_budgets_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_applications_grant_idx" ON "credit_applications" USING btree ("grant_id");--> statement-breakpoint
CREATE INDEX "credit_grants_team_idx" ON "credit_grants" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_team_month_key" ON "invoices" USING btree ("team_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_key" ON "invoices" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_user_dedupe_key" ON "notifications" USING btree ("user_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_user_team_created_idx" ON "notifications" USING btree ("user_id","team_id","created_at" DESC NULLS LAST);--> statement-breakpoint
INSERT INTO "usage_rollups" SELECT b.team_id, g.granularity, date_trunc(g.granularity, b.created_at, 'UTC'), b.product, coalesce(b.api_key_id, ''), coalesce(b.user_id, ''), coalesce(b.model, ''), coalesce(b.instance_type_id, ''), count(*), count(*) filter (where b.status <> 'ok'), sum(b.input_tokens), sum(b.output_tokens), coalesce(sum(b.quantity_seconds), 0), sum(b.cost_nano) FROM "usage_events" b CROSS JOIN (VALUES ('hour'), ('day')) AS g(granularity) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;--> statement-breakpoint
INSERT INTO "team_spend" SELECT team_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-01'), sum(cost_nano), 0 FROM "usage_events" GROUP BY 1, 2;--> statement-breakpoint
UPDATE "instances" SET "billed_until" = "running_at" WHERE "running_at" IS NOT NULL AND "terminated_at" IS NULL;
