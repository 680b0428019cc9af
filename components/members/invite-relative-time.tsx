"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "3 minutes ago", "in 7 days"; under a minute, "just now" or "in a moment". */
export function formatRelative(value: Date, now: Date): string {
  const diff = value.getTime() - now.getTime();
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return diff < 0 ? "just now" : "in a moment";
}

/**
 * A time relative to now in the browser, the full date on hover. The server has no "now" the
 * browser will agree with, so it renders the date itself (UTC) and the browser switches after
 * hydration.
 */
export function RelativeTime({ value, className }: { value: Date; className?: string }) {
  const inBrowser = useSyncExternalStore(subscribe, () => true, () => false);
  const timeZone = inBrowser ? undefined : "UTC";
  const full = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone }).format(value);
  const text = inBrowser
    ? formatRelative(value, new Date())
    : new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone }).format(value);
  return (
    <time dateTime={value.toISOString()} title={full} className={className}>
      {text}
    </time>
  );
}
