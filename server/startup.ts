import { env, EnvError } from "./env";
import { getDatabase } from "./db";
import { exitOnSignals, onShutdown } from "./shutdown";
import { CatalogError, loadCatalog, seedCatalog } from "./services/catalog";
import { loadComputeCatalog, seedComputeCatalog } from "./services/compute/fleet";
import { startWorker } from "./worker";

/**
 * Validates the environment and the model and compute catalogs (a bad value stops the process with a message
 * naming the variable or the catalog field), then opens and migrates the database so that the first
 * request does not wait for it, and seeds the catalogs into it.
 */
export async function startServer(): Promise<void> {
  try {
    env();
    const catalog = loadCatalog(env().CATALOG_FILE);
    const computeCatalog = loadComputeCatalog(env().COMPUTE_CATALOG_FILE);
    const database = await getDatabase();
    console.info(`Compute Console: database ready (${database.driver === "pglite" ? `embedded, in ${env().DATA_DIR}` : "PostgreSQL"})`);
    const seeded = await seedCatalog(database.db, catalog, new Date());
    console.info(
      `Compute Console: model catalog ready (${catalog.models.length} models from ${env().CATALOG_FILE ?? "the default catalog"}; ` +
        `${seeded.inserted.length} added, ${seeded.updated.length} updated, ${seeded.deleted.length} removed)`,
    );
    const fleet = await seedComputeCatalog(database.db, computeCatalog);
    console.info(
      `Compute Console: compute catalog ready (${fleet.regions} regions, ${fleet.instanceTypes} instance types, ${fleet.hosts} hosts from ${env().COMPUTE_CATALOG_FILE ?? "the default catalog"})`,
    );
    onShutdown(() => database.close(), 100);
    // Without the in-process worker the console still enqueues; `npm run worker` runs the jobs.
    const inProcess = env().WORKER_IN_PROCESS === "true";
    if (!inProcess && database.driver === "pglite") {
      console.warn("Compute Console: WORKER_IN_PROCESS=false with the embedded database: no other process can run its jobs, so instances will not start.");
    }
    const worker = await startWorker({ db: database.db, work: inProcess });
    onShutdown(() => worker.stop(), 10);
    console.info(`Compute Console: job worker ${inProcess ? "running in this process" : "not in this process (run npm run worker)"}`);
    exitOnSignals();
  } catch (error) {
    console.error(error instanceof EnvError || error instanceof CatalogError ? error.message : error);
    process.exit(1);
  }
}
