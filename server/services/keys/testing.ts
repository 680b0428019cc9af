import type { Db } from "@/server/db";
import { newId } from "@/server/db/ids";
import { apiKeys } from "@/server/db/schema";
import { generateKey } from "./format";

/**
 * Test-only: puts a key straight into `api_keys` (no audit event), for tests that need a key to
 * exist in some team without going through the service. Returns its id and secret.
 */
export async function insertTestKey(
  db: Db,
  teamId: string,
  overrides: Partial<typeof apiKeys.$inferInsert> = {},
): Promise<{ id: string; secret: string }> {
  const { secret, hash, hint } = generateKey();
  const id = newId("key");
  await db.insert(apiKeys).values({ id, teamId, name: "Test key", hash, hint, scopes: ["inference"], ...overrides });
  return { id, secret };
}
