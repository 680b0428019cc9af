/**
 * Token prices. The catalog file states them as decimal USD per 1M tokens (what price pages show);
 * the database and the meter use integer nano-USD (1e-9 USD) per token. Since 1M tokens × 1 nano-USD
 * = 0.001 USD, a price converts exactly when it has at most three decimal places:
 * $0.18 per 1M tokens is exactly 180 nano-USD per token.
 *
 * No floating-point arithmetic happens here: numbers are read through their shortest decimal
 * representation (what `String(0.18)` gives, which is what the file said) and shifted as digits.
 * This module has no server dependencies, so the console's components can use it too.
 */

/** The most a token may cost: $1,000,000 per 1M tokens (1e9 nano-USD per token). */
export const MAX_USD_PER_MILLION = 1_000_000;
const MAX_NANO_PER_TOKEN = BigInt(MAX_USD_PER_MILLION) * 1000n;

const DECIMAL = /^(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

export type PriceConversion = { ok: true; nanoPerToken: bigint } | { ok: false; reason: string };

/**
 * A non-negative decimal (a number, or a string such as "0.18" or "2e-3") times 10^`shift`, as an
 * exact integer; null when it is not a decimal, negative, or would need rounding ("fraction").
 */
export function shiftDecimal(value: number | string, shift: number): { ok: true; value: bigint } | { ok: false; problem: "format" | "negative" | "fraction" } {
  if (typeof value === "number" && !Number.isFinite(value)) return { ok: false, problem: "format" };
  const text = typeof value === "number" ? String(value) : value.trim();
  if (text.startsWith("-")) return { ok: false, problem: "negative" };
  const match = DECIMAL.exec(text.replace(/^\+/, ""));
  if (!match) return { ok: false, problem: "format" };
  const [, whole = "", fraction = "", exponent = "0"] = match;
  const pointAt = whole.length + shift + Number(exponent); // position of the decimal point within `whole + fraction`
  const all = whole + fraction;
  let integerPart: string;
  let remainder: string;
  if (pointAt <= 0) {
    integerPart = "0";
    remainder = "0".repeat(-pointAt) + all;
  } else if (pointAt >= all.length) {
    integerPart = all + "0".repeat(pointAt - all.length);
    remainder = "";
  } else {
    integerPart = all.slice(0, pointAt);
    remainder = all.slice(pointAt);
  }
  if (/[1-9]/.test(remainder)) return { ok: false, problem: "fraction" };
  return { ok: true, value: BigInt(integerPart === "" ? "0" : integerPart) };
}

/**
 * Converts a price in USD per 1M tokens (a number, or a decimal string such as "0.18") to integer
 * nano-USD per token, refusing anything that would need rounding.
 */
export function usdPerMillionToNanoPerToken(value: number | string): PriceConversion {
  // 3 places: USD per 1M tokens → nano-USD per token.
  const shifted = shiftDecimal(value, 3);
  if (!shifted.ok) {
    if (shifted.problem === "negative") return { ok: false, reason: "must be ≥ 0" };
    if (shifted.problem === "format") {
      return { ok: false, reason: typeof value === "number" ? "must be a finite number" : "must be a decimal number of USD per 1M tokens, e.g. 0.18" };
    }
    return {
      ok: false,
      reason:
        "is not a whole number of nano-USD per token: use at most 3 decimal places " +
        "(0.001 USD per 1M tokens = 1 nano-USD per token)",
    };
  }
  if (shifted.value > MAX_NANO_PER_TOKEN) return { ok: false, reason: `must be ≤ ${MAX_USD_PER_MILLION}` };
  return { ok: true, nanoPerToken: shifted.value };
}

/** 180n → "0.18", 3500n → "3.5", 0n → "0": the exact USD per 1M tokens, without trailing zeros. */
export function nanoPerTokenToUsdPerMillion(nanoPerToken: bigint): string {
  const negative = nanoPerToken < 0n;
  const abs = negative ? -nanoPerToken : nanoPerToken;
  const whole = abs / 1000n;
  const fraction = (abs % 1000n).toString().padStart(3, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/**
 * A USD-per-1M string for people: "$0.18", "$3.50", "$0.02", "$0.008", "Free". At least two
 * decimals, more only when the price has them, so nothing is ever rounded away.
 */
export function formatUsdPerMillion(usdPerMillion: string): string {
  if (/^0(\.0*)?$/.test(usdPerMillion)) return "Free";
  const [whole = "0", fraction = ""] = usdPerMillion.split(".");
  const groupedWhole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `$${groupedWhole}.${fraction.padEnd(2, "0")}`;
}
