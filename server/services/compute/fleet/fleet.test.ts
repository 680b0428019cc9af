import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hosts, instanceTypes, regions } from "@/server/db/schema";
import { openTestDatabase } from "@/server/db/testing";
import { CatalogError } from "../../catalog";
import { parseCatalogText } from "../../catalog/load-catalog";
import { COMPUTE_CATALOG, loadComputeCatalog, seedComputeCatalog } from ".";

const parse = (text: string) => parseCatalogText(COMPUTE_CATALOG, text, { format: "yaml", source: "COMPUTE_CATALOG_FILE" });

const SMALL = `
regions:
  - { id: r1, name: Region one, location: Somewhere }
instance_types:
  - { id: t1, display_name: 1x X, gpu_model: X, gpu_count: 1, gpu_memory_gb: 80, vcpus: 8, ram_gb: 64, nvme_gb: 100, network_gbps: 10, on_demand_per_hour: "2.5", reserved_per_hour: 2 }
fleet:
  r1:
    - { gpu_model: X, gpus_per_host: 4, hosts: 3 }
`;

describe("the compute catalog file", () => {
  it("the default catalog is valid: several regions, single- and 8-GPU types, and a fleet behind each type", () => {
    const catalog = loadComputeCatalog();
    expect(catalog.regions.length).toBeGreaterThanOrEqual(3);
    expect(catalog.instanceTypes.some((t) => t.gpuCount === 1)).toBe(true);
    expect(catalog.instanceTypes.some((t) => t.gpuCount === 8)).toBe(true);
    expect(catalog.hosts.length).toBeGreaterThan(50);
    const h100 = catalog.instanceTypes.find((t) => t.id === "gpu-8x-h100-sxm")!;
    expect(h100.onDemandNanoPerHour).toBe(23_920_000_000n);
    expect(new Set(catalog.hosts.map((h) => h.id)).size).toBe(catalog.hosts.length);
  });

  it("turns prices into exact nano-USD and numbers hosts stably", () => {
    const catalog = parse(SMALL);
    expect(catalog.instanceTypes[0]).toMatchObject({ onDemandNanoPerHour: 2_500_000_000n, reservedNanoPerHour: 2_000_000_000n, status: "available" });
    expect(catalog.hosts.map((h) => h.id)).toEqual(["r1-x-001", "r1-x-002", "r1-x-003"]);
  });

  it("names the field of every problem", () => {
    const bad = SMALL.replace('on_demand_per_hour: "2.5"', 'on_demand_per_hour: "-1"').replace("gpus_per_host: 4, hosts: 3", "gpus_per_host: 4, hosts: 3, racks: 2");
    const error = (() => {
      try {
        parse(bad);
      } catch (e) {
        return e as CatalogError;
      }
    })();
    expect(error).toBeInstanceOf(CatalogError);
    expect(error!.message).toContain("COMPUTE_CATALOG_FILE instance_types[0].on_demand_per_hour: must be ≥ 0");
    expect(error!.message).toContain("COMPUTE_CATALOG_FILE fleet.r1[0].racks: unknown field");
    expect(() => parse(SMALL.replace("fleet:\n  r1:", "fleet:\n  r2:"))).toThrow("COMPUTE_CATALOG_FILE fleet.r2: is not a region listed under regions");
  });

  it("refuses an instance type that no host could hold", () => {
    expect(() => parse(SMALL.replace("gpu_count: 1", "gpu_count: 8"))).toThrow("instance_types[0].gpu_count: no host group of X has 8 or more GPUs per host");
  });
});

describe("seeding the fleet", () => {
  it("inserts, updates, deprecates what the file dropped and drains hosts it no longer lists", async () => {
    const { db } = await openTestDatabase();
    await seedComputeCatalog(db, parse(SMALL));
    expect(await db.select().from(hosts)).toHaveLength(3);
    const smaller = SMALL.replace("hosts: 3", "hosts: 2").replace("display_name: 1x X", "display_name: One X");
    await seedComputeCatalog(db, parse(smaller));
    expect((await db.select().from(hosts).where(eq(hosts.id, "r1-x-003")))[0]!.state).toBe("draining");
    expect((await db.select().from(hosts).where(eq(hosts.id, "r1-x-002")))[0]!.state).toBe("active");
    expect((await db.select().from(instanceTypes))[0]!.displayName).toBe("One X");
    await seedComputeCatalog(db, parse(SMALL));
    expect((await db.select().from(hosts).where(eq(hosts.id, "r1-x-003")))[0]!.state).toBe("active");
    expect(await db.select().from(regions)).toHaveLength(1);
  });

  it("seeds the default fleet", async () => {
    const { db } = await openTestDatabase();
    const seeded = await seedComputeCatalog(db, loadComputeCatalog());
    expect(await db.$count(hosts)).toBe(seeded.hosts);
  });
});
