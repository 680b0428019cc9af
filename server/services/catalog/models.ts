import { asc, eq } from "drizzle-orm";
import type { Db } from "@/server/db";
import { models } from "@/server/db/schema";

/**
 * The catalog as the gateway reads it. The catalog is public: the same for every team, so these
 * take a database, not a team context. Prices are bigint nano-USD per token; `backends` are in
 * failover order, with upstream URLs and key variable names (never shown to customers).
 */
export type CatalogModel = typeof models.$inferSelect;

/** Every model in the catalog, in the catalog file's order (deprecated and preview ones included). */
export function listModels(db: Db): Promise<CatalogModel[]> {
  return db.select().from(models).orderBy(asc(models.sortOrder), asc(models.id));
}

/** One model by its public id, or null when the catalog has no such model. */
export async function getModel(db: Db, id: string): Promise<CatalogModel | null> {
  const [row] = await db.select().from(models).where(eq(models.id, id)).limit(1);
  return row ?? null;
}
