import { and, eq, or } from "drizzle-orm";
import { computeQuotas, instanceTypes, teams } from "@/server/db/schema";
import { recordAuditEvent } from "../../audit/record-audit-event";
import type { Db } from "@/server/db";
import type { ServiceContext } from "../../context";
import { AppError } from "../../errors";
import { defaultGpuQuota } from "./quotas";

export interface SetGpuQuotaInput {
  /** The team's slug or id. */
  team: string;
  gpuModel: string;
  /** The new quota; null removes the team's own quota so that the default applies again. */
  maxGpus: number | null;
}

export interface SetGpuQuotaResult {
  team: { id: string; slug: string; name: string };
  gpuModel: string;
  previous: number;
  maxGpus: number;
  overridden: boolean;
}

/** A team by slug or id, for the operator, who knows teams by their URL. */
export async function findTeam(db: Db, slugOrId: string): Promise<SetGpuQuotaResult["team"]> {
  const [team] = await db
    .select({ id: teams.id, slug: teams.slug, name: teams.name })
    .from(teams)
    .where(or(eq(teams.slug, slugOrId), eq(teams.id, slugOrId)))
    .limit(1);
  if (!team) throw AppError.field("NOT_FOUND", "team", `No team has the slug or id “${slugOrId}”.`);
  return team;
}

/**
 * The operator's door (`npm run compute:quota`), not a team's: nobody in a team may raise their own
 * quota. Recorded in the team's activity as done by the system.
 */
export async function setGpuQuota(ctx: ServiceContext, input: SetGpuQuotaInput): Promise<SetGpuQuotaResult> {
  if (input.maxGpus !== null && (!Number.isInteger(input.maxGpus) || input.maxGpus < 0 || input.maxGpus > 1_000_000)) {
    throw AppError.field("BAD_REQUEST", "maxGpus", "The quota is a whole number of GPUs from 0 to 1,000,000.");
  }
  const team = await findTeam(ctx.db, input.team);

  const models = (await ctx.db.selectDistinct({ gpuModel: instanceTypes.gpuModel }).from(instanceTypes)).map((m) => m.gpuModel).sort();
  const gpuModel = models.find((m) => m === input.gpuModel) ?? models.find((m) => m.toLowerCase() === input.gpuModel.trim().toLowerCase());
  if (!gpuModel) {
    throw AppError.field("BAD_REQUEST", "gpuModel", `Unknown GPU model “${input.gpuModel}”. Known models: ${models.join(", ") || "none (is the compute catalog seeded?)"}.`);
  }

  const fallback = defaultGpuQuota();
  return ctx.db.transaction(async (tx) => {
    const where = and(eq(computeQuotas.teamId, team.id), eq(computeQuotas.gpuModel, gpuModel));
    const [current] = await tx.select({ maxGpus: computeQuotas.maxGpus }).from(computeQuotas).where(where).for("update");
    const previous = current?.maxGpus ?? fallback;
    if (input.maxGpus === null) {
      await tx.delete(computeQuotas).where(where);
    } else {
      await tx
        .insert(computeQuotas)
        .values({ teamId: team.id, gpuModel, maxGpus: input.maxGpus })
        .onConflictDoUpdate({ target: [computeQuotas.teamId, computeQuotas.gpuModel], set: { maxGpus: input.maxGpus } });
    }
    const maxGpus = input.maxGpus ?? fallback;
    await recordAuditEvent(tx, ctx, {
      teamId: team.id,
      action: "compute.quota_set",
      target: { type: "team", id: team.id },
      metadata: { gpuModel, from: previous, to: maxGpus, default: input.maxGpus === null },
    });
    return { team, gpuModel, previous, maxGpus, overridden: input.maxGpus !== null };
  });
}
