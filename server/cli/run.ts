import { getDatabase, type Db } from "@/server/db";
import { env, EnvError } from "@/server/env";
import { AppError } from "@/server/services/errors";

/** Exit 2 for a wrong command line (printed with the usage), 1 for anything else. */
export function failCli(message: string, usage?: string): never {
  console.error(usage ? `${message}\n\n${usage}` : message);
  process.exit(usage ? 2 : 1);
}

/**
 * Does an operator command's work on the app's database. A bad environment or a database that
 * cannot be opened (e.g. the app holds the embedded one) ends with a sentence rather than a stack
 * trace; a service's refusal prints its message and exits 1; the database is closed in any case.
 */
export async function withDatabase(work: (db: Db) => Promise<void>): Promise<void> {
  try {
    env();
  } catch (error) {
    if (error instanceof EnvError) failCli(error.message);
    throw error;
  }
  const database = await getDatabase().catch((error: unknown) => failCli(`Could not open the database: ${(error as Error).message}`));
  try {
    await work(database.db);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}

/** Runs a command's main function; anything unexpected is printed and exits 1. */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
