import { eq } from "drizzle-orm";
import { reservations } from "@/server/db/schema";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { AppError } from "../../errors";
import { recordComputeUsage } from "../../metering/compute-usage";
import { releaseAllocations } from "../capacity";
import { requireCompute, type ComputeContext } from "../context";
import { HOUR_MS } from "./offerings";
import { chargeSource } from "./purchase";
import { reservationIdInput, type ReservationIdInput } from "./schemas";
import { requireReservation, toView, type ReservationView } from "./view";

/**
 * The refund policy: a block cancelled more than 24 hours before it starts is refunded in full
 * (extensions included); one cancelled later, but still before it starts, gets half back (rounded
 * down to the nano-USD). A block that has started cannot be cancelled.
 */
export const FULL_REFUND_NOTICE_HOURS = 24;

export function refundFor(priceNano: bigint, startsAt: Date, now: Date): bigint {
  return startsAt.getTime() - now.getTime() > FULL_REFUND_NOTICE_HOURS * HOUR_MS ? priceNano : priceNano / 2n;
}

/**
 * Cancels a block that has not started: frees its slots, refunds by the policy above (a negative
 * charge in the usage ledger, so that spend nets out) and records who did it, in one transaction.
 */
export async function cancelReservation(ctx: ComputeContext, rawInput: ReservationIdInput): Promise<ReservationView> {
  requireCompute(ctx, "compute:write");
  const { reservationId } = reservationIdInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const row = await requireReservation(tx, ctx.team.id, reservationId, true);
    const now = ctx.now();
    if (row.state === "cancelled") throw new AppError("CONFLICT", "This reservation is already cancelled.");
    if (row.state !== "scheduled" || now.getTime() >= row.startsAt.getTime()) {
      throw new AppError("CONFLICT", `This reservation started at ${row.startsAt.toISOString()}; only a reservation that has not started can be cancelled.`);
    }
    const refundNano = refundFor(row.priceNano, row.startsAt, now);
    const seconds = (row.endsAt.getTime() - row.startsAt.getTime()) / 1000;
    await releaseAllocations(tx, { ownerType: "reservation", ownerId: row.id }, now);
    await recordComputeUsage(tx, {
      id: `use_${row.id}_refund`,
      teamId: ctx.team.id,
      product: "reservation",
      instanceTypeId: row.instanceTypeId,
      resourceId: row.id,
      ...chargeSource(ctx),
      // The time is no longer held at all; the cost is what the policy gives back.
      quantitySeconds: -seconds * row.instanceCount,
      costNano: -refundNano,
      at: now,
    });
    const [updated] = await tx
      .update(reservations)
      .set({ state: "cancelled", refundNano, cancelledAt: now, updatedAt: now })
      .where(eq(reservations.id, row.id))
      .returning();
    await recordAuditEvent(tx, ctx, {
      teamId: ctx.team.id,
      action: "reservation.cancelled",
      target: { type: "reservation", id: row.id },
      metadata: {
        name: row.name,
        startsAt: row.startsAt.toISOString(),
        priceNano: row.priceNano.toString(),
        refundNano: refundNano.toString(),
        fullRefund: refundNano === row.priceNano,
      },
    });
    return toView(updated!);
  });
}
