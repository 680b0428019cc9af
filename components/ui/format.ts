/**
 * Formatting at the edge. Money arrives as integer nano-USD (1e-9 USD) and is formatted with
 * bigint arithmetic, so no amount ever goes through a floating-point number.
 */

const NANO_PER_USD = 1_000_000_000n;

/**
 * Nano-USD as dollars: two decimals from $1 up ("$1,234.50"), up to four below $1 ("$0.1235"),
 * up to six below a cent ("$0.000002"), and "<$0.000001" for what would round to nothing.
 * Rounds half up; trailing zeros past the cents are dropped.
 */
export function formatUsd(nano: bigint): string {
  const sign = nano < 0n ? "-" : "";
  const abs = nano < 0n ? -nano : nano;
  if (abs === 0n) return "$0.00";
  const decimals = abs >= NANO_PER_USD ? 2 : abs >= 10_000_000n ? 4 : 6;
  const unit = 10n ** BigInt(9 - decimals);
  const rounded = (abs + unit / 2n) / unit;
  if (rounded === 0n) return `${sign}<$0.000001`;
  const scale = 10n ** BigInt(decimals);
  const whole = (rounded / scale).toLocaleString("en-US");
  const fraction = (rounded % scale).toString().padStart(decimals, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${sign}$${whole}.${fraction}`;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
