import { env, EnvError } from "./env";
import { getDatabase } from "./db";

/**
 * Validates the environment (a bad value stops the process with a message naming the variable),
 * then opens and migrates the database so that the first request does not wait for it.
 */
export async function startServer(): Promise<void> {
  try {
    env();
    const database = await getDatabase();
    console.info(`Compute Console: database ready (${database.driver === "pglite" ? `embedded, in ${env().DATA_DIR}` : "PostgreSQL"})`);
    const close = () => {
      void database.close().finally(() => process.exit(0));
    };
    process.once("SIGTERM", close);
    process.once("SIGINT", close);
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : error);
    process.exit(1);
  }
}
