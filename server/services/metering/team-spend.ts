import { and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { teamSpend } from "@/server/db/schema";

/**
 * Reserves `amountNano` against a team's monthly budget cap in one atomic statement, as per-key
 * spend limits do (key-spend.ts): taken only if the month's recorded spend + open reservations +
 * this one stay within the cap. The usage event that records the actual charge releases the
 * reservation (its `reserved_nano`), in the same statement that adds the charge to the month's
 * spend, so concurrent requests can never push accepted spend past the cap.
 */
export async function reserveTeamSpend(
  db: Db | Tx,
  input: { teamId: string; month: string; capNano: bigint; amountNano: bigint },
): Promise<boolean> {
  if (input.amountNano > input.capNano) return false;
  const rows = await db
    .insert(teamSpend)
    .values({ teamId: input.teamId, month: input.month, spentNano: 0n, reservedNano: input.amountNano })
    .onConflictDoUpdate({
      target: [teamSpend.teamId, teamSpend.month],
      set: { reservedNano: sql`${teamSpend.reservedNano} + excluded.reserved_nano` },
      setWhere: sql`${teamSpend.spentNano} + ${teamSpend.reservedNano} + excluded.reserved_nano <= ${input.capNano}`,
    })
    .returning({ teamId: teamSpend.teamId });
  return rows.length > 0;
}

/** Gives back a reservation whose charge will never be recorded (the request was refused after all). */
export async function releaseTeamSpend(db: Db | Tx, input: { teamId: string; month: string; amountNano: bigint }): Promise<void> {
  await db
    .update(teamSpend)
    .set({ reservedNano: sql`greatest(${teamSpend.reservedNano} - ${input.amountNano}, 0)` })
    .where(and(eq(teamSpend.teamId, input.teamId), eq(teamSpend.month, input.month)));
}

/** Recorded and reserved spend of a team in a month. */
export async function teamSpendOf(db: Db | Tx, teamId: string, month: string): Promise<{ spentNano: bigint; reservedNano: bigint }> {
  const [row] = await db
    .select({ spentNano: teamSpend.spentNano, reservedNano: teamSpend.reservedNano })
    .from(teamSpend)
    .where(and(eq(teamSpend.teamId, teamId), eq(teamSpend.month, month)));
  return row ?? { spentNano: 0n, reservedNano: 0n };
}
