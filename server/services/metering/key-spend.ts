import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { apiKeySpend } from "@/server/db/schema";

export interface SpendReservation {
  apiKeyId: string;
  month: string;
  reservedNano: bigint;
}

/**
 * Reserves a request's maximum cost against a key's monthly spend limit, in one atomic statement:
 * the reservation is taken only if settled spend + open reservations + this one stay within the
 * limit. Concurrent requests therefore never overshoot the limit; the accepted spend is bounded by
 * the limit itself. Returns null when the limit would be exceeded.
 */
export async function reserveKeySpend(
  db: Db,
  input: { teamId: string; apiKeyId: string; month: string; limitNano: bigint; maxCostNano: bigint },
): Promise<SpendReservation | null> {
  if (input.maxCostNano > input.limitNano) return null;
  const rows = await db
    .insert(apiKeySpend)
    .values({
      teamId: input.teamId,
      apiKeyId: input.apiKeyId,
      month: input.month,
      spentNano: 0n,
      reservedNano: input.maxCostNano,
    })
    .onConflictDoUpdate({
      target: [apiKeySpend.apiKeyId, apiKeySpend.month],
      set: { reservedNano: sql`${apiKeySpend.reservedNano} + excluded.reserved_nano` },
      setWhere: sql`${apiKeySpend.spentNano} + ${apiKeySpend.reservedNano} + excluded.reserved_nano <= ${input.limitNano}`,
    })
    .returning({ apiKeyId: apiKeySpend.apiKeyId });
  if (rows.length === 0) return null;
  return { apiKeyId: input.apiKeyId, month: input.month, reservedNano: input.maxCostNano };
}

/** Replaces a reservation by the actual cost once the request has finished (or failed). */
export async function settleKeySpend(db: Db, reservation: SpendReservation, actualNano: bigint): Promise<void> {
  await db
    .update(apiKeySpend)
    .set({
      reservedNano: sql`greatest(${apiKeySpend.reservedNano} - ${reservation.reservedNano}, 0)`,
      spentNano: sql`${apiKeySpend.spentNano} + ${actualNano}`,
    })
    .where(and(eq(apiKeySpend.apiKeyId, reservation.apiKeyId), eq(apiKeySpend.month, reservation.month)));
}

/** Settled and reserved spend of a key in a month. */
export async function keySpend(db: Db, apiKeyId: string, month: string): Promise<{ spentNano: bigint; reservedNano: bigint }> {
  const [row] = await db
    .select({ spentNano: apiKeySpend.spentNano, reservedNano: apiKeySpend.reservedNano })
    .from(apiKeySpend)
    .where(and(eq(apiKeySpend.apiKeyId, apiKeyId), eq(apiKeySpend.month, month)));
  return row ?? { spentNano: 0n, reservedNano: 0n };
}
