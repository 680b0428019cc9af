import type { SpendProduct } from "@/server/services/spend/range";

/**
 * Product colours, as CSS variables set on the page's root so that the chart (SVG), its legend and
 * the tables use one palette, lighter in dark mode where the 500 shades lose contrast on zinc-900.
 */
export const PRODUCT_COLOUR_VARS =
  "[--spend-tokens:#6366f1] [--spend-instances:#0d9488] [--spend-reserved:#d97706] dark:[--spend-tokens:#818cf8] dark:[--spend-instances:#2dd4bf] dark:[--spend-reserved:#fbbf24]";

export const PRODUCT_COLOUR: Record<SpendProduct, string> = {
  model_tokens: "var(--spend-tokens)",
  instance_hours: "var(--spend-instances)",
  reservation: "var(--spend-reserved)",
};

/** 7200 → "2 h", 5400 → "1.5 h", 90 → "0.03 h": instance time as people read a bill. */
export function formatInstanceHours(seconds: number): string {
  const hours = seconds / 3600;
  if (hours === 0) return "0 h";
  const digits = Math.abs(hours) >= 100 ? 0 : Math.abs(hours) >= 1 ? 1 : 2;
  return `${hours.toLocaleString("en-US", { maximumFractionDigits: digits })} h`;
}

/** 1234 → "1,234", 2_500_000 → "2.5M": tokens in a table cell, exact below a million. */
export function formatTokens(n: number): string {
  if (Math.abs(n) < 1_000_000) return n.toLocaleString("en-US");
  if (Math.abs(n) < 1_000_000_000) return `${(n / 1_000_000).toLocaleString("en-US", { maximumFractionDigits: 1 })}M`;
  return `${(n / 1_000_000_000).toLocaleString("en-US", { maximumFractionDigits: 1 })}B`;
}

/** A part of a total as a percentage, for share bars; 0 when there is no total. */
export function shareOf(part: bigint, total: bigint): number {
  if (total <= 0n || part <= 0n) return 0;
  return Number((part * 10_000n) / total) / 100;
}

/** "2026-11-05" → "Nov 5" (the day is UTC, and so is its label). */
export function dayLabel(day: string, withYear = false): string {
  return new Intl.DateTimeFormat("en", { month: "short", day: "numeric", year: withYear ? "numeric" : undefined, timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

/** Nano-USD as a plain number of dollars, for drawing only; figures shown as text use formatUsd. */
export function nanoToChartUsd(nano: bigint): number {
  return Number(nano) / 1e9;
}
