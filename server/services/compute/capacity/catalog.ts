import { asc, eq, sql } from "drizzle-orm";
import { hosts, instanceTypes, regions, type InstanceTypeStatus } from "@/server/db/schema";
import { requireCompute, type ComputeContext } from "../context";

export interface CatalogInstanceType {
  id: string;
  displayName: string;
  gpuModel: string;
  gpuCount: number;
  gpuMemoryGb: number;
  vcpus: number;
  ramGb: number;
  nvmeGb: number;
  networkGbps: number;
  status: InstanceTypeStatus;
  /** Exact decimal USD per instance-hour, e.g. "2.99", and the same in nano-USD as a string. */
  onDemandUsdPerHour: string;
  onDemandNanoPerHour: string;
  reservedUsdPerHour: string;
  reservedNanoPerHour: string;
  /** Regions with active hosts that can hold this type. */
  regionIds: string[];
}

export interface ComputeCatalogView {
  regions: { id: string; name: string; location: string }[];
  instanceTypes: CatalogInstanceType[];
}

/** 2_990_000_000n → "2.99", 1_000_000_000n → "1.00": exact, at least cents, no trailing zeros beyond. */
export function nanoToUsd(nano: bigint): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${negative ? "-" : ""}${abs / 1_000_000_000n}.${fraction}`;
}

/** What the console lists to launch or reserve: regions and instance types, in catalog order. */
export async function getComputeCatalog(ctx: ComputeContext): Promise<ComputeCatalogView> {
  requireCompute(ctx, "compute:read");
  const regionRows = await ctx.db.select({ id: regions.id, name: regions.name, location: regions.location }).from(regions).orderBy(asc(regions.sortOrder), asc(regions.id));
  const types = await ctx.db.select().from(instanceTypes).orderBy(asc(instanceTypes.sortOrder), asc(instanceTypes.id));
  const offered = await ctx.db
    .select({ gpuModel: hosts.gpuModel, regionId: hosts.regionId, gpuSlots: sql<number>`max(${hosts.gpuSlots})::int` })
    .from(hosts)
    .where(eq(hosts.state, "active"))
    .groupBy(hosts.gpuModel, hosts.regionId);
  const order = new Map(regionRows.map((r, i) => [r.id, i]));
  return {
    regions: regionRows,
    instanceTypes: types.map((t) => ({
      id: t.id,
      displayName: t.displayName,
      gpuModel: t.gpuModel,
      gpuCount: t.gpuCount,
      gpuMemoryGb: t.gpuMemoryGb,
      vcpus: t.vcpus,
      ramGb: t.ramGb,
      nvmeGb: t.nvmeGb,
      networkGbps: t.networkGbps,
      status: t.status,
      onDemandUsdPerHour: nanoToUsd(t.onDemandNanoPerHour),
      onDemandNanoPerHour: t.onDemandNanoPerHour.toString(),
      reservedUsdPerHour: nanoToUsd(t.reservedNanoPerHour),
      reservedNanoPerHour: t.reservedNanoPerHour.toString(),
      regionIds: offered
        .filter((o) => o.gpuModel === t.gpuModel && o.gpuSlots >= t.gpuCount)
        .map((o) => o.regionId)
        .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    })),
  };
}
