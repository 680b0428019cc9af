/**
 * The operator's tool to rebuild usage rollups from the ledger (`npm run rollups:rebuild -- …`):
 *
 *   (no options)          every team's hour and day rollups and monthly spend
 *   --team <slug|id>      one team's
 *
 * Rollups are kept up to date by the statement that records usage, so this is for repairs: after
 * events were changed or deleted by hand, or to check that nothing drifted (the counts printed are
 * the rows written). It runs in one transaction, so pages show the old figures or the new ones.
 * It opens the same database as the app (DATABASE_URL, or the embedded one in DATA_DIR); the
 * embedded database is single-process: stop the app first, or use PostgreSQL.
 */
import { parseArgs } from "node:util";
import { getDatabase } from "@/server/db";
import { env, EnvError } from "@/server/env";
import { findTeam } from "@/server/services/compute/quotas";
import { AppError } from "@/server/services/errors";
import { rebuildRollups } from "@/server/services/metering/rollups";

const USAGE = `Usage:
  npm run rollups:rebuild
  npm run rollups:rebuild -- --team <slug|id>`;

/** Exit 2 for a wrong command line (with the usage), 1 for anything else. */
function fail(message: string, withUsage = true): never {
  console.error(withUsage ? `${message}\n\n${USAGE}` : message);
  process.exit(withUsage ? 2 : 1);
}

function readArgs() {
  try {
    return parseArgs({ options: { team: { type: "string" }, help: { type: "boolean", short: "h", default: false } }, strict: true }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}

async function main() {
  const args = readArgs();
  if (args.help) {
    console.info(USAGE);
    return;
  }
  try {
    env();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message, false);
    throw error;
  }
  const database = await getDatabase().catch((error: unknown) => fail(`Could not open the database: ${(error as Error).message}`, false));
  try {
    const team = args.team ? await findTeam(database.db, args.team) : null;
    const started = performance.now();
    const { rollups, months } = await rebuildRollups(database.db, team?.id);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(`${team ? `${team.name} (${team.slug})` : "Every team"}: ${rollups.toLocaleString("en-US")} hour and day rollups and ${months.toLocaleString("en-US")} monthly totals rebuilt from the usage ledger in ${seconds} s.`);
  } catch (error) {
    if (error instanceof AppError) {
      console.error(error.message);
      process.exitCode = 1;
    } else {
      throw error;
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
