/**
 * The job worker on its own (`npm run worker`), for deployments that run the console with
 * WORKER_IN_PROCESS=false and scale workers apart from it. Needs PostgreSQL (DATABASE_URL): the
 * embedded database belongs to the one process that opened it, which is the console's.
 */
import { getDatabase } from "@/server/db";
import { env, EnvError } from "@/server/env";
import { CatalogError } from "@/server/services/catalog";
import { loadComputeCatalog, seedComputeCatalog } from "@/server/services/compute/fleet";
import { exitOnSignals, onShutdown } from "@/server/shutdown";
import { startWorker } from "./index";

async function main() {
  try {
    env();
    if (!env().DATABASE_URL) {
      console.warn(
        "Compute Console worker: no DATABASE_URL, so it opens the embedded database in " +
          `${env().DATA_DIR}, which the console must not have open. Usually you want WORKER_IN_PROCESS=true instead.`,
      );
    }
    const database = await getDatabase();
    // The worker may start before any console has seeded the fleet it provisions on.
    await seedComputeCatalog(database.db, loadComputeCatalog(env().COMPUTE_CATALOG_FILE));
    onShutdown(() => database.close(), 100);
    const worker = await startWorker({ db: database.db });
    onShutdown(() => worker.stop(), 10);
    exitOnSignals();
    console.info(`Compute Console worker running (${database.driver === "pglite" ? "embedded database" : "PostgreSQL"})`);
  } catch (error) {
    console.error(error instanceof EnvError || error instanceof CatalogError ? error.message : error);
    process.exit(1);
  }
}

void main();
