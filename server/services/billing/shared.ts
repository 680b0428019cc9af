import { z } from "zod";
import { monthKey } from "../metering/cost";

/**
 * Invoice months, the grace before a month closes, and the small exact formats invoices use. No
 * server dependencies, so the console's components use the same functions as the services.
 */

export { monthKey };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])-01$/;

/** A month as invoices key it: its first day, "2026-11-01". */
export const monthSchema = z
  .string({ error: "Give the month as YYYY-MM-01, e.g. 2026-11-01." })
  .regex(MONTH, "Give the month as YYYY-MM-01, e.g. 2026-11-01.");

/** The UTC month [start, end): end is the first instant of the next month. */
export function monthPeriod(month: string): { start: Date; end: Date } {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`not a month key: ${month}`);
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return { start: new Date(Date.UTC(year, index, 1)), end: new Date(Date.UTC(year, index + 1, 1)) };
}

/** "2026-11-01" → "2026-10-01". */
export function previousMonth(month: string): string {
  const { start } = monthPeriod(month);
  return monthKey(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1)));
}

/** "2026-11-01" → "November 2026". */
export function monthLabel(month: string): string {
  return new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" }).format(monthPeriod(month).start);
}

/**
 * Seconds as hours, exact to four decimals with trailing zeros dropped and rounded half away from
 * zero: 5400 → "1.5", 7200 → "2", 3601 → "1.0003", -3600 → "-1" (a refunded block). Digit
 * grouping ("5,760") only for people; the CSV keeps plain numbers.
 */
export function secondsToHours(seconds: number, { grouped = false } = {}): string {
  const negative = seconds < 0;
  const tenThousandths = (BigInt(Math.abs(Math.trunc(seconds))) * 10_000n + 1_800n) / 3_600n;
  const whole = tenThousandths / 10_000n;
  const fraction = (tenThousandths % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  const text = `${grouped ? whole.toLocaleString("en-US") : whole.toString()}${fraction ? `.${fraction}` : ""}`;
  return negative && tenThousandths > 0n ? `-${text}` : text;
}

/**
 * How long after a month's end its invoices are issued: usage of the month's last hour (an
 * instance's final hour is metered by the worker's next tick, the gateway writes in batches) lands
 * first. An event dated in a month but written after its invoice was issued is not on any invoice.
 */
export const CLOSE_GRACE_MS = 3_600_000;

/** When the month's invoices are issued: the end of the month plus the grace. */
export function monthClosesAt(month: string): Date {
  return new Date(monthPeriod(month).end.getTime() + CLOSE_GRACE_MS);
}

/** How the activity log names billing's audit actions, quoting their `name` (both by the system). */
export const BILLING_AUDIT_LABELS: Record<string, string> = {
  "credit.granted": "granted credit",
  "invoice.issued": "issued invoice",
};
