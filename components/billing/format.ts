import { formatCount } from "@/components/ui/format";
import { secondsToHours } from "@/server/services/billing/shared";
import type { InvoiceLineView } from "@/server/services/billing";

const NANO_PER_USD = 1_000_000_000n;

/**
 * Money on billing pages is exact, as nanoToUsd writes it but with thousands grouped: "$465.365",
 * "-$100.00", "$0.00018". An invoice's lines must add up to its totals on screen as in the CSV,
 * which rounding each to cents (formatUsd) would not guarantee.
 */
export function formatUsdExact(nano: bigint): string {
  const abs = nano < 0n ? -nano : nano;
  const fraction = (abs % NANO_PER_USD).toString().padStart(9, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${nano < 0n ? "-" : ""}$${(abs / NANO_PER_USD).toLocaleString("en-US")}.${fraction}`;
}

/** What a line counts: tokens in and out, or hours. */
export function lineQuantity(line: Pick<InvoiceLineView, "kind" | "inputTokens" | "outputTokens" | "quantitySeconds">): string[] {
  if (line.kind === "model") return [`${formatCount(line.inputTokens ?? 0)} input tokens`, `${formatCount(line.outputTokens ?? 0)} output tokens`];
  if (line.quantitySeconds === null) return [];
  const hours = secondsToHours(line.quantitySeconds, { grouped: true });
  return [line.kind === "reservation" ? `${hours} instance-hours` : `${hours} hours`];
}
