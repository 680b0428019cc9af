/**
 * The public API on its own (`npm run gateway`), for deployments that scale the API apart from
 * the console. Serves /v1/* (OpenAI's paths) and /api/v1/* (the console's), on GATEWAY_PORT.
 * With the embedded database it needs its own DATA_DIR; in production point it at PostgreSQL.
 */
import { getDatabase } from "@/server/db";
import { env, EnvError } from "@/server/env";
import { CatalogError, loadCatalog, seedCatalog } from "@/server/services/catalog";
import { exitOnSignals, onShutdown } from "@/server/shutdown";
import { gatewayFromEnv } from "./gateway";
import { serveGateway } from "./node-server";

async function main() {
  try {
    env();
    const database = await getDatabase();
    await seedCatalog(database.db, loadCatalog(env().CATALOG_FILE), new Date());
    onShutdown(() => database.close(), 100);
  } catch (error) {
    console.error(error instanceof EnvError || error instanceof CatalogError ? error.message : error);
    process.exit(1);
  }
  const gateway = await gatewayFromEnv(["/v1", "/api/v1"]);
  const port = Number(process.env.GATEWAY_PORT ?? 8080);
  const host = process.env.GATEWAY_HOST ?? "127.0.0.1";
  const server = await serveGateway(gateway.reply, { port, host });
  onShutdown(() => server.close(), 0);
  exitOnSignals();
  console.info(`Compute Console gateway listening on ${server.url}/v1`);
}

void main();
