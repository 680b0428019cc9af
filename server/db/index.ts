import { env } from "@/server/env";
import { openDatabase, type Database, type Db } from "./client";

export type { Db, Tx } from "./client";

const globalForDb = globalThis as unknown as { __consoleDatabase?: Promise<Database> };

/**
 * The process-wide database, opened and migrated on first use. Cached on globalThis so that
 * the dev server's module reloads never open a second PGlite on the same directory.
 */
export function getDatabase(): Promise<Database> {
  globalForDb.__consoleDatabase ??= openDatabase({
    databaseUrl: env().DATABASE_URL,
    dataDir: env().DATA_DIR,
  }).catch((error) => {
    globalForDb.__consoleDatabase = undefined;
    throw error;
  });
  return globalForDb.__consoleDatabase;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}
