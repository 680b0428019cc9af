import { afterAll, inject } from "vitest";
import { openDatabase, type Database } from "../client";
import { createFreshDatabase } from "./postgres";

/**
 * A real, migrated, empty database for one test file: in-memory PGlite by default, a clone of the
 * run's template on PostgreSQL when TEST_DATABASE_URL is set. Closed and dropped after the file.
 */
export async function openTestDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ dataDir: "memory://" });
    afterAll(() => database.close());
    return database;
  }
  const fresh = await createFreshDatabase(serverUrl, { prefix: "cc_test", template: inject("templateDatabase") });
  const database = await openDatabase({ databaseUrl: fresh.url, migrate: false });
  afterAll(async () => {
    await database.close();
    await fresh.drop();
  });
  return database;
}
