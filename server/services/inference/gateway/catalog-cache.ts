import type { Db } from "@/server/db";
import { listModels, type CatalogModel } from "../../catalog/models";

export interface CatalogCache {
  get(id: string): Promise<CatalogModel | undefined>;
  list(): Promise<CatalogModel[]>;
}

/**
 * The catalog as the gateway reads it: loaded from the database and kept for `ttlMs`, so a request
 * costs no catalog query while an operator's new catalog still shows up within seconds.
 */
export function createCatalogCache(db: Db, ttlMs = 5_000, nowMs: () => number = Date.now): CatalogCache {
  let loadedAt = -Infinity;
  let loading: Promise<Map<string, CatalogModel>> | null = null;
  let byId = new Map<string, CatalogModel>();

  const current = async () => {
    if (nowMs() - loadedAt < ttlMs) return byId;
    loading ??= listModels(db)
      .then((rows) => {
        byId = new Map(rows.map((row) => [row.id, row]));
        loadedAt = nowMs();
        return byId;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  };

  return {
    get: async (id) => (await current()).get(id),
    list: async () => [...(await current()).values()],
  };
}
