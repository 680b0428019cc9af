import { and, eq, gt, inArray, isNull, lte } from "drizzle-orm";
import type { Db } from "@/server/db";
import { reservations, teams } from "@/server/db/schema";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { notifyRoles } from "../../notifications/notifications";
import { systemContext, type Logger } from "../../context";
import { HOUR_MS } from "./offerings";

/** How long before its end a block's end warning goes out. */
export const END_WARNING_BEFORE_MS = HOUR_MS;

export interface AdvanceOptions {
  /**
   * Called for each block whose end has come, before it is marked completed: terminate the
   * instances still running in it. It must be idempotent: when it throws, the block stays as it
   * is and the next step calls it again.
   */
  onEnded?: (reservationId: string) => Promise<void>;
}

export interface AdvanceResult {
  started: string[];
  warned: string[];
  completed: string[];
}

/**
 * The worker's periodic step for capacity blocks, safe to run as often as wanted and from several
 * workers at once (every change is a conditional update on the current state):
 * - a block whose end has come is completed (after `onEnded`), whatever state it was in;
 * - a scheduled block whose start has come becomes active;
 * - an active block ending within the hour gets `end_warning_sent_at`, the console shows a banner,
 *   and the team's owners, admins and developers get a notification (once per end: an extension
 *   clears the mark and a new end warns again).
 * Starts and completions are recorded in the team's audit log as the system's doing.
 */
export async function advanceReservations(db: Db, now: Date, log: Logger, options: AdvanceOptions = {}): Promise<AdvanceResult> {
  const ctx = systemContext(db, () => now, log);
  const result: AdvanceResult = { started: [], warned: [], completed: [] };

  const ending = await db
    .select({ id: reservations.id })
    .from(reservations)
    .where(and(inArray(reservations.state, ["scheduled", "active"]), lte(reservations.endsAt, now)));
  for (const { id } of ending) {
    try {
      await options.onEnded?.(id);
    } catch (error) {
      log.error("reservation end hook failed; will retry", { reservationId: id, error: String(error) });
      continue;
    }
    await db.transaction(async (tx) => {
      const [done] = await tx
        .update(reservations)
        .set({ state: "completed", updatedAt: now })
        .where(and(eq(reservations.id, id), inArray(reservations.state, ["scheduled", "active"]), lte(reservations.endsAt, now)))
        .returning();
      if (!done) return;
      result.completed.push(id);
      await recordAuditEvent(tx, ctx, { teamId: done.teamId, action: "reservation.completed", target: { type: "reservation", id }, metadata: { endsAt: done.endsAt.toISOString() } });
    });
  }

  await db.transaction(async (tx) => {
    const started = await tx
      .update(reservations)
      .set({ state: "active", updatedAt: now })
      .where(and(eq(reservations.state, "scheduled"), lte(reservations.startsAt, now), gt(reservations.endsAt, now)))
      .returning({ id: reservations.id, teamId: reservations.teamId, startsAt: reservations.startsAt });
    for (const r of started) {
      result.started.push(r.id);
      await recordAuditEvent(tx, ctx, { teamId: r.teamId, action: "reservation.started", target: { type: "reservation", id: r.id }, metadata: { startsAt: r.startsAt.toISOString() } });
    }
  });

  const warned = await db.transaction(async (tx) => {
    const rows = await tx
      .update(reservations)
      .set({ endWarningSentAt: now, updatedAt: now })
      .where(
        and(
          eq(reservations.state, "active"),
          isNull(reservations.endWarningSentAt),
          gt(reservations.endsAt, now),
          lte(reservations.endsAt, new Date(now.getTime() + END_WARNING_BEFORE_MS)),
        ),
      )
      .returning({ id: reservations.id, teamId: reservations.teamId, name: reservations.name, endsAt: reservations.endsAt });
    for (const r of rows) {
      const [team] = await tx.select({ slug: teams.slug }).from(teams).where(eq(teams.id, r.teamId));
      const minutes = Math.max(1, Math.round((r.endsAt.getTime() - now.getTime()) / 60_000));
      await notifyRoles(tx, ["owner", "admin", "developer"], {
        teamId: r.teamId,
        kind: "reservation_ending",
        title: `Capacity block ${r.name} ends in ${minutes} minutes`,
        body: `At ${r.endsAt.toISOString().slice(11, 16)} UTC its instances are terminated and the capacity returns. Extend it if capacity allows, or save your work.`,
        href: team ? `/${team.slug}/reservations/${r.id}` : null,
        dedupeKey: `reservation-ending:${r.id}:${r.endsAt.toISOString()}`,
      }, now);
    }
    return rows;
  });
  result.warned = warned.map((r) => r.id);

  if (result.started.length + result.warned.length + result.completed.length > 0) {
    log.info("reservations advanced", { started: result.started.length, warned: result.warned.length, completed: result.completed.length });
  }
  return result;
}
