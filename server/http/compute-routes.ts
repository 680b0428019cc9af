import { z } from "zod";
import { getAvailability, getComputeCatalog } from "@/server/services/compute/capacity";
import { nanoToUsd } from "@/server/services/compute/capacity/catalog";
import { getInstance, launchInstance, listInstances, terminateInstance, type InstanceView } from "@/server/services/compute/instances";
import { INSTANCE_STATES, type LaunchInstanceInput, type ListInstancesInput } from "@/server/services/compute/instances/schemas";
import {
  cancelReservation,
  extendReservation,
  getReservation,
  listReservations,
  purchaseReservation,
  searchOfferings,
  type Offering,
  type ReservationView,
} from "@/server/services/compute/reservations";
import { invalidRequest } from "@/server/services/inference/gateway/errors";
import { route, type ComputeRoute } from "./compute-api";

/**
 * The public compute API's routes. Fields are snake_case as in OpenAI's API; money is exact:
 * `*_nano` fields are integer nano-USD as decimal strings, `*_usd` the same amount in dollars.
 * Every route calls the same service as the console.
 */

const money = (nano: bigint, name: string) => ({ [`${name}_nano`]: nano.toString(), [`${name}_usd`]: nanoToUsd(nano) });
const time = (at: Date | null) => (at ? at.toISOString() : null);

function instanceJson(i: InstanceView & { events?: { fromState: string | null; toState: string; message: string | null; at: Date }[] }) {
  return {
    id: i.id,
    object: "instance",
    name: i.name,
    state: i.state,
    state_reason: i.stateReason,
    instance_type: i.instanceType.id,
    region: i.region.id,
    image: i.image,
    reservation_id: i.reservationId,
    ip_address: i.ipAddress,
    ssh_user: i.sshUser,
    ssh_command: i.sshCommand,
    ssh_keys: i.sshKeys.map((k) => ({ id: k.id, name: k.name, fingerprint: k.fingerprint })),
    ...money(i.priceNanoPerHour, "price_per_hour"),
    uptime_seconds: i.uptimeSeconds,
    ...money(i.costNano, "cost"),
    created_at: time(i.createdAt),
    running_at: time(i.runningAt),
    terminated_at: time(i.terminatedAt),
    ...(i.events ? { events: i.events.map((e) => ({ from_state: e.fromState, to_state: e.toState, message: e.message, at: time(e.at) })) } : {}),
  };
}

function reservationJson(r: ReservationView) {
  return {
    id: r.id,
    object: "reservation",
    name: r.name,
    state: r.state,
    instance_type: r.instanceTypeId,
    region: r.regionId,
    instance_count: r.instanceCount,
    starts_at: time(r.startsAt),
    ends_at: time(r.endsAt),
    ...money(r.priceNano, "price"),
    ...money(r.refundNano, "refund"),
    created_at: time(r.createdAt),
    cancelled_at: time(r.cancelledAt),
  };
}

function offeringJson(o: Offering) {
  return {
    object: "reservation_offering",
    instance_type: o.instanceTypeId,
    region: o.regionId,
    instance_count: o.instanceCount,
    starts_at: time(o.startsAt),
    ends_at: time(o.endsAt),
    ...money(o.priceNano, "price"),
  };
}

const list = (data: unknown[]) => ({ body: { object: "list", data } });

function idempotencyKeyRequired(key: string | null): string {
  if (!key) throw invalidRequest("Send an Idempotency-Key header (e.g. a UUID) with every purchase, so that a retry never buys twice.", "Idempotency-Key");
  return key;
}

const launchBody = z.strictObject({
  name: z.string(),
  instance_type: z.string(),
  region: z.string(),
  image: z.string(),
  ssh_key_ids: z.array(z.string()).max(32),
  reservation_id: z.string().optional(),
});

const purchaseBody = z.strictObject({
  name: z.string(),
  instance_type: z.string(),
  region: z.string(),
  instance_count: z.number(),
  starts_at: z.string(),
  ends_at: z.string(),
  /** The offering's price, as returned by GET /reservations/offerings: nobody pays a price they were not shown. */
  price_nano: z.string(),
});

const extendBody = z.strictObject({ hours: z.number() });

export const COMPUTE_ROUTES: ComputeRoute[] = [
  route({
    method: "GET",
    pattern: /^\/regions$/,
    scope: "compute:read",
    handle: async (ctx) => list((await getComputeCatalog(ctx)).regions.map((r) => ({ id: r.id, object: "region", name: r.name, location: r.location }))),
  }),
  route({
    method: "GET",
    pattern: /^\/instance-types$/,
    scope: "compute:read",
    handle: async (ctx) =>
      list(
        (await getComputeCatalog(ctx)).instanceTypes.map((t) => ({
          id: t.id,
          object: "instance_type",
          name: t.displayName,
          gpu_model: t.gpuModel,
          gpu_count: t.gpuCount,
          gpu_memory_gb: t.gpuMemoryGb,
          vcpus: t.vcpus,
          ram_gb: t.ramGb,
          nvme_gb: t.nvmeGb,
          network_gbps: t.networkGbps,
          status: t.status,
          ...money(BigInt(t.onDemandNanoPerHour), "on_demand_per_hour"),
          ...money(BigInt(t.reservedNanoPerHour), "reserved_per_hour"),
          regions: t.regionIds,
        })),
      ),
  }),
  route({
    method: "GET",
    pattern: /^\/instance-types\/(?<id>[^/]+)\/availability$/,
    scope: "compute:read",
    handle: async (ctx, { params, query }) => {
      const calendar = await getAvailability(ctx, {
        instanceTypeId: params.id!,
        regionId: query.get("region") ?? undefined,
        days: query.has("days") ? Number(query.get("days")) : 14,
        bucket: (query.get("bucket") ?? "day") as "day" | "hour",
      });
      return {
        body: {
          object: "availability",
          instance_type: calendar.instanceTypeId,
          bucket: calendar.bucket,
          starts: calendar.starts.map(time),
          regions: calendar.regions.map((r) => ({ region: r.regionId, instances: r.instances })),
        },
      };
    },
  }),
  route({
    method: "GET",
    pattern: /^\/instances$/,
    scope: "compute:read",
    handle: async (ctx, { query }) => {
      const state = query.get("state");
      if (state !== null && state !== "live" && !(INSTANCE_STATES as readonly string[]).includes(state)) {
        throw invalidRequest(`Unknown state '${state}'. Use live or one of ${INSTANCE_STATES.join(", ")}.`, "state");
      }
      return list((await listInstances(ctx, state ? { state: state as ListInstancesInput["state"] } : {})).map((i) => instanceJson(i)));
    },
  }),
  route({
    method: "POST",
    pattern: /^\/instances$/,
    scope: "compute:write",
    body: launchBody,
    handle: async (ctx, { body, idempotencyKey }) => {
      const instance = await launchInstance(ctx, {
        name: body.name,
        instanceTypeId: body.instance_type,
        regionId: body.region,
        image: body.image as LaunchInstanceInput["image"],
        sshKeyIds: body.ssh_key_ids,
        reservationId: body.reservation_id,
        idempotencyKey: idempotencyKey ?? undefined,
      });
      return { status: 201, body: instanceJson(instance) };
    },
  }),
  route({
    method: "GET",
    pattern: /^\/instances\/(?<id>[^/]+)$/,
    scope: "compute:read",
    handle: async (ctx, { params }) => ({ body: instanceJson(await getInstance(ctx, { instanceId: params.id! })) }),
  }),
  route({
    method: "DELETE",
    pattern: /^\/instances\/(?<id>[^/]+)$/,
    scope: "compute:write",
    handle: async (ctx, { params }) => ({ body: instanceJson(await terminateInstance(ctx, { instanceId: params.id! })) }),
  }),
  route({
    method: "GET",
    pattern: /^\/reservations$/,
    scope: "compute:read",
    handle: async (ctx) => list((await listReservations(ctx)).map(reservationJson)),
  }),
  route({
    method: "GET",
    pattern: /^\/reservations\/offerings$/,
    scope: "compute:read",
    handle: async (ctx, { query }) => {
      const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
      // Missing parameters go through as undefined, so the service's validation names them.
      const offerings = await searchOfferings(ctx, {
        instanceTypeId: query.get("instance_type") ?? "",
        instanceCount: number("instance_count") ?? 1,
        durationHours: number("duration_hours")!,
        earliestStart: query.get("earliest_start") ?? new Date().toISOString(),
        latestEnd: query.get("latest_end") ?? undefined,
        regionId: query.get("region") ?? undefined,
      });
      return list(offerings.map(offeringJson));
    },
  }),
  route({
    method: "POST",
    pattern: /^\/reservations$/,
    scope: "compute:write",
    body: purchaseBody,
    handle: async (ctx, { body, idempotencyKey }) => {
      const reservation = await purchaseReservation(ctx, {
        name: body.name,
        instanceTypeId: body.instance_type,
        regionId: body.region,
        instanceCount: body.instance_count,
        startsAt: body.starts_at,
        endsAt: body.ends_at,
        priceNano: body.price_nano,
        idempotencyKey: idempotencyKeyRequired(idempotencyKey),
      });
      return { status: 201, body: reservationJson(reservation) };
    },
  }),
  route({
    method: "GET",
    pattern: /^\/reservations\/(?<id>[^/]+)$/,
    scope: "compute:read",
    handle: async (ctx, { params }) => ({ body: reservationJson(await getReservation(ctx, { reservationId: params.id! })) }),
  }),
  route({
    method: "POST",
    pattern: /^\/reservations\/(?<id>[^/]+)\/cancel$/,
    scope: "compute:write",
    handle: async (ctx, { params }) => ({ body: reservationJson(await cancelReservation(ctx, { reservationId: params.id! })) }),
  }),
  route({
    method: "POST",
    pattern: /^\/reservations\/(?<id>[^/]+)\/extend$/,
    scope: "compute:write",
    body: extendBody,
    handle: async (ctx, { params, body, idempotencyKey }) => ({
      body: reservationJson(await extendReservation(ctx, { reservationId: params.id!, hours: body.hours, idempotencyKey: idempotencyKey ?? undefined })),
    }),
  }),
];
