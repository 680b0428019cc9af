import { and, asc, desc, eq } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { allocations, reservations, type ReservationState } from "@/server/db/schema";
import { AppError } from "../../errors";
import type { Placement } from "../capacity";
import { requireCompute, type ComputeContext } from "../context";
import { reservationIdInput, type ReservationIdInput } from "./schemas";

export const RESERVATION_NOT_FOUND = "Reservation not found.";

export type ReservationRow = typeof reservations.$inferSelect;

export interface ReservationView {
  id: string;
  name: string;
  instanceTypeId: string;
  regionId: string;
  instanceCount: number;
  startsAt: Date;
  endsAt: Date;
  state: ReservationState;
  /** Everything charged for the block, purchase and extensions, in nano-USD. */
  priceNano: bigint;
  refundNano: bigint;
  extensions: number;
  endWarningSentAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
}

export interface ReservationDetail extends ReservationView {
  /** Where the block's instances run: one entry per instance, each on one host. Empty once cancelled. */
  placements: Placement[];
}

export function toView(row: ReservationRow): ReservationView {
  return {
    id: row.id,
    name: row.name,
    instanceTypeId: row.instanceTypeId,
    regionId: row.regionId,
    instanceCount: row.instanceCount,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    state: row.state,
    priceNano: row.priceNano,
    refundNano: row.refundNano,
    extensions: row.extensions,
    endWarningSentAt: row.endWarningSentAt,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    cancelledAt: row.cancelledAt,
  };
}

/** The team's reservation, locked for the rest of the transaction when `forUpdate`; NOT_FOUND for any other team's. */
export async function requireReservation(db: Db | Tx, teamId: string, reservationId: string, forUpdate = false): Promise<ReservationRow> {
  const query = db
    .select()
    .from(reservations)
    .where(and(eq(reservations.teamId, teamId), eq(reservations.id, reservationId)))
    .limit(1);
  const [row] = forUpdate ? await query.for("update") : await query;
  if (!row) throw new AppError("NOT_FOUND", RESERVATION_NOT_FOUND);
  return row;
}

/** The team's reservations, the latest start first. */
export async function listReservations(ctx: ComputeContext): Promise<ReservationView[]> {
  requireCompute(ctx, "compute:read");
  const rows = await ctx.db.select().from(reservations).where(eq(reservations.teamId, ctx.team.id)).orderBy(desc(reservations.startsAt), desc(reservations.createdAt));
  return rows.map(toView);
}

export async function getReservation(ctx: ComputeContext, rawInput: ReservationIdInput): Promise<ReservationDetail> {
  requireCompute(ctx, "compute:read");
  const { reservationId } = reservationIdInput.parse(rawInput);
  const row = await requireReservation(ctx.db, ctx.team.id, reservationId);
  return { ...toView(row), placements: await placementsOf(ctx.db, row) };
}

/**
 * The block's instances' GPUs. The ledger keeps one row per slot, not which slots make an instance;
 * any `gpus per instance` slots of one host do, so each host's slots are cut in order.
 */
export async function placementsOf(db: Db | Tx, row: Pick<ReservationRow, "id" | "teamId" | "instanceCount">): Promise<Placement[]> {
  const slots = await db
    .select({ hostId: allocations.hostId, slot: allocations.slot })
    .from(allocations)
    .where(and(eq(allocations.teamId, row.teamId), eq(allocations.ownerType, "reservation"), eq(allocations.ownerId, row.id)))
    .orderBy(asc(allocations.hostId), asc(allocations.slot));
  const byHost = new Map<string, number[]>();
  for (const s of slots) {
    const held = byHost.get(s.hostId) ?? [];
    if (!held.includes(s.slot)) held.push(s.slot);
    byHost.set(s.hostId, held);
  }
  const total = [...byHost.values()].reduce((n, held) => n + held.length, 0);
  if (total === 0) return [];
  const perInstance = Math.max(1, Math.floor(total / row.instanceCount));
  const placements: Placement[] = [];
  for (const [hostId, held] of byHost) {
    for (let i = 0; i < held.length; i += perInstance) placements.push({ hostId, slots: held.slice(i, i + perInstance) });
  }
  return placements;
}
