import { and, asc, eq, inArray, isNull, min, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { computeQuotas, instances, instanceTypes, type InstanceState } from "@/server/db/schema";
import { env } from "@/server/env";
import { AppError } from "../../errors";
import { requireCompute, type ComputeContext } from "../context";

/**
 * GPU quotas: how many GPUs of each model a team may hold at once with on-demand instances. The
 * default comes from COMPUTE_DEFAULT_GPU_QUOTA; a row in `compute_quotas` overrides it per team
 * and GPU model (set by the operator with `npm run compute:quota`).
 *
 * Instances launched into a reservation do not count: their capacity was bought up front, and
 * the reservation's own size limits them.
 */

/** States in which an instance holds (or is about to hold) its GPUs. */
export const QUOTA_STATES = ["pending", "provisioning", "running", "stopping"] as const satisfies readonly InstanceState[];

export interface GpuQuotaUsage {
  gpuModel: string;
  maxGpus: number;
  usedGpus: number;
  /** True when the team has its own quota for this model rather than the default. */
  overridden: boolean;
}

export function defaultGpuQuota(): number {
  return env().COMPUTE_DEFAULT_GPU_QUOTA;
}

/** GPUs of this model held by the team's on-demand instances right now. */
async function usedGpus(db: Db | Tx, teamId: string, gpuModel?: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ gpuModel: instanceTypes.gpuModel, used: sql<string>`coalesce(sum(${instanceTypes.gpuCount}), 0)::text` })
    .from(instances)
    .innerJoin(instanceTypes, eq(instanceTypes.id, instances.instanceTypeId))
    .where(
      and(
        eq(instances.teamId, teamId),
        inArray(instances.state, [...QUOTA_STATES]),
        isNull(instances.reservationId),
        gpuModel === undefined ? undefined : eq(instanceTypes.gpuModel, gpuModel),
      ),
    )
    .groupBy(instanceTypes.gpuModel);
  return new Map(rows.map((r) => [r.gpuModel, Number(r.used)]));
}

async function quotaOverrides(db: Db | Tx, teamId: string, gpuModel?: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ gpuModel: computeQuotas.gpuModel, maxGpus: computeQuotas.maxGpus })
    .from(computeQuotas)
    .where(and(eq(computeQuotas.teamId, teamId), gpuModel === undefined ? undefined : eq(computeQuotas.gpuModel, gpuModel)));
  return new Map(rows.map((r) => [r.gpuModel, r.maxGpus]));
}

/** Usage against quota for every GPU model of the catalog, in the catalog's order. */
export async function quotaUsage(ctx: ComputeContext): Promise<GpuQuotaUsage[]> {
  requireCompute(ctx, "compute:read");
  return teamQuotaUsage(ctx.db, ctx.team.id);
}

/** The same without an acting member, for the operator's CLI; console and API go through quotaUsage. */
export async function teamQuotaUsage(db: Db, teamId: string): Promise<GpuQuotaUsage[]> {
  const models = await db
    .select({ gpuModel: instanceTypes.gpuModel })
    .from(instanceTypes)
    .groupBy(instanceTypes.gpuModel)
    .orderBy(asc(min(instanceTypes.sortOrder)), asc(instanceTypes.gpuModel));
  const [used, overrides] = await Promise.all([usedGpus(db, teamId), quotaOverrides(db, teamId)]);
  const fallback = defaultGpuQuota();
  return models.map(({ gpuModel }) => ({
    gpuModel,
    maxGpus: overrides.get(gpuModel) ?? fallback,
    usedGpus: used.get(gpuModel) ?? 0,
    overridden: overrides.has(gpuModel),
  }));
}

export interface QuotaCheck {
  gpuModel: string;
  maxGpus: number;
  usedGpus: number;
  /** What the team would hold with this launch. */
  afterGpus: number;
}

const gpus = (n: number, model: string) => `${n.toLocaleString("en")} ${model} GPU${n === 1 ? "" : "s"}`;

/**
 * Refuses a launch that would take the team past its quota for the GPU model. Call it inside the
 * transaction that inserts the instance, before inserting it: it takes a transaction-scoped
 * advisory lock per (team, GPU model), held until that transaction ends, so two launches at once
 * are counted one after the other and cannot both squeeze under the quota.
 *
 * The refusal is a CONFLICT (HTTP 409), not a BAD_REQUEST: the request is well-formed and would
 * succeed once the team frees GPUs or its quota is raised; it conflicts with the team's current
 * state. `details.quota` carries the numbers for clients that want to show them.
 */
export async function assertQuota(
  tx: Tx,
  ctx: ComputeContext,
  input: { gpuModel: string; additionalGpus: number },
): Promise<QuotaCheck> {
  const { gpuModel, additionalGpus } = input;
  if (!Number.isInteger(additionalGpus) || additionalGpus < 0) {
    throw new AppError("INTERNAL", `assertQuota needs a whole, non-negative number of GPUs, got ${additionalGpus}.`);
  }
  // Keyed by a 64-bit hash of (team, GPU model): other teams and other models do not wait on it.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`compute_quota:${ctx.team.id}:${gpuModel}`}, 0))`);
  const used = await usedGpus(tx, ctx.team.id, gpuModel);
  const overrides = await quotaOverrides(tx, ctx.team.id, gpuModel);
  const usedNow = used.get(gpuModel) ?? 0;
  const maxGpus = overrides.get(gpuModel) ?? defaultGpuQuota();
  const check = { gpuModel, maxGpus, usedGpus: usedNow, afterGpus: usedNow + additionalGpus };
  if (check.afterGpus > maxGpus) {
    throw new AppError(
      "CONFLICT",
      `This launch needs ${gpus(additionalGpus, gpuModel)}; your team uses ${usedNow.toLocaleString("en")} of its quota of ${maxGpus.toLocaleString("en")}. ` +
        "Terminate an instance or ask the provider to raise the quota.",
      { quota: { ...check, requestedGpus: additionalGpus } },
    );
  }
  return check;
}
