import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { newId } from "@/server/db/ids";
import { reservations } from "@/server/db/schema";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { AppError } from "../../errors";
import { holdWithinCap } from "../../budgets/cap";
import { recordComputeUsage } from "../../metering/compute-usage";
import { allocate, CapacityError, requireInstanceTypeAndRegion, type InstanceTypeRow } from "../capacity";
import { actingUserId, requireCompute, type ComputeContext } from "../context";
import { HOUR_MS, reservationPrice } from "./offerings";
import { MAX_DURATION_HOURS, MAX_HORIZON_DAYS, purchaseReservationInput, type PurchaseReservationInput } from "./schemas";
import { toView, type ReservationRow, type ReservationView } from "./view";

export const OFFERING_GONE = "This offering is no longer available; search again.";
/**
 * An offering found at 13:59 that starts at 14:00 may be bought at 14:00:30: a start this recent is
 * still sold, and the block is active at once.
 */
const START_GRACE_MS = 10 * 60_000;

/** Who pays, for the usage ledger: a member through the console, or an API key. */
export function chargeSource(ctx: ComputeContext) {
  return ctx.actor.type === "api_key"
    ? { source: "api" as const, userId: null, apiKeyId: ctx.actor.keyId }
    : { source: "console" as const, userId: ctx.actor.userId, apiKeyId: null };
}

/**
 * Buys a capacity block: holds its slots in the ledger, charges the whole price up front and
 * records who did it, in one transaction, so that a failure anywhere leaves nothing behind.
 *
 * Idempotent per team and key: the same key with the same request returns the reservation it made
 * (even after its state moved on); with a different request it is refused. Two requests with one
 * key at once meet at the unique index: the second waits for the first to commit, then returns its
 * reservation (or, if the first failed, goes ahead itself).
 */
export async function purchaseReservation(ctx: ComputeContext, rawInput: PurchaseReservationInput): Promise<ReservationView> {
  requireCompute(ctx, "compute:write");
  const input = purchaseReservationInput.parse(rawInput);
  const requestHash = hashRequest(input);
  const now = ctx.now();
  let offer: { type: InstanceTypeRow; hours: number; priceNano: bigint };
  try {
    offer = await checkOffer(ctx, input, now);
  } catch (error) {
    // A retry of a purchase that went through gets that purchase, even after its start has passed.
    const earlier = error instanceof AppError ? await findByKey(ctx.db, ctx.team.id, input.idempotencyKey) : undefined;
    if (earlier) return replay(earlier, requestHash);
    throw error;
  }
  const { type, hours, priceNano } = offer;

  const id = newId("res");
  return ctx.db.transaction(async (tx) => {
    // First, so that a concurrent request with the same key waits here rather than allocating.
    const [row] = await tx
      .insert(reservations)
      .values({
        id,
        teamId: ctx.team.id,
        name: input.name,
        instanceTypeId: type.id,
        regionId: input.regionId,
        instanceCount: input.instanceCount,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        state: input.startsAt.getTime() <= now.getTime() ? "active" : "scheduled",
        priceNano,
        idempotencyKey: input.idempotencyKey,
        requestHash,
        createdBy: actingUserId(ctx),
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [reservations.teamId, reservations.idempotencyKey], where: sql`${reservations.idempotencyKey} is not null` })
      .returning();
    if (!row) {
      // The key's first purchase has committed meanwhile (this insert waited for it): answer with it.
      const first = await findByKey(tx, ctx.team.id, input.idempotencyKey);
      if (!first) throw new Error(`purchaseReservation: idempotency key conflict without a reservation (team ${ctx.team.id})`);
      return replay(first, requestHash);
    }
    const placements = await allocate(tx, {
      regionId: input.regionId,
      gpuModel: type.gpuModel,
      gpusPerInstance: type.gpuCount,
      instances: input.instanceCount,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      teamId: ctx.team.id,
      ownerType: "reservation",
      ownerId: id,
    }).catch((error: unknown) => {
      throw error instanceof CapacityError ? new CapacityError(OFFERING_GONE, { cause: error.message }) : error;
    });
    const reservedNano = await holdWithinCap(tx, ctx.team.id, now, priceNano, "reservation");
    await recordComputeUsage(tx, {
      id: `use_${id}`,
      teamId: ctx.team.id,
      product: "reservation",
      instanceTypeId: type.id,
      resourceId: id,
      ...chargeSource(ctx),
      quantitySeconds: hours * 3600 * input.instanceCount,
      costNano: priceNano,
      reservedNano,
      at: now,
    });
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "reservation.purchased",
      target: { type: "reservation", id },
      metadata: {
        name: input.name,
        regionId: input.regionId,
        instanceTypeId: type.id,
        instanceCount: input.instanceCount,
        startsAt: input.startsAt.toISOString(),
        endsAt: input.endsAt.toISOString(),
        priceNano: priceNano.toString(),
        hosts: [...new Set(placements.map((p) => p.hostId))],
      },
    });
    return toView(row);
  });
}

/** The instance type, the block's hours and its price, once the request is checked against the catalog. */
async function checkOffer(ctx: ComputeContext, input: PurchaseRequest, now: Date) {
  const { type, regionKnown } = await requireInstanceTypeAndRegion(ctx.db, input.instanceTypeId, input.regionId);
  const hours = validateWindow(input.startsAt, input.endsAt, now);
  if (type.status !== "available") {
    throw AppError.field("BAD_REQUEST", "instanceTypeId", `${type.displayName} is deprecated and can no longer be reserved.`);
  }
  if (!regionKnown) throw AppError.field("BAD_REQUEST", "regionId", `Unknown region: ${input.regionId}.`);
  const priceNano = reservationPrice(type, hours, input.instanceCount);
  if (input.priceNano !== priceNano) {
    throw new AppError("CONFLICT", "The price of this offering has changed since it was shown; search again to see the current price.", {
      priceNano: priceNano.toString(),
    });
  }
  return { type, hours, priceNano };
}

type PurchaseRequest = ReturnType<typeof purchaseReservationInput.parse>;

/** Whole hours, 1 hour to 90 days, not begun more than a few minutes ago, within the horizon; the hours. */
function validateWindow(startsAt: Date, endsAt: Date, now: Date): number {
  if (startsAt.getTime() % HOUR_MS !== 0) throw AppError.field("BAD_REQUEST", "startsAt", "Blocks start on the hour (minutes and seconds 0, UTC).");
  if (endsAt.getTime() % HOUR_MS !== 0) throw AppError.field("BAD_REQUEST", "endsAt", "Blocks end on the hour (minutes and seconds 0, UTC).");
  const hours = (endsAt.getTime() - startsAt.getTime()) / HOUR_MS;
  if (hours < 1 || hours > MAX_DURATION_HOURS) {
    throw AppError.field("BAD_REQUEST", "endsAt", `A block lasts from 1 hour to ${MAX_DURATION_HOURS / 24} days, ending after it starts.`);
  }
  if (startsAt.getTime() < now.getTime() - START_GRACE_MS) throw AppError.field("BAD_REQUEST", "startsAt", "This start time has passed; search again.");
  if (endsAt.getTime() > now.getTime() + MAX_HORIZON_DAYS * 24 * HOUR_MS) {
    throw AppError.field("BAD_REQUEST", "endsAt", `Reservations can end at most ${MAX_HORIZON_DAYS} days from now.`);
  }
  return hours;
}

function hashRequest(input: PurchaseRequest): string {
  const canonical = JSON.stringify([
    input.name,
    input.regionId,
    input.instanceTypeId,
    input.instanceCount,
    input.startsAt.toISOString(),
    input.endsAt.toISOString(),
    input.priceNano.toString(),
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

async function findByKey(db: Db, teamId: string, idempotencyKey: string): Promise<ReservationRow | undefined> {
  const [row] = await db
    .select()
    .from(reservations)
    .where(and(eq(reservations.teamId, teamId), eq(reservations.idempotencyKey, idempotencyKey)))
    .limit(1);
  return row;
}

function replay(row: ReservationRow, requestHash: string): ReservationView {
  if (row.requestHash !== requestHash) {
    throw AppError.field(
      "BAD_REQUEST",
      "idempotencyKey",
      "This idempotency key was already used for a different reservation request. Use a new key for a new purchase; reuse a key only to retry the very same request.",
    );
  }
  return toView(row);
}
