import { createHash } from "node:crypto";
import { and, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { newId } from "@/server/db/ids";
import { allocations, instanceEvents, instances, instanceTypes, regions, reservations } from "@/server/db/schema";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { AppError } from "../../errors";
import { allocate, CapacityError, freeInstances, type Placement } from "../capacity";
import { actingUserId, requireCompute, type ComputeContext } from "../context";
import { holdWithinCap } from "../../budgets/cap";
import { assertQuota } from "../quotas";
import { getSshKeysForLaunch } from "../ssh-keys";
import { addSeconds, PENDING_TIMEOUT_SECONDS, type InstanceRow } from "./lifecycle";
import { JOBS, sendJob } from "./jobs";
import { findInstanceView, type InstanceView } from "./list-instances";
import { launchInstanceInput, LIVE_STATES, type LaunchInstanceInput } from "./schemas";

type LaunchValues = ReturnType<typeof launchInstanceInput.parse>;
type InstanceTypeRow = typeof instanceTypes.$inferSelect;
type RegionRow = typeof regions.$inferSelect;

/**
 * Launches an instance: on demand (capacity allocated from now, open-ended, billed per second at
 * the type's on-demand price, within the team's GPU quota) or into one of the team's active
 * reservations (on the block's own slots, at no extra charge, outside the quota). The instance is
 * created pending with its capacity held; the worker's provision job starts the machine.
 *
 * With an idempotency key (scoped to the team): the same key and body return the same instance,
 * the same key with another body is refused, and a second request while the first is still
 * running gets CONFLICT.
 */
export async function launchInstance(ctx: ComputeContext, rawInput: LaunchInstanceInput): Promise<InstanceView> {
  requireCompute(ctx, "compute:write");
  const input = launchInstanceInput.parse(rawInput);
  const requestHash = hashLaunch(input);
  const key = input.idempotencyKey ?? null;

  if (key) {
    const earlier = await findByKey(ctx.db, ctx.team.id, key);
    if (earlier) return replay(ctx, earlier, requestHash);
  }

  const { type, region } = await requireTypeAndRegion(ctx.db, input);
  // Copies of the keys go on the instance: deleting a team key later does not change it.
  const sshKeys = await getSshKeysForLaunch(ctx, input.sshKeyIds);
  const now = ctx.now();
  const instanceId = newId("ins");

  let earlier: InstanceRow | null;
  try {
    earlier = await ctx.db.transaction(async (tx) => {
      if (key) {
        const [lock] = await tx.execute<{ locked: boolean }>(
          sql`select pg_try_advisory_xact_lock(hashtextextended(${`instance_launch:${ctx.team.id}:${key}`}, 0)) as locked`,
        ).then((r) => (r as unknown as { rows: { locked: boolean }[] }).rows);
        if (!lock?.locked) {
          throw new AppError("CONFLICT", "A launch with this idempotency key is still in progress. Retry in a moment to get its result.");
        }
        // It may have committed between the look-up above and this lock.
        const committed = await findByKey(tx, ctx.team.id, key);
        if (committed) return committed;
      }

      let placement: Placement;
      let priceNanoPerHour: bigint;
      if (input.reservationId) {
        placement = await placeInReservation(tx, ctx, input.reservationId, type, region, now);
        priceNanoPerHour = 0n;
      } else {
        await assertQuota(tx, ctx, { gpuModel: type.gpuModel, additionalGpus: type.gpuCount });
        // Launching into a block costs nothing more, so only on-demand launches meet the cap.
        await holdWithinCap(tx, ctx.team.id, now, 0n, "launch");
        const [placed] = await allocate(tx, {
          regionId: region.id,
          gpuModel: type.gpuModel,
          gpusPerInstance: type.gpuCount,
          instances: 1,
          startsAt: now,
          endsAt: null,
          teamId: ctx.team.id,
          ownerType: "instance",
          ownerId: instanceId,
        });
        if (!placed) throw new AppError("INTERNAL", "The capacity planner returned no placement.");
        placement = placed;
        priceNanoPerHour = type.onDemandNanoPerHour;
      }

      await tx.insert(instances).values({
        id: instanceId,
        teamId: ctx.team.id,
        name: input.name,
        instanceTypeId: type.id,
        regionId: region.id,
        image: input.image,
        reservationId: input.reservationId ?? null,
        hostId: placement.hostId,
        slots: placement.slots,
        state: "pending",
        sshKeys,
        priceNanoPerHour,
        deadlineAt: addSeconds(now, PENDING_TIMEOUT_SECONDS),
        idempotencyKey: key,
        requestHash,
        createdBy: actingUserId(ctx),
        createdAt: now,
        updatedAt: now,
      });
      await tx.insert(instanceEvents).values({
        id: newId("iev"),
        instanceId,
        teamId: ctx.team.id,
        fromState: null,
        toState: "pending",
        message: input.reservationId ? `Launch requested in reservation ${input.reservationId}.` : "Launch requested.",
        at: now,
      });
      await recordAuditEvent(tx, ctx, {
        teamId: ctx.team.id,
        action: "instance.launched",
        target: { type: "instance", id: instanceId },
        metadata: {
          name: input.name,
          instanceTypeId: type.id,
          regionId: region.id,
          image: input.image,
          reservationId: input.reservationId ?? null,
          sshKeyIds: sshKeys.map((k) => k.id),
          priceNanoPerHour: priceNanoPerHour.toString(),
        },
      });
      return null;
    });
  } catch (error) {
    if (error instanceof CapacityError && !input.reservationId) throw await soldOut(ctx, type, region, now, error);
    throw error;
  }
  if (earlier) return replay(ctx, earlier, requestHash);

  await sendJob(ctx.db, ctx.log, JOBS.provision, { instanceId });
  const view = await findInstanceView(ctx.db, ctx.team.id, instanceId, ctx.now());
  if (!view) throw new AppError("INTERNAL", "The new instance could not be read back.");
  return view;
}

/** SHA-256 of what the launch asks for, key excluded, so that a retry with the same body matches. */
function hashLaunch(input: LaunchValues): string {
  const body = {
    name: input.name,
    instanceTypeId: input.instanceTypeId,
    regionId: input.regionId,
    image: input.image,
    sshKeyIds: [...new Set(input.sshKeyIds)].sort(),
    reservationId: input.reservationId ?? null,
  };
  return createHash("sha256").update(JSON.stringify(body)).digest("hex");
}

async function findByKey(db: Db | Tx, teamId: string, key: string): Promise<InstanceRow | null> {
  const [row] = await db
    .select()
    .from(instances)
    .where(and(eq(instances.teamId, teamId), eq(instances.idempotencyKey, key)));
  return row ?? null;
}

async function replay(ctx: ComputeContext, earlier: InstanceRow, requestHash: string): Promise<InstanceView> {
  if (earlier.requestHash !== requestHash) {
    // The public API answers 422 for this (see DESIGN.md); `reason` lets its door tell it apart.
    throw new AppError(
      "BAD_REQUEST",
      `This idempotency key was already used to launch ${earlier.name} (${earlier.id}) with a different request. Use a new key for a new launch.`,
      { reason: "idempotency_key_reused", fieldErrors: { idempotencyKey: ["Already used for a different launch."] } },
    );
  }
  const view = await findInstanceView(ctx.db, ctx.team.id, earlier.id, ctx.now());
  if (!view) throw new AppError("INTERNAL", "The instance could not be read back.");
  return view;
}

async function requireTypeAndRegion(db: Db, input: LaunchValues): Promise<{ type: InstanceTypeRow; region: RegionRow }> {
  const [type] = await db.select().from(instanceTypes).where(eq(instanceTypes.id, input.instanceTypeId));
  if (!type) throw AppError.field("BAD_REQUEST", "instanceTypeId", `Unknown instance type: ${input.instanceTypeId.slice(0, 64)}`);
  // A block bought before a type was retired still runs its instances.
  if (type.status !== "available" && !input.reservationId) {
    throw AppError.field("BAD_REQUEST", "instanceTypeId", `${type.displayName} is no longer offered on demand. Choose another instance type.`);
  }
  const [region] = await db.select().from(regions).where(eq(regions.id, input.regionId));
  if (!region) throw AppError.field("BAD_REQUEST", "regionId", `Unknown region: ${input.regionId.slice(0, 64)}`);
  return { type, region };
}

/**
 * Not enough capacity on demand: says where the type is available instead, so that the form can
 * offer another region. When it is sold out everywhere, a capacity block for a later time is the
 * way to get it (the reservation search says when).
 */
async function soldOut(ctx: ComputeContext, type: InstanceTypeRow, region: RegionRow, now: Date, cause: CapacityError): Promise<AppError> {
  const free = await freeInstances(ctx.db, { instanceTypeId: type.id, from: now, to: null });
  const elsewhere = free.filter((f) => f.regionId !== region.id && f.instances > 0).map((f) => f.regionId);
  const names = elsewhere.length
    ? (await ctx.db.select({ id: regions.id, name: regions.name }).from(regions).where(inArray(regions.id, elsewhere))).map((r) => `${r.name} (${r.id})`)
    : [];
  const message = names.length
    ? `${type.displayName} is sold out in ${region.name} right now. It is available in ${names.join(", ")}.`
    : `${type.displayName} is sold out in every region right now. Reserve a capacity block for a later time, or try again later.`;
  return new AppError("CONFLICT", message, { ...cause.details, availableRegions: elsewhere, fieldErrors: { regionId: [message] } });
}

/**
 * A free instance-sized set of the reservation's slots on one host: the slots allocated to the
 * block now, minus those its live instances use. The reservation row is locked so that two
 * launches into the same block are placed one after the other.
 */
async function placeInReservation(tx: Tx, ctx: ComputeContext, reservationId: string, type: InstanceTypeRow, region: RegionRow, now: Date): Promise<Placement> {
  const [block] = await tx
    .select()
    .from(reservations)
    .where(and(eq(reservations.teamId, ctx.team.id), eq(reservations.id, reservationId)))
    .for("update");
  if (!block) throw new AppError("NOT_FOUND", "Reservation not found.", { fieldErrors: { reservationId: ["Reservation not found."] } });
  const ended = block.state === "completed" || block.state === "cancelled" || block.endsAt.getTime() <= now.getTime();
  if (ended) throw conflict("reservationId", `Reservation ${block.name} has ended. Launch on demand, or reserve a new block.`);
  // 'scheduled' past its start: the periodic step that activates blocks has not run yet.
  if (block.startsAt.getTime() > now.getTime()) {
    throw conflict("reservationId", `Reservation ${block.name} starts at ${block.startsAt.toISOString()}. Launch into it from then.`);
  }
  if (block.instanceTypeId !== type.id) {
    throw AppError.field("BAD_REQUEST", "instanceTypeId", `Reservation ${block.name} is for ${block.instanceTypeId}; launch that type into it.`);
  }
  if (block.regionId !== region.id) throw AppError.field("BAD_REQUEST", "regionId", `Reservation ${block.name} is in ${block.regionId}; launch there.`);

  const held = await tx
    .select({ hostId: allocations.hostId, slot: allocations.slot })
    .from(allocations)
    .where(
      and(
        eq(allocations.ownerType, "reservation"),
        eq(allocations.ownerId, block.id),
        lte(allocations.startsAt, now),
        or(isNull(allocations.endsAt), gt(allocations.endsAt, now)),
      ),
    );
  const used = await tx
    .select({ hostId: instances.hostId, slots: instances.slots })
    .from(instances)
    .where(and(eq(instances.teamId, ctx.team.id), eq(instances.reservationId, block.id), inArray(instances.state, [...LIVE_STATES])));
  const taken = new Set(used.flatMap((u) => (u.slots ?? []).map((slot) => `${u.hostId}/${slot}`)));
  const freeByHost = new Map<string, number[]>();
  for (const { hostId, slot } of held) {
    if (taken.has(`${hostId}/${slot}`)) continue;
    freeByHost.set(hostId, [...(freeByHost.get(hostId) ?? []), slot]);
  }
  for (const [hostId, slots] of [...freeByHost].sort(([a], [b]) => a.localeCompare(b))) {
    if (slots.length >= type.gpuCount) return { hostId, slots: slots.sort((a, b) => a - b).slice(0, type.gpuCount) };
  }
  throw conflict(
    "reservationId",
    `All ${block.instanceCount} instance${block.instanceCount === 1 ? "" : "s"} of reservation ${block.name} are in use. Terminate one to launch another.`,
  );
}

function conflict(field: string, message: string): AppError {
  return new AppError("CONFLICT", message, { fieldErrors: { [field]: [message] } });
}
