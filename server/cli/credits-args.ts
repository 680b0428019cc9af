import { parseArgs } from "node:util";
import { usdToNano } from "@/server/services/keys/schemas";

export const CREDITS_USAGE = `Usage:
  npm run credits -- grant --team <slug|id> --amount <USD> --reason "<why>" [--expires <YYYY-MM-DD>] [--by <name>]
  npm run credits -- list --team <slug|id>

  --amount   US dollars, e.g. 100 or 12.50 (at most nine decimals)
  --expires  the credit is usable until 00:00 UTC that day (or an ISO time with a zone); default: never
  --by       who grants it, shown in the team's credit history; default: operator`;

export type CreditsCommand =
  | { command: "help" }
  | { command: "grant"; team: string; amountNano: bigint; reason: string; expiresAt: Date | null; grantedBy: string }
  | { command: "list"; team: string };

/** A wrong command line: the message is printed above the usage, and the process exits with 2. */
export class UsageError extends Error {}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// An explicit zone, so that the same command means the same instant on every operator's machine.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseExpiry(text: string): Date {
  const value = text.trim();
  const at = DATE_ONLY.test(value) ? new Date(`${value}T00:00:00Z`) : DATE_TIME.test(value) ? new Date(value) : null;
  // new Date("2027-02-30") rolls over to March; refuse dates that do not exist instead.
  if (!at || Number.isNaN(at.getTime()) || (DATE_ONLY.test(value) && at.toISOString().slice(0, 10) !== value)) {
    throw new UsageError(`--expires must be a date such as 2027-03-01 (or an ISO time with a zone, such as 2027-03-01T12:00:00Z), got “${text}”.`);
  }
  return at;
}

/** Reads `npm run credits -- …` arguments; throws UsageError for anything it cannot act on. */
export function parseCreditsArgs(argv: string[]): CreditsCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: "help" };
  const [command, ...extra] = positionals;
  if (!command) throw new UsageError("Give a command: grant or list.");
  if (extra.length > 0) throw new UsageError(`Unexpected argument “${extra[0]}”. Quote a reason that has spaces.`);
  if (command !== "grant" && command !== "list") throw new UsageError(`Unknown command “${command}”: use grant or list.`);
  const team = values.team?.trim();
  if (!team) throw new UsageError("--team is required: the team's URL slug or its id.");

  if (command === "list") {
    const stray = (["amount", "reason", "expires", "by"] as const).find((name) => values[name] !== undefined);
    if (stray) throw new UsageError(`--${stray} is for grant, not list.`);
    return { command, team };
  }
  if (values.amount === undefined) throw new UsageError("--amount is required, in US dollars, e.g. --amount 100.");
  const amountNano = usdToNano(values.amount);
  if (amountNano === null) throw new UsageError(`--amount must be an amount in US dollars, e.g. 100 or 12.50, got “${values.amount}”.`);
  if (values.reason === undefined) throw new UsageError('--reason is required, e.g. --reason "Startup program".');
  return {
    command,
    team,
    amountNano,
    reason: values.reason,
    expiresAt: values.expires === undefined ? null : parseExpiry(values.expires),
    grantedBy: values.by ?? "operator",
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      team: { type: "string" },
      amount: { type: "string" },
      reason: { type: "string" },
      expires: { type: "string" },
      by: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
