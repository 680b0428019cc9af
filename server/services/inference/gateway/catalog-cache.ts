import type { Db } from "@/server/db";
import { listModels, type CatalogModel } from "../../catalog/models";
import { refreshedEvery } from "../../refreshed";

export interface CatalogCache {
  get(id: string): Promise<CatalogModel | undefined>;
  list(): Promise<CatalogModel[]>;
}

/**
 * The catalog as the gateway reads it: loaded from the database and kept for `ttlMs`, so a request
 * costs no catalog query while an operator's new catalog still shows up within seconds.
 */
export function createCatalogCache(db: Db, ttlMs = 5_000, nowMs: () => number = Date.now): CatalogCache {
  const models = refreshedEvery(async () => new Map((await listModels(db)).map((row) => [row.id, row])), ttlMs, nowMs);
  return {
    get: async (id) => (await models.get()).get(id),
    list: async () => [...(await models.get()).values()],
  };
}
