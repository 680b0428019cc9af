import { afterAll, inject } from "vitest";
import { openDatabase, type Database } from "../client";
import { createFreshDatabase } from "./postgres";

/** Closes (and on PostgreSQL drops) every database the test file opened. */
const cleanups: Array<() => Promise<void>> = [];
// Registered once, when a test file first imports this module, rather than by each call: a test
// that opens a database of its own runs after the hooks are collected, and its afterAll would
// never run, leaving the database behind.
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A real, migrated, empty database: in-memory PGlite by default, a clone of the run's template on
 * PostgreSQL when TEST_DATABASE_URL is set. Closed and dropped after the test file, wherever in it
 * it was opened.
 */
export async function openTestDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ dataDir: "memory://" });
    cleanups.push(() => database.close());
    return database;
  }
  const fresh = await createFreshDatabase(serverUrl, { prefix: "cc_test", template: inject("templateDatabase") });
  const database = await openDatabase({ databaseUrl: fresh.url, migrate: false });
  cleanups.push(async () => {
    await database.close();
    await fresh.drop();
  });
  return database;
}
