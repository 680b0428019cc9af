import { notInArray, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { hosts, instanceTypes, regions } from "@/server/db/schema";
import { forgetCatalogCopies } from "../capacity/instance-types";
import type { ComputeCatalog } from "./compute-catalog";

// Arbitrary constant: replicas starting together seed one after the other.
const SEED_LOCK_ID = 7_270_736_11;

/**
 * Makes regions, instance types and hosts match the catalog, in one transaction. Nothing is
 * deleted, since instances, reservations and allocations refer to these rows: an instance type the
 * file no longer lists becomes deprecated, and a host it no longer lists is drained (it takes no
 * new allocations; what it holds runs to its end).
 */
export async function seedComputeCatalog(db: Db, catalog: ComputeCatalog): Promise<{ regions: number; instanceTypes: number; hosts: number }> {
  const seeded = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_ID})`);
    await tx
      .insert(regions)
      .values(catalog.regions.map((r, i) => ({ ...r, sortOrder: i })))
      .onConflictDoUpdate({ target: regions.id, set: { name: sql`excluded.name`, location: sql`excluded.location`, sortOrder: sql`excluded.sort_order` } });
    await tx
      .insert(instanceTypes)
      .values(catalog.instanceTypes.map((t, i) => ({ ...t, sortOrder: i })))
      .onConflictDoUpdate({
        target: instanceTypes.id,
        set: {
          displayName: sql`excluded.display_name`,
          gpuModel: sql`excluded.gpu_model`,
          gpuCount: sql`excluded.gpu_count`,
          gpuMemoryGb: sql`excluded.gpu_memory_gb`,
          vcpus: sql`excluded.vcpus`,
          ramGb: sql`excluded.ram_gb`,
          nvmeGb: sql`excluded.nvme_gb`,
          networkGbps: sql`excluded.network_gbps`,
          onDemandNanoPerHour: sql`excluded.on_demand_nano_per_hour`,
          reservedNanoPerHour: sql`excluded.reserved_nano_per_hour`,
          status: sql`excluded.status`,
          sortOrder: sql`excluded.sort_order`,
        },
      });
    await tx
      .update(instanceTypes)
      .set({ status: "deprecated" })
      .where(notInArray(instanceTypes.id, catalog.instanceTypes.map((t) => t.id)));
    // Thousands of hosts: in chunks, to stay well under the bind-parameter limit.
    for (let i = 0; i < catalog.hosts.length; i += 2000) {
      await tx
        .insert(hosts)
        .values(catalog.hosts.slice(i, i + 2000).map((h) => ({ ...h, state: "active" as const })))
        .onConflictDoUpdate({
          target: hosts.id,
          set: { regionId: sql`excluded.region_id`, gpuModel: sql`excluded.gpu_model`, gpuSlots: sql`excluded.gpu_slots`, state: sql`case when ${hosts.state} = 'failed' then ${hosts.state} else 'active' end` },
        });
    }
    const listed = catalog.hosts.map((h) => h.id);
    await tx
      .update(hosts)
      .set({ state: "draining" })
      .where(listed.length ? notInArray(hosts.id, listed) : undefined);
    return { regions: catalog.regions.length, instanceTypes: catalog.instanceTypes.length, hosts: catalog.hosts.length };
  });
  forgetCatalogCopies();
  return seeded;
}
