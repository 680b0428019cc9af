import { eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { instanceTypes, regions } from "@/server/db/schema";
import { AppError } from "../../errors";

export type InstanceTypeRow = typeof instanceTypes.$inferSelect;

/** The instance type, or a field error on `instanceTypeId` that a form can show. */
export async function requireInstanceType(db: Db | Tx, instanceTypeId: string): Promise<InstanceTypeRow> {
  const [type] = await db.select().from(instanceTypes).where(eq(instanceTypes.id, instanceTypeId)).limit(1);
  if (!type) throw unknownInstanceType(instanceTypeId);
  return type;
}

/**
 * The instance type (or the same field error) and whether the region exists, in one statement:
 * for a purchase, where every round trip counts.
 */
export async function requireInstanceTypeAndRegion(db: Db | Tx, instanceTypeId: string, regionId: string): Promise<{ type: InstanceTypeRow; regionKnown: boolean }> {
  const [row] = await db
    .select({ type: instanceTypes, regionKnown: sql<boolean>`exists (select 1 from ${regions} where ${regions.id} = ${regionId})` })
    .from(instanceTypes)
    .where(eq(instanceTypes.id, instanceTypeId))
    .limit(1);
  if (!row) throw unknownInstanceType(instanceTypeId);
  return row;
}

function unknownInstanceType(instanceTypeId: string): AppError {
  return AppError.field("BAD_REQUEST", "instanceTypeId", `Unknown instance type: ${instanceTypeId}. Choose one from the catalog.`);
}
