import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { teams } from "./teams";
import { users } from "./users";

/**
 * Raw compute: the fleet (regions, instance types, hosts with GPU slots), the capacity ledger
 * (allocations), and what customers hold on it (instances, reservations, SSH keys, quotas).
 * Regions, instance types and hosts are seeded from the compute catalog file on start.
 */

export const regions = pgTable("regions", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  location: text("location").notNull(),
  sortOrder: integer("sort_order").notNull().default(0),
});

export type InstanceTypeStatus = "available" | "deprecated";

export const instanceTypes = pgTable("instance_types", {
  id: text("id").primaryKey(),
  displayName: text("display_name").notNull(),
  /** The GPU model hosts are grouped by, e.g. "H100 SXM". */
  gpuModel: text("gpu_model").notNull(),
  gpuCount: integer("gpu_count").notNull(),
  gpuMemoryGb: integer("gpu_memory_gb").notNull(),
  vcpus: integer("vcpus").notNull(),
  ramGb: integer("ram_gb").notNull(),
  nvmeGb: integer("nvme_gb").notNull(),
  networkGbps: integer("network_gbps").notNull(),
  /** Exact integer nano-USD per hour for the whole instance. */
  onDemandNanoPerHour: bigint("on_demand_nano_per_hour", { mode: "bigint" }).notNull(),
  reservedNanoPerHour: bigint("reserved_nano_per_hour", { mode: "bigint" }).notNull(),
  status: text("status").$type<InstanceTypeStatus>().notNull().default("available"),
  sortOrder: integer("sort_order").notNull().default(0),
});

export type HostState = "active" | "draining" | "failed";

/** A physical machine with `gpu_slots` GPUs of one model; slots are numbered 0 … gpu_slots-1. */
export const hosts = pgTable(
  "hosts",
  {
    id: text("id").primaryKey(),
    regionId: text("region_id")
      .notNull()
      .references(() => regions.id),
    gpuModel: text("gpu_model").notNull(),
    gpuSlots: integer("gpu_slots").notNull(),
    state: text("state").$type<HostState>().notNull().default("active"),
  },
  (t) => [index("hosts_region_gpu_idx").on(t.regionId, t.gpuModel)],
);

export type AllocationOwner = "instance" | "reservation";

/**
 * The capacity ledger: one row per GPU slot held over a time range [starts_at, ends_at), with
 * ends_at null while open-ended (a running on-demand instance). The migration adds
 * `EXCLUDE USING gist (host_id WITH =, slot WITH =, tstzrange(starts_at, ends_at) WITH &&)`:
 * no slot can be held twice for overlapping times, whatever the concurrency. It also adds
 * `allocations_host_end_idx` on (host_id, coalesce(ends_at, 'infinity')) including starts_at,
 * ends_at and slot, which answers "what is busy on this host over this window" from the index alone.
 */
export const allocations = pgTable(
  "allocations",
  {
    id: text("id").primaryKey(),
    hostId: text("host_id")
      .notNull()
      .references(() => hosts.id),
    slot: integer("slot").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    teamId: text("team_id").notNull(),
    ownerType: text("owner_type").$type<AllocationOwner>().notNull(),
    ownerId: text("owner_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("allocations_team_idx").on(t.teamId), index("allocations_owner_idx").on(t.ownerType, t.ownerId)],
);

export type ReservationState = "scheduled" | "active" | "completed" | "cancelled";

/** A capacity block: `count` instances of one type in one region over [starts_at, ends_at). */
export const reservations = pgTable(
  "reservations",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    instanceTypeId: text("instance_type_id")
      .notNull()
      .references(() => instanceTypes.id),
    regionId: text("region_id")
      .notNull()
      .references(() => regions.id),
    instanceCount: integer("instance_count").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    state: text("state").$type<ReservationState>().notNull(),
    /** Charged up front at purchase (and at each extension), in nano-USD. */
    priceNano: bigint("price_nano", { mode: "bigint" }).notNull(),
    refundNano: bigint("refund_nano", { mode: "bigint" }).notNull().default(sql`0`),
    idempotencyKey: text("idempotency_key"),
    /** SHA-256 of the purchase request, so a reused key with another body is refused. */
    requestHash: text("request_hash"),
    endWarningSentAt: timestamp("end_warning_sent_at", { withTimezone: true }),
    /** How many times the block was extended; numbers each extension's charge (`…_ext_<n>`). */
    extensions: integer("extensions").notNull().default(0),
    /** Idempotency keys of extensions → what they did, so that a retried extension is not charged twice. */
    extensionKeys: jsonb("extension_keys").$type<Record<string, { hours: number; n: number }>>().notNull().default({}),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
  },
  (t) => [
    index("reservations_team_idx").on(t.teamId, t.startsAt),
    uniqueIndex("reservations_idempotency_key").on(t.teamId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    // The worker's periodic step finds blocks to start, warn and complete by state and time.
    index("reservations_state_ends_idx").on(t.state, t.endsAt),
  ],
);

export type InstanceState = "pending" | "provisioning" | "running" | "stopping" | "terminated" | "failed";

export interface InstanceSshKey {
  id: string;
  name: string;
  fingerprint: string;
  publicKey: string;
}

export const instances = pgTable(
  "instances",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    instanceTypeId: text("instance_type_id")
      .notNull()
      .references(() => instanceTypes.id),
    regionId: text("region_id")
      .notNull()
      .references(() => regions.id),
    image: text("image").notNull(),
    /** Launched into this capacity block: it uses the block's slots at no on-demand charge. */
    reservationId: text("reservation_id").references(() => reservations.id),
    hostId: text("host_id").references(() => hosts.id),
    slots: jsonb("slots").$type<number[]>(),
    state: text("state").$type<InstanceState>().notNull(),
    stateReason: text("state_reason"),
    /** Copies of the team's keys at launch: deleting a team key later does not change the instance. */
    sshKeys: jsonb("ssh_keys").$type<InstanceSshKey[]>().notNull(),
    /** The driver's own id for the machine. */
    providerId: text("provider_id"),
    ipAddress: text("ip_address"),
    sshUser: text("ssh_user"),
    /** Exact integer nano-USD per hour, fixed at launch; 0 inside a reservation. */
    priceNanoPerHour: bigint("price_nano_per_hour", { mode: "bigint" }).notNull(),
    /** When the current state must have moved on; the reconciler acts on instances past it. */
    deadlineAt: timestamp("deadline_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    idempotencyKey: text("idempotency_key"),
    requestHash: text("request_hash"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    runningAt: timestamp("running_at", { withTimezone: true }),
    /** Running time up to here is in the usage ledger: whole UTC hours are billed as they close. */
    billedUntil: timestamp("billed_until", { withTimezone: true }),
    terminatedAt: timestamp("terminated_at", { withTimezone: true }),
  },
  (t) => [
    index("instances_team_idx").on(t.teamId, t.createdAt),
    index("instances_state_deadline_idx").on(t.state, t.deadlineAt),
    index("instances_reservation_idx").on(t.reservationId),
    uniqueIndex("instances_idempotency_key").on(t.teamId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
  ],
);

/** Every state change of an instance, timestamped, shown on its page. */
export const instanceEvents = pgTable(
  "instance_events",
  {
    id: text("id").primaryKey(),
    instanceId: text("instance_id")
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
    teamId: text("team_id").notNull(),
    fromState: text("from_state").$type<InstanceState>(),
    toState: text("to_state").$type<InstanceState>().notNull(),
    message: text("message"),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("instance_events_instance_idx").on(t.instanceId, t.at)],
);

export type SshKeyType = "ssh-ed25519" | "ssh-rsa" | "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" | "ecdsa-sha2-nistp521";

export const sshKeys = pgTable(
  "ssh_keys",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    keyType: text("key_type").$type<SshKeyType>().notNull(),
    publicKey: text("public_key").notNull(),
    /** OpenSSH's SHA256 fingerprint, e.g. "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8". */
    fingerprint: text("fingerprint").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("ssh_keys_team_name_key").on(t.teamId, t.name), uniqueIndex("ssh_keys_team_fingerprint_key").on(t.teamId, t.fingerprint)],
);

/** A team's GPU quota per GPU model, where it differs from the configured default. */
export const computeQuotas = pgTable(
  "compute_quotas",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    gpuModel: text("gpu_model").notNull(),
    maxGpus: integer("max_gpus").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.gpuModel] })],
);
