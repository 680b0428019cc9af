import type { Db, Tx } from "@/server/db";
import { insertUsageEvents } from "./usage-writer";

export { costForSeconds } from "./cost";

export interface ComputeUsage {
  /** Deterministic, e.g. `use_ins_<instance id>`: written twice, it counts once. */
  id: string;
  teamId: string;
  product: "instance_hours" | "reservation";
  instanceTypeId: string;
  resourceId: string;
  userId: string | null;
  apiKeyId: string | null;
  source: "console" | "api";
  quantitySeconds: number;
  costNano: bigint;
  /** A budget reservation taken for this charge, released as the charge is recorded. */
  reservedNano?: bigint;
  at: Date;
}

/**
 * Writes one instance-time or reservation charge to the usage ledger, inside the caller's
 * transaction so that the charge and the state change that causes it commit together. A retry
 * (same id) writes nothing.
 */
export async function recordComputeUsage(db: Db | Tx, usage: ComputeUsage): Promise<boolean> {
  const written = await insertUsageEvents(db, [
    {
      id: usage.id,
      teamId: usage.teamId,
      product: usage.product,
      instanceTypeId: usage.instanceTypeId,
      resourceId: usage.resourceId,
      userId: usage.userId,
      apiKeyId: usage.apiKeyId,
      source: usage.source,
      quantitySeconds: usage.quantitySeconds,
      costNano: usage.costNano,
      reservedNano: usage.reservedNano ?? 0n,
      status: "ok",
      createdAt: usage.at,
    },
  ]);
  return written > 0;
}
