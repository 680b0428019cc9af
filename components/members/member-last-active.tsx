"use client";

import { useSyncExternalStore } from "react";
import { useNow } from "@/components/compute/use-now";
import { formatLastActive } from "./member-rules";

const subscribe = () => () => {};

/**
 * When a member was last active, relative to now ("12 min ago", "Never"), the exact time on
 * hover. The server has no "now" the browser would agree with, so it renders the date (UTC) and
 * the browser switches to the relative text after hydration, refreshing it every minute.
 */
export function LastActive({ value, className }: { value: Date | null; className?: string }) {
  const inBrowser = useSyncExternalStore(subscribe, () => true, () => false);
  const now = useNow(inBrowser && value !== null, 60_000);
  if (!value) return <span className={className}>Never</span>;
  const timeZone = inBrowser ? undefined : "UTC";
  const full = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone }).format(value);
  const text = inBrowser ? formatLastActive(value, new Date(now)) : new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone }).format(value);
  return (
    <time dateTime={value.toISOString()} title={full} className={className}>
      {text}
    </time>
  );
}
