import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { auditEvents, instances } from "@/server/db/schema";
import { costForSeconds, recordComputeUsage } from "../../metering/compute-usage";
import type { Logger } from "../../context";
import type { InstanceRow } from "./lifecycle";

const HOUR_MS = 3_600_000;

/** Whole seconds from running to `endedAt`: the billed quantity. */
export function billableSeconds(runningAt: Date | null, endedAt: Date): number {
  if (!runningAt) return 0;
  return Math.max(0, Math.floor((endedAt.getTime() - runningAt.getTime()) / 1000));
}

/**
 * Writes the instance's running time from where its billing stopped (`billed_until`) up to
 * `until` to the usage ledger: one event per UTC hour, id `use_ins_<instance>_<hour>`, dated at
 * the start of its part of the hour, so that spend lands in the right hour, day and month even for
 * an instance that runs across a month's end. Quantities and costs are differences of the
 * cumulative per-second bill since running, so the parts always add up to exactly what one bill
 * for the whole run would be. Runs inside the caller's transaction, with the row locked; a
 * reservation-backed instance gets events at cost 0, which show how much of the block was used.
 */
export async function billRunningTime(tx: Tx, instance: InstanceRow, until: Date): Promise<number> {
  const runningAt = instance.runningAt;
  if (!runningAt) return 0;
  const from = instance.billedUntil ?? runningAt;
  if (until.getTime() <= from.getTime()) return 0;
  const launcher = await launchedBy(tx, instance);
  let written = 0;
  for (let start = from; start.getTime() < until.getTime(); ) {
    const nextHour = new Date(Math.floor(start.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
    const end = nextHour.getTime() < until.getTime() ? nextHour : until;
    const before = billableSeconds(runningAt, start);
    const after = billableSeconds(runningAt, end);
    const hour = new Date(Math.floor(start.getTime() / HOUR_MS) * HOUR_MS);
    const wrote = await recordComputeUsage(tx, {
      id: `use_ins_${instance.id}_${hour.toISOString().slice(0, 13)}`,
      teamId: instance.teamId,
      product: "instance_hours",
      instanceTypeId: instance.instanceTypeId,
      resourceId: instance.id,
      userId: launcher.userId,
      apiKeyId: launcher.apiKeyId,
      source: launcher.apiKeyId ? "api" : "console",
      quantitySeconds: after - before,
      costNano: costForSeconds(instance.priceNanoPerHour, after) - costForSeconds(instance.priceNanoPerHour, before),
      at: start,
    });
    if (wrote) written += 1;
    start = end;
  }
  await tx.update(instances).set({ billedUntil: until }).where(eq(instances.id, instance.id));
  return written;
}

/**
 * Bills every running instance's closed hours. The worker's tick calls it, so spend pages, budget
 * alerts and invoices see instance time within the hour rather than at termination.
 */
export async function meterRunningInstances(db: Db, now: Date, log: Logger): Promise<number> {
  const hourStart = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const due = await db
    .select({ id: instances.id })
    .from(instances)
    .where(
      and(
        sql`${instances.runningAt} is not null and ${instances.terminatedAt} is null`,
        sql`${instances.state} in ('running', 'stopping')`,
        sql`coalesce(${instances.billedUntil}, ${instances.runningAt}) < ${hourStart.toISOString()}::timestamptz`,
      ),
    );
  let written = 0;
  for (const { id } of due) {
    try {
      written += await db.transaction(async (tx) => {
        const [row] = await tx.select().from(instances).where(eq(instances.id, id)).for("update");
        // Terminated meanwhile: the final move has billed it.
        if (!row || row.terminatedAt || (row.state !== "running" && row.state !== "stopping")) return 0;
        return billRunningTime(tx, row, hourStart);
      });
    } catch (error) {
      log.error("metering an instance failed", { instanceId: id, error: String(error) });
    }
  }
  return written;
}

/**
 * Who launched the instance, for attributing its usage (key spend limits count it). The launch's
 * audit event has it for both doors; created_by alone cannot tell an API key from a deleted member.
 */
async function launchedBy(tx: Tx, instance: InstanceRow): Promise<{ userId: string | null; apiKeyId: string | null }> {
  const [launch] = await tx
    .select({ actorType: auditEvents.actorType, actorId: auditEvents.actorId })
    .from(auditEvents)
    .where(and(eq(auditEvents.teamId, instance.teamId), eq(auditEvents.targetId, instance.id), eq(auditEvents.action, "instance.launched")))
    .orderBy(desc(auditEvents.createdAt))
    .limit(1);
  if (launch?.actorType === "api_key") return { userId: null, apiKeyId: launch.actorId };
  return { userId: instance.createdBy, apiKeyId: null };
}
