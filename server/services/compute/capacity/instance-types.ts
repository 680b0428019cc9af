import { eq } from "drizzle-orm";
import type { Db, Tx } from "@/server/db";
import { instanceTypes } from "@/server/db/schema";
import { AppError } from "../../errors";

export type InstanceTypeRow = typeof instanceTypes.$inferSelect;

/** The instance type, or a field error on `instanceTypeId` that a form can show. */
export async function requireInstanceType(db: Db | Tx, instanceTypeId: string): Promise<InstanceTypeRow> {
  const [type] = await db.select().from(instanceTypes).where(eq(instanceTypes.id, instanceTypeId)).limit(1);
  if (!type) throw AppError.field("BAD_REQUEST", "instanceTypeId", `Unknown instance type: ${instanceTypeId}. Choose one from the catalog.`);
  return type;
}
