"use client";

import { useSyncExternalStore } from "react";

const dateFormats = {
  date: { dateStyle: "medium" },
  datetime: { dateStyle: "medium", timeStyle: "short" },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

const subscribe = () => () => {};

/**
 * A date in the reader's time zone. The server renders it in UTC and the browser switches to local
 * time right after hydration, so the two never disagree during hydration.
 */
export function DateText({
  value,
  format = "date",
  className,
}: {
  value: Date;
  format?: keyof typeof dateFormats;
  className?: string;
}) {
  const inBrowser = useSyncExternalStore(subscribe, () => true, () => false);
  const options = { ...dateFormats[format], timeZone: inBrowser ? undefined : "UTC" };
  const full = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "long", timeZone: options.timeZone });
  return (
    <time dateTime={value.toISOString()} title={full.format(value)} className={className}>
      {new Intl.DateTimeFormat("en", options).format(value)}
    </time>
  );
}
