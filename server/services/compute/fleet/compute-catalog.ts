import path from "node:path";
import { z } from "zod";
import type { instanceTypes, regions } from "@/server/db/schema";
import { validateCatalogData } from "../../catalog/catalog-file";
import { readCatalogFile, type CatalogKind } from "../../catalog/load-catalog";
import { shiftDecimal } from "../../catalog/prices";

/** The compute catalog that ships with the console; COMPUTE_CATALOG_FILE replaces it. */
export const DEFAULT_COMPUTE_CATALOG_FILE = path.join(process.cwd(), "server/services/compute/fleet/default-compute.yaml");

const idSchema = z
  .string()
  .max(64, "must be at most 64 characters")
  .regex(/^[a-z0-9][a-z0-9-]*$/, "must be lowercase letters, digits and -, starting with a letter or digit");

/** USD per hour as a number (2.99) or a decimal string ("2.99"); becomes exact nano-USD per hour. */
const usdPerHour = z.unknown().transform((value, ctx) => {
  if (typeof value !== "number" && typeof value !== "string") {
    ctx.addIssue({ code: "custom", message: value === undefined ? "is required" : "must be a number of USD per hour, e.g. 2.99" });
    return z.NEVER;
  }
  const nano = shiftDecimal(value, 9);
  if (!nano.ok) {
    ctx.addIssue({
      code: "custom",
      message: nano.problem === "fraction" ? "has more than 9 decimal places" : nano.problem === "negative" ? "must be ≥ 0" : "must be a number of USD per hour, e.g. 2.99",
    });
    return z.NEVER;
  }
  return nano.value;
});

const regionSchema = z.strictObject({
  id: idSchema,
  name: z.string().trim().min(1).max(60),
  location: z.string().trim().min(1).max(100),
});

const instanceTypeSchema = z.strictObject({
  id: idSchema,
  display_name: z.string().trim().min(1).max(100),
  gpu_model: z.string().trim().min(1).max(60),
  gpu_count: z.int().min(1).max(64),
  gpu_memory_gb: z.int().min(1).max(10_000),
  vcpus: z.int().min(1).max(10_000),
  ram_gb: z.int().min(1).max(100_000),
  nvme_gb: z.int().min(0).max(10_000_000),
  network_gbps: z.int().min(1).max(100_000),
  on_demand_per_hour: usdPerHour,
  reserved_per_hour: usdPerHour,
  status: z.enum(["available", "deprecated"]).optional(),
});

const hostGroupSchema = z.strictObject({
  gpu_model: z.string().trim().min(1).max(60),
  gpus_per_host: z.int().min(1).max(64),
  hosts: z.int().min(0).max(100_000),
});

const computeFileSchema = z
  .strictObject({
    version: z.literal(1).optional(),
    regions: z.array(regionSchema).min(1),
    instance_types: z.array(instanceTypeSchema).min(1),
    fleet: z.record(z.string(), z.array(hostGroupSchema)),
  })
  .superRefine((file, ctx) => {
    const regionIds = new Set<string>();
    file.regions.forEach((r, i) => {
      if (regionIds.has(r.id)) ctx.addIssue({ code: "custom", path: ["regions", i, "id"], message: `duplicates region "${r.id}"` });
      regionIds.add(r.id);
    });
    const typeIds = new Set<string>();
    file.instance_types.forEach((t, i) => {
      if (typeIds.has(t.id)) ctx.addIssue({ code: "custom", path: ["instance_types", i, "id"], message: `duplicates instance type "${t.id}"` });
      typeIds.add(t.id);
    });
    for (const [regionId, groups] of Object.entries(file.fleet)) {
      if (!regionIds.has(regionId)) ctx.addIssue({ code: "custom", path: ["fleet", regionId], message: "is not a region listed under regions" });
      const models = new Set<string>();
      groups.forEach((group, i) => {
        if (models.has(group.gpu_model)) ctx.addIssue({ code: "custom", path: ["fleet", regionId, i, "gpu_model"], message: `lists ${group.gpu_model} twice in this region` });
        models.add(group.gpu_model);
      });
    }
    // Every instance type must fit on some host of its GPU model, or it could never launch.
    file.instance_types.forEach((t, i) => {
      const fits = Object.values(file.fleet).some((groups) => groups.some((g) => g.gpu_model === t.gpu_model && g.gpus_per_host >= t.gpu_count));
      if (!fits) {
        ctx.addIssue({ code: "custom", path: ["instance_types", i, "gpu_count"], message: `no host group of ${t.gpu_model} has ${t.gpu_count} or more GPUs per host` });
      }
    });
  });

export interface HostSpec {
  id: string;
  regionId: string;
  gpuModel: string;
  gpuSlots: number;
}

export interface ComputeCatalog {
  regions: Omit<typeof regions.$inferSelect, "sortOrder">[];
  instanceTypes: Omit<typeof instanceTypes.$inferSelect, "sortOrder">[];
  hosts: HostSpec[];
}

/** "H100 SXM" → "h100-sxm": the GPU model's part of a host id. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

export function validateComputeCatalog(data: unknown): { ok: true; value: ComputeCatalog } | { ok: false; issues: { path: string; message: string }[] } {
  const result = validateCatalogData(computeFileSchema, data);
  if (!result.ok) return result;
  const file = result.data;
  return {
    ok: true,
    value: {
      regions: file.regions.map((r) => ({ id: r.id, name: r.name, location: r.location })),
      instanceTypes: file.instance_types.map((t) => ({
        id: t.id,
        displayName: t.display_name,
        gpuModel: t.gpu_model,
        gpuCount: t.gpu_count,
        gpuMemoryGb: t.gpu_memory_gb,
        vcpus: t.vcpus,
        ramGb: t.ram_gb,
        nvmeGb: t.nvme_gb,
        networkGbps: t.network_gbps,
        onDemandNanoPerHour: t.on_demand_per_hour,
        reservedNanoPerHour: t.reserved_per_hour,
        status: t.status ?? "available",
      })),
      hosts: Object.entries(file.fleet).flatMap(([regionId, groups]) =>
        groups.flatMap((group) =>
          Array.from({ length: group.hosts }, (_, i) => ({
            id: `${regionId}-${slug(group.gpu_model)}-${String(i + 1).padStart(3, "0")}`,
            regionId,
            gpuModel: group.gpu_model,
            gpuSlots: group.gpus_per_host,
          })),
        ),
      ),
    },
  };
}

export const COMPUTE_CATALOG: CatalogKind<ComputeCatalog> = {
  name: "compute catalog",
  shape: "a mapping with `regions`, `instance_types` and `fleet`",
  validate: validateComputeCatalog,
};

/** The compute catalog: COMPUTE_CATALOG_FILE, or the default one. Throws CatalogError. */
export function loadComputeCatalog(file?: string): ComputeCatalog {
  return readCatalogFile(COMPUTE_CATALOG, { file, setting: "COMPUTE_CATALOG_FILE", defaultFile: DEFAULT_COMPUTE_CATALOG_FILE });
}
