/** Cost in integer nano-USD of a number of input and output tokens at per-token prices. */
export function tokenCost(
  inputTokens: number,
  outputTokens: number,
  price: { inputNanoPerToken: bigint; outputNanoPerToken: bigint },
): bigint {
  return BigInt(inputTokens) * price.inputNanoPerToken + BigInt(outputTokens) * price.outputNanoPerToken;
}

/** First day of the UTC month of `at`, e.g. "2026-11-01": the key of monthly spend windows. */
export function monthKey(at: Date): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

/** Per-second billing: the cost of `seconds` at a price per hour, rounded half up to a nano-USD. */
export function costForSeconds(nanoPerHour: bigint, seconds: number): bigint {
  return (nanoPerHour * BigInt(Math.max(0, Math.floor(seconds))) + 1800n) / 3600n;
}
