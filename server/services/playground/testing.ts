import type { Db } from "@/server/db";
import { newId } from "@/server/db/ids";
import { playgroundPresets } from "@/server/db/schema";
import { DEFAULT_PRESET_PARAMS } from "./schemas";

let counter = 0;

/**
 * Test-only: puts a preset straight into `playground_presets` (no audit event, no model check),
 * for tests that need one to exist in some team. Names are unique unless given.
 */
export async function insertTestPreset(
  db: Db,
  teamId: string,
  overrides: Partial<typeof playgroundPresets.$inferInsert> = {},
): Promise<{ id: string }> {
  counter += 1;
  const id = newId("pre");
  await db.insert(playgroundPresets).values({
    id,
    teamId,
    name: `Test preset ${counter}`,
    modelId: "meta-llama/llama-3.1-8b-instruct",
    params: { ...DEFAULT_PRESET_PARAMS },
    ...overrides,
  });
  return { id };
}
