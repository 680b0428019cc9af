CREATE TABLE "allocations" (
	"id" text PRIMARY KEY NOT NULL,
	"host_id" text NOT NULL,
	"slot" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"team_id" text NOT NULL,
	"owner_type" text NOT NULL,
	"owner_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compute_quotas" (
	"team_id" text NOT NULL,
	"gpu_model" text NOT NULL,
	"max_gpus" integer NOT NULL,
	CONSTRAINT "compute_quotas_team_id_gpu_model_pk" PRIMARY KEY("team_id","gpu_model")
);
--> statement-breakpoint
CREATE TABLE "hosts" (
	"id" text PRIMARY KEY NOT NULL,
	"region_id" text NOT NULL,
	"gpu_model" text NOT NULL,
	"gpu_slots" integer NOT NULL,
	"state" text DEFAULT 'active' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instance_events" (
	"id" text PRIMARY KEY NOT NULL,
	"instance_id" text NOT NULL,
	"team_id" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"message" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instance_types" (
	"id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"gpu_model" text NOT NULL,
	"gpu_count" integer NOT NULL,
	"gpu_memory_gb" integer NOT NULL,
	"vcpus" integer NOT NULL,
	"ram_gb" integer NOT NULL,
	"nvme_gb" integer NOT NULL,
	"network_gbps" integer NOT NULL,
	"on_demand_nano_per_hour" bigint NOT NULL,
	"reserved_nano_per_hour" bigint NOT NULL,
	"status" text DEFAULT 'available' NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instances" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"instance_type_id" text NOT NULL,
	"region_id" text NOT NULL,
	"image" text NOT NULL,
	"reservation_id" text,
	"host_id" text,
	"slots" jsonb,
	"state" text NOT NULL,
	"state_reason" text,
	"ssh_keys" jsonb NOT NULL,
	"provider_id" text,
	"ip_address" text,
	"ssh_user" text,
	"price_nano_per_hour" bigint NOT NULL,
	"deadline_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text,
	"request_hash" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"running_at" timestamp with time zone,
	"terminated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"location" text NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reservations" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"instance_type_id" text NOT NULL,
	"region_id" text NOT NULL,
	"instance_count" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"price_nano" bigint NOT NULL,
	"refund_nano" bigint DEFAULT 0 NOT NULL,
	"idempotency_key" text,
	"request_hash" text,
	"end_warning_sent_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ssh_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"key_type" text NOT NULL,
	"public_key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "instance_type_id" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "resource_id" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "quantity_seconds" integer;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compute_quotas" ADD CONSTRAINT "compute_quotas_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosts" ADD CONSTRAINT "hosts_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_events" ADD CONSTRAINT "instance_events_instance_id_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_instance_type_id_instance_types_id_fk" FOREIGN KEY ("instance_type_id") REFERENCES "public"."instance_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_reservation_id_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "public"."reservations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_instance_type_id_instance_types_id_fk" FOREIGN KEY ("instance_type_id") REFERENCES "public"."instance_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ssh_keys" ADD CONSTRAINT "ssh_keys_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ssh_keys" ADD CONSTRAINT "ssh_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allocations_team_idx" ON "allocations" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "allocations_owner_idx" ON "allocations" USING btree ("owner_type","owner_id");--> statement-breakpoint
CREATE INDEX "hosts_region_gpu_idx" ON "hosts" USING btree ("region_id","gpu_model");--> statement-breakpoint
CREATE INDEX "instance_events_instance_idx" ON "instance_events" USING btree ("instance_id","at");--> statement-breakpoint
CREATE INDEX "instances_team_idx" ON "instances" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE INDEX "instances_state_deadline_idx" ON "instances" USING btree ("state","deadline_at");--> statement-breakpoint
CREATE INDEX "instances_reservation_idx" ON "instances" USING btree ("reservation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "instances_idempotency_key" ON "instances" USING btree ("team_id","idempotency_key") WHERE "instances"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "reservations_team_idx" ON "reservations" USING btree ("team_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reservations_idempotency_key" ON "reservations" USING btree ("team_id","idempotency_key") WHERE "reservations"."idempotency_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ssh_keys_team_name_key" ON "ssh_keys" USING btree ("team_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "ssh_keys_team_fingerprint_key" ON "ssh_keys" USING btree ("team_id","fingerprint");--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_range_check" CHECK ("ends_at" IS NULL OR "ends_at" > "starts_at");--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_no_overlap" EXCLUDE USING gist ("host_id" WITH =, "slot" WITH =, tstzrange("starts_at", "ends_at") WITH &&);