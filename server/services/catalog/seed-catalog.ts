import { notInArray, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { models } from "@/server/db/schema";
import type { Catalog } from "./catalog-file";

// Arbitrary constant: replicas starting together seed one after the other.
const SEED_LOCK_ID = 7_270_736_10;

export interface SeedResult {
  inserted: string[];
  updated: string[];
  deleted: string[];
  unchanged: number;
}

/**
 * Makes the `models` table match the catalog, in one transaction: inserts new models, updates
 * changed ones (rows that did not change keep their `updated_at`), and deletes models the catalog no
 * longer lists. Sort order follows the file.
 */
export async function seedCatalog(db: Db, catalog: Catalog, now: Date): Promise<SeedResult> {
  const ids = catalog.models.map((m) => m.id);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_ID})`);
    const existing = new Set((await tx.select({ id: models.id }).from(models)).map((r) => r.id));
    const rows = catalog.models.map((model, i) => ({ ...model, sortOrder: i, updatedAt: now }));
    const written =
      rows.length === 0
        ? []
        : await tx
            .insert(models)
            .values(rows)
            .onConflictDoUpdate({
              target: models.id,
              set: {
                displayName: sql`excluded.display_name`,
                family: sql`excluded.family`,
                description: sql`excluded.description`,
                parametersB: sql`excluded.parameters_b`,
                contextWindow: sql`excluded.context_window`,
                maxOutputTokens: sql`excluded.max_output_tokens`,
                modalities: sql`excluded.modalities`,
                endpoints: sql`excluded.endpoints`,
                inputNanoPerToken: sql`excluded.input_nano_per_token`,
                outputNanoPerToken: sql`excluded.output_nano_per_token`,
                status: sql`excluded.status`,
                backends: sql`excluded.backends`,
                embeddingDimensions: sql`excluded.embedding_dimensions`,
                sortOrder: sql`excluded.sort_order`,
                updatedAt: sql`excluded.updated_at`,
              },
              // Only rows that differ are rewritten, so updated_at says when a model last changed.
              setWhere: sql`(${models.displayName}, ${models.family}, ${models.description}, ${models.parametersB},
                ${models.contextWindow}, ${models.maxOutputTokens}, ${models.modalities}, ${models.endpoints},
                ${models.inputNanoPerToken}, ${models.outputNanoPerToken}, ${models.status}, ${models.backends},
                ${models.embeddingDimensions}, ${models.sortOrder})
                is distinct from
                (excluded.display_name, excluded.family, excluded.description, excluded.parameters_b,
                excluded.context_window, excluded.max_output_tokens, excluded.modalities, excluded.endpoints,
                excluded.input_nano_per_token, excluded.output_nano_per_token, excluded.status, excluded.backends,
                excluded.embedding_dimensions, excluded.sort_order)`,
            })
            .returning({ id: models.id });
    const deleted =
      ids.length === 0
        ? await tx.delete(models).returning({ id: models.id })
        : await tx.delete(models).where(notInArray(models.id, ids)).returning({ id: models.id });
    const inserted = written.filter((r) => !existing.has(r.id)).map((r) => r.id);
    const updated = written.filter((r) => existing.has(r.id)).map((r) => r.id);
    return {
      inserted,
      updated,
      deleted: deleted.map((r) => r.id).sort(),
      unchanged: rows.length - written.length,
    };
  });
}
