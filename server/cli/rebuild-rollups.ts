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
import { findTeam } from "@/server/services/compute/quotas";
import { rebuildRollups } from "@/server/services/metering/rollups";
import { failCli, runCli, withDatabase } from "./run";

const USAGE = `Usage:
  npm run rollups:rebuild
  npm run rollups:rebuild -- --team <slug|id>`;

/** A wrong command line: the message and the usage, exit 2. */
function fail(message: string): never {
  return failCli(message, USAGE);
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
  await withDatabase(async (db) => {
    const team = args.team ? await findTeam(db, args.team) : null;
    const started = performance.now();
    const { rollups, months } = await rebuildRollups(db, team?.id);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(`${team ? `${team.name} (${team.slug})` : "Every team"}: ${rollups.toLocaleString("en-US")} hour and day rollups and ${months.toLocaleString("en-US")} monthly totals rebuilt from the usage ledger in ${seconds} s.`);
  });
}

runCli(main);
