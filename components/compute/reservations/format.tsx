"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/** True once hydrated: the server renders times in UTC, the browser in the reader's time zone. */
export function useInBrowser(): boolean {
  return useSyncExternalStore(subscribe, () => true, () => false);
}

/** 4 → "4 hours", 48 → "2 days", 30 → "1 day 6 hours". */
export function formatHours(hours: number): string {
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  const d = days > 0 ? `${days} day${days === 1 ? "" : "s"}` : "";
  const h = rest > 0 || days === 0 ? `${rest} hour${rest === 1 ? "" : "s"}` : "";
  return [d, h].filter(Boolean).join(" ");
}

export function hoursBetween(start: Date, end: Date): number {
  return Math.round((new Date(end).getTime() - new Date(start).getTime()) / 3_600_000);
}

/**
 * A block's window in the reader's time zone, "Nov 30, 2:00 PM → 6:00 PM" (the end's date only
 * when it differs); the full dates and time zone in its title.
 */
export function WindowText({ start, end, className }: { start: Date; end: Date; className?: string }) {
  const inBrowser = useInBrowser();
  const timeZone = inBrowser ? undefined : "UTC";
  const s = new Date(start);
  const e = new Date(end);
  const year = (d: Date) => new Intl.DateTimeFormat("en", { year: "numeric", timeZone }).format(d);
  // Blocks lie within months of now: the year only when the window crosses one.
  const withYear = year(s) !== year(e);
  const dateFmt = (d: Date) => new Intl.DateTimeFormat("en", { month: "short", day: "numeric", year: withYear ? "numeric" : undefined, timeZone }).format(d);
  const timeFmt = new Intl.DateTimeFormat("en", { hour: "numeric", minute: "2-digit", timeZone });
  const sameDay = dateFmt(s) === dateFmt(e);
  const full = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "long", timeZone });
  return (
    <span className={className} title={`${full.format(s)} → ${full.format(e)}`}>
      <time dateTime={s.toISOString()}>
        {dateFmt(s)}, {timeFmt.format(s)}
      </time>
      {" → "}
      <time dateTime={e.toISOString()}>
        {sameDay ? "" : `${dateFmt(e)}, `}
        {timeFmt.format(e)}
      </time>
    </span>
  );
}

/** The reader's time zone, e.g. "Europe/Paris" (UTC on the server). */
export function useTimeZoneName(): string {
  const inBrowser = useInBrowser();
  return inBrowser ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC";
}

/** A block whose state the worker is about to change: its start or end has come. */
export function transitionDue(r: { state: string; startsAt: Date; endsAt: Date }, now: number): boolean {
  return (r.state === "scheduled" && new Date(r.startsAt).getTime() <= now) || (r.state === "active" && new Date(r.endsAt).getTime() <= now);
}
