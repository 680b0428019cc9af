import { eq } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { instanceTypes, regions } from "@/server/db/schema";
import { AppError } from "../../errors";
import { refreshedEvery, type Refreshed } from "../../refreshed";

export type InstanceTypeRow = typeof instanceTypes.$inferSelect;

/** The instance type, or a field error on `instanceTypeId` that a form can show. */
export async function requireInstanceType(db: Db | Tx, instanceTypeId: string): Promise<InstanceTypeRow> {
  const [type] = await db.select().from(instanceTypes).where(eq(instanceTypes.id, instanceTypeId)).limit(1);
  if (!type) throw unknownInstanceType(instanceTypeId);
  return type;
}

/**
 * How long a process trusts its copy of the instance types and regions. They change only when a
 * catalog is seeded, at start-up: here that clears the copy at once, and another process's
 * seeding is seen within this time.
 */
const CATALOG_TTL_MS = 10_000;

interface CatalogCopy {
  types: Map<string, InstanceTypeRow>;
  regionIds: Set<string>;
}

let copies = new WeakMap<Db, Refreshed<CatalogCopy>>();

/** Drops every process-local copy of the catalog; seeding calls it. */
export function forgetCatalogCopies(): void {
  copies = new WeakMap();
}

/**
 * The instance type (or the same field error) and whether the region exists, from a copy of the
 * catalog kept in memory: a purchase spends no round trip on data that changes only at start-up.
 */
export async function requireInstanceTypeAndRegion(db: Db, instanceTypeId: string, regionId: string): Promise<{ type: InstanceTypeRow; regionKnown: boolean }> {
  const { types, regionIds } = await catalogCopy(db);
  const type = types.get(instanceTypeId);
  if (!type) throw unknownInstanceType(instanceTypeId);
  return { type, regionKnown: regionIds.has(regionId) };
}

function catalogCopy(db: Db): Promise<CatalogCopy> {
  let copy = copies.get(db);
  if (!copy) {
    copy = refreshedEvery(async () => {
      const [typeRows, regionRows] = await Promise.all([db.select().from(instanceTypes), db.select({ id: regions.id }).from(regions)]);
      return { types: new Map(typeRows.map((t) => [t.id, t])), regionIds: new Set(regionRows.map((r) => r.id)) };
    }, CATALOG_TTL_MS);
    copies.set(db, copy);
  }
  return copy.get();
}

function unknownInstanceType(instanceTypeId: string): AppError {
  return AppError.field("BAD_REQUEST", "instanceTypeId", `Unknown instance type: ${instanceTypeId}. Choose one from the catalog.`);
}
