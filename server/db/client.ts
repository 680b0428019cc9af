import { mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  driver: "pglite" | "postgres";
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.join(process.cwd(), "server/db/migrations");

// Arbitrary constant: every replica takes this lock so that only one migrates at a time.
const MIGRATION_LOCK_ID = 7_270_736_9;

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory; `memory://` for a throwaway in-memory database. */
  dataDir?: string;
  /** PGlite: a dump made by `dumpDataDir()` to start from instead of migrating. */
  loadDataDir?: Blob;
  migrate?: boolean;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.migrate ?? true);
  return openPglite(options.dataDir ?? ".data", options.migrate ?? true, options.loadDataDir);
}

async function openPostgres(url: string, runMigrations: boolean): Promise<Database> {
  const { Pool } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const pool = new Pool({ connectionString: url, max: 10 });
  // An idle connection that the server drops (restart, failover, terminate) is replaced on next
  // use; without a listener its error would crash the process.
  pool.on("error", (error) => console.warn(`PostgreSQL connection lost: ${error.message}`));
  if (runMigrations) {
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    const client = await pool.connect();
    try {
      await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
      await migrate(drizzle({ client, schema }), { migrationsFolder: MIGRATIONS_DIR });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
      client.release();
    }
  }
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  return { db, driver: "postgres", close: () => pool.end() };
}

async function openPglite(dataDir: string, runMigrations: boolean, loadDataDir?: Blob): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { btree_gist } = await import("@electric-sql/pglite/contrib/btree_gist");
  const { drizzle } = await import("drizzle-orm/pglite");
  const inMemory = dataDir.startsWith("memory://");
  let releaseLock = () => {};
  let location = dataDir;
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = lockDataDir(dataDir);
    location = path.join(dataDir, "pgdata");
  }
  const client = await PGlite.create(location, { extensions: { btree_gist }, loadDataDir });
  if (runMigrations) {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(drizzle({ client, schema }), { migrationsFolder: MIGRATIONS_DIR });
  }
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    db,
    driver: "pglite",
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

/**
 * PGlite is single-process: a second process writing the same directory loses data silently.
 * A pid file turns that mistake into a clear error.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "pglite.pid");
  try {
    const pid = Number(readFileSync(lockFile, "utf8"));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `The embedded database in ${dataDir} is already open in process ${pid}. ` +
          "Stop that process, or set DATA_DIR to another directory, or use DATABASE_URL for PostgreSQL.",
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
