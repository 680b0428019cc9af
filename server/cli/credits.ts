/**
 * The operator's tool for prepaid credit (`npm run credits -- …`):
 *
 *   grant --team <slug|id> --amount 100 --reason "Startup program" [--expires 2027-03-01]
 *   list  --team <slug|id>        the team's balance and every grant, with what invoices used
 *
 * It opens the same database as the app (DATABASE_URL, or the embedded one in DATA_DIR). The
 * embedded database is single-process: stop the app first, or use PostgreSQL.
 */
import type { Db } from "@/server/db";
import { creditBalance, creditHistory, grantCredit } from "@/server/services/billing";
import { nanoToUsd } from "@/server/services/compute/capacity/catalog";
import { findTeam } from "@/server/services/compute/quotas";
import { consoleLogger, systemClock } from "@/server/services/context";
import { CREDITS_USAGE, parseCreditsArgs, UsageError, type CreditsCommand } from "./credits-args";
import { failCli, runCli, withDatabase } from "./run";

/** A wrong command line: the message and the usage, exit 2. */
function fail(message: string): never {
  return failCli(message, CREDITS_USAGE);
}

const usd = (nano: bigint) => `$${nanoToUsd(nano)}`;
const day = (at: Date | null) => (at ? at.toISOString().replace("T00:00:00.000Z", "").replace(".000Z", "Z") : "never");

async function printCredits(db: Db, team: { id: string; slug: string; name: string }) {
  const now = systemClock();
  const [balance, grants] = await Promise.all([creditBalance(db, team.id, now), creditHistory(db, team.id, now)]);
  console.info(`${team.name} (${team.slug}): ${usd(balance)} of credit available.`);
  if (grants.length === 0) {
    console.info("No credit granted yet.");
    return;
  }
  const rows = grants.map((g) => [g.id, g.createdAt.toISOString().slice(0, 10), usd(g.amountNano), usd(g.usedNano), usd(g.remainingNano), day(g.expiresAt), g.status, g.reason]);
  const header = ["grant", "granted", "amount", "used", "remaining", "expires", "status", "reason"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  console.info(`\n${line(header)}`);
  for (const row of rows) console.info(line(row));
}

async function main() {
  let command: CreditsCommand;
  try {
    command = parseCreditsArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) fail(error.message);
    throw error;
  }
  if (command.command === "help") {
    console.info(CREDITS_USAGE);
    return;
  }

  await withDatabase(async (db) => {
    const team = await findTeam(db, command.team);
    if (command.command === "grant") {
      const ctx = { db: db, actor: { type: "system" } as const, request: { ip: null, userAgent: "credits-cli" }, now: systemClock, log: consoleLogger };
      const grant = await grantCredit(db, ctx, {
        teamId: team.id,
        amountNano: command.amountNano,
        reason: command.reason,
        expiresAt: command.expiresAt,
        grantedBy: command.grantedBy,
      });
      console.info(`Granted ${usd(grant.amountNano)} to ${team.name} (${team.slug}), ${grant.expiresAt ? `usable until ${grant.expiresAt.toISOString()}` : "without expiry"}: ${grant.id}.\n`);
    }
    await printCredits(db, team);
  });
}

runCli(main);
