/**
 * The operator's tool for GPU quotas (`npm run compute:quota -- …`):
 *
 *   --team <slug|id>                          show the team's quotas and usage per GPU model
 *   --team <slug|id> --gpu "H100 SXM" --max 64   set the team's quota for that GPU model
 *   --team <slug|id> --gpu "H100 SXM" --reset    remove it: COMPUTE_DEFAULT_GPU_QUOTA applies again
 *
 * It opens the same database as the app (DATABASE_URL, or the embedded one in DATA_DIR). The
 * embedded database is single-process: stop the app first, or use PostgreSQL.
 */
import { parseArgs } from "node:util";
import { consoleLogger, systemClock } from "@/server/services/context";
import { findTeam, setGpuQuota, teamQuotaUsage } from "@/server/services/compute/quotas";
import { failCli, runCli, withDatabase } from "./run";

const USAGE = `Usage:
  npm run compute:quota -- --team <slug|id>
  npm run compute:quota -- --team <slug|id> --gpu "<GPU model>" --max <GPUs>
  npm run compute:quota -- --team <slug|id> --gpu "<GPU model>" --reset`;

/** A wrong command line: the message and the usage, exit 2. */
function fail(message: string): never {
  return failCli(message, USAGE);
}

function readArgs() {
  try {
    const { values } = parseArgs({
      options: {
        team: { type: "string" },
        gpu: { type: "string" },
        max: { type: "string" },
        reset: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
    return values;
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
  const team = args.team ?? fail("--team is required.");
  if ((args.max !== undefined || args.reset) && !args.gpu) fail("--gpu is required with --max or --reset.");
  if (args.max !== undefined && args.reset) fail("Give either --max or --reset, not both.");
  if (args.gpu && args.max === undefined && !args.reset) fail("Give --max <GPUs> or --reset with --gpu.");
  const maxGpus = args.max === undefined ? null : /^\d+$/.test(args.max.trim()) ? Number(args.max.trim()) : fail(`--max must be a whole number of GPUs, got “${args.max}”.`);

  await withDatabase(async (db) => {
    const ctx = { db, actor: { type: "system" } as const, request: { ip: null, userAgent: "compute-quota-cli" }, now: systemClock, log: consoleLogger };
    let teamId: string;
    if (args.gpu) {
      const result = await setGpuQuota(ctx, { team, gpuModel: args.gpu, maxGpus });
      teamId = result.team.id;
      const how = result.overridden ? "" : " (the default)";
      console.info(`${result.team.name} (${result.team.slug}): ${result.gpuModel} quota ${result.previous} → ${result.maxGpus} GPUs${how}.`);
    } else {
      teamId = (await findTeam(db, team)).id;
    }
    const usage = await teamQuotaUsage(db, teamId);
    const width = Math.max(9, ...usage.map((u) => u.gpuModel.length));
    console.info(`\n${"GPU model".padEnd(width)}  used / quota`);
    for (const u of usage) {
      console.info(`${u.gpuModel.padEnd(width)}  ${String(u.usedGpus).padStart(4)} / ${u.maxGpus}${u.overridden ? "" : " (default)"}`);
    }
  });
}

runCli(main);
