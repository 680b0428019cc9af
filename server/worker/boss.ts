import PgBoss from "pg-boss";
import type { Db } from "@/server/db";

/**
 * pg-boss on either of the app's databases. On PostgreSQL it gets the connection string and a
 * small pool of its own, so that job polling never waits behind (or starves) request queries. On
 * PGlite there is a single in-process connection, so it gets an adapter over the app's own client:
 * PGlite runs one statement with parameters through `query`, and pg-boss's schema scripts (many
 * statements, no parameters) through `exec`. PGlite serialises every call, including those of a
 * drizzle transaction in progress, so jobs and requests simply take turns.
 */

export interface BossOptions {
  /** Seconds between two polls of a queue for due jobs; pg-boss allows 0.5 at the least. */
  pollingIntervalSeconds: number;
}

interface PgliteLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(text: string): Promise<Array<{ rows: unknown[] }>>;
}

interface PoolLike {
  options: { connectionString?: string };
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export function createBoss(db: Db, options: BossOptions): PgBoss {
  const common = {
    // Our own schedule (server/worker/index.ts) runs every few seconds; pg-boss's cron is per minute.
    schedule: false,
    supervise: true,
    migrate: true,
    pollingIntervalSeconds: options.pollingIntervalSeconds,
  };
  const client = (db as unknown as { $client?: unknown }).$client;
  if (isPglite(client)) return new PgBoss({ ...common, db: pgliteAdapter(client) });
  if (isPool(client)) {
    const connectionString = client.options.connectionString;
    // A pool built from discrete options (not ours) still works through the adapter, sharing it.
    if (connectionString) return new PgBoss({ ...common, connectionString, max: 4, application_name: "compute-console-worker" });
    return new PgBoss({ ...common, db: { executeSql: (text, values) => client.query(text, values) } });
  }
  throw new Error("The job worker needs the app's database (PGlite or a node-postgres pool).");
}

function pgliteAdapter(client: PgliteLike): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) return client.query(text, values);
      const results = await client.exec(text);
      return results[results.length - 1] ?? { rows: [] };
    },
  };
}

function isPglite(client: unknown): client is PgliteLike {
  const c = client as Partial<PgliteLike> | undefined;
  return typeof c?.exec === "function" && typeof c.query === "function";
}

function isPool(client: unknown): client is PoolLike {
  const c = client as Partial<PoolLike> | undefined;
  return typeof c?.query === "function" && typeof c.options === "object" && c.options !== null;
}
