import type { ComponentProps, ReactNode } from "react";
import { Card } from "./card";
import { cn } from "./cn";

const thClass = "px-4 py-2.5 text-left text-xs font-medium tracking-wide whitespace-nowrap text-zinc-500 uppercase dark:text-zinc-400";

/**
 * A class, not a `Td`: cells append to it as is. Merging would change some of them: an action cell's `py-2` would
 * replace `py-3`, which wins in the CSS today.
 */
export const tdClass = "px-4 py-3 align-top";

/** A list's table, in a card that scrolls sideways when its columns do not fit. */
export function TableCard({ children }: { children: ReactNode }) {
  return (
    <Card className="relative overflow-x-auto">
      <table className="w-full text-sm">{children}</table>
    </Card>
  );
}

/** The header row; `shaded` puts it on the grey band that some lists have. */
export function TableHead({ shaded = false, children }: { shaded?: boolean; children: ReactNode }) {
  return (
    <thead
      className={shaded ? "border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60" : "border-b border-zinc-200 dark:border-zinc-800"}
    >
      <tr>{children}</tr>
    </thead>
  );
}

export function TableBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">{children}</tbody>;
}

/** A column heading; `className` is merged, so `text-right` replaces the default `text-left`. */
export function Th({ className, ...props }: ComponentProps<"th">) {
  return <th scope="col" className={cn(thClass, className)} {...props} />;
}

/** The heading of a column of row menus: named for screen readers, blank on screen. */
export function ActionsTh({ className }: { className?: string }) {
  return (
    <Th className={className}>
      <span className="sr-only">Actions</span>
    </Th>
  );
}
