import { eq } from "drizzle-orm";
import { reservations } from "@/server/db/schema";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { AppError } from "../../errors";
import { holdWithinCap } from "../../budgets/cap";
import { recordComputeUsage } from "../../metering/compute-usage";
import { extendAllocations, requireInstanceType } from "../capacity";
import { requireCompute, type ComputeContext } from "../context";
import { HOUR_MS, reservationPrice } from "./offerings";
import { chargeSource } from "./purchase";
import { extendReservationInput, MAX_DURATION_HOURS, type ExtendReservationInput } from "./schemas";
import { requireReservation, toView, type ReservationView } from "./view";

/**
 * Adds `hours` to the end of a scheduled or active block, on the very same hosts and slots (its
 * instances keep their GPUs), and charges them up front at today's reserved price. With an
 * idempotency key, a retry returns the block without extending it again; the key is kept on the
 * reservation row, which is locked while extending, so concurrent retries see each other.
 */
export async function extendReservation(ctx: ComputeContext, rawInput: ExtendReservationInput): Promise<ReservationView> {
  requireCompute(ctx, "compute:write");
  const input = extendReservationInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const row = await requireReservation(tx, ctx.team.id, input.reservationId, true);
    const now = ctx.now();
    const done = input.idempotencyKey ? row.extensionKeys[input.idempotencyKey] : undefined;
    if (done) {
      if (done.hours !== input.hours) {
        throw AppError.field("BAD_REQUEST", "idempotencyKey", "This idempotency key was already used to extend this reservation by a different number of hours. Use a new key for a new extension.");
      }
      return toView(row);
    }
    if ((row.state !== "scheduled" && row.state !== "active") || now.getTime() >= row.endsAt.getTime()) {
      throw new AppError("CONFLICT", `This reservation is ${row.state === "active" ? "over" : row.state}; only a scheduled or active reservation can be extended.`);
    }
    const totalHours = (row.endsAt.getTime() - row.startsAt.getTime()) / HOUR_MS + input.hours;
    if (totalHours > MAX_DURATION_HOURS) {
      const room = MAX_DURATION_HOURS - (totalHours - input.hours);
      throw AppError.field("BAD_REQUEST", "hours", `A block lasts at most ${MAX_DURATION_HOURS / 24} days in all: this one can grow by ${room} more hour${room === 1 ? "" : "s"}.`);
    }
    const type = await requireInstanceType(tx, row.instanceTypeId);
    const newEnd = new Date(row.endsAt.getTime() + input.hours * HOUR_MS);
    const moved = await extendAllocations(tx, { ownerType: "reservation", ownerId: row.id }, row.endsAt, newEnd);
    if (moved !== row.instanceCount * type.gpuCount) {
      throw new AppError("INTERNAL", `Reservation ${row.id} holds ${moved} GPU slots up to its end instead of ${row.instanceCount * type.gpuCount}.`);
    }
    const extraNano = reservationPrice(type, input.hours, row.instanceCount);
    const n = row.extensions + 1;
    const reservedNano = await holdWithinCap(tx, ctx.team.id, now, extraNano, "reservation");
    await recordComputeUsage(tx, {
      id: `use_${row.id}_ext_${n}`,
      teamId: ctx.team.id,
      product: "reservation",
      instanceTypeId: row.instanceTypeId,
      resourceId: row.id,
      ...chargeSource(ctx),
      quantitySeconds: input.hours * 3600 * row.instanceCount,
      costNano: extraNano,
      reservedNano,
      at: now,
    });
    const [updated] = await tx
      .update(reservations)
      .set({
        endsAt: newEnd,
        priceNano: row.priceNano + extraNano,
        extensions: n,
        extensionKeys: input.idempotencyKey ? { ...row.extensionKeys, [input.idempotencyKey]: { hours: input.hours, n } } : row.extensionKeys,
        // A new end deserves its own warning.
        endWarningSentAt: null,
        updatedAt: now,
      })
      .where(eq(reservations.id, row.id))
      .returning();
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "reservation.extended",
      target: { type: "reservation", id: row.id },
      metadata: { hours: input.hours, from: row.endsAt.toISOString(), to: newEnd.toISOString(), priceNano: extraNano.toString(), extension: n },
    });
    return toView(updated!);
  });
}
