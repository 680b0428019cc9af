import { eq } from "drizzle-orm";
import { reservations } from "@/server/db/schema";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { AppError } from "../../errors";
import { recordComputeUsage } from "../../metering/compute-usage";
import { releaseAllocations } from "../capacity";
import { requireCompute, type ComputeContext } from "../context";
import { chargeSource } from "./purchase";
import { refundFor } from "./refund-policy";
import { reservationIdInput, type ReservationIdInput } from "./schemas";
import { requireReservation, toView, type ReservationView } from "./view";

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
