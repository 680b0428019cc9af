import type { ReactNode } from "react";

/** Tells people whose role only lets them look why a page has no buttons to change things. */
export function ReadOnlyNotice({ children }: { children: ReactNode }) {
  return (
    <p role="note" className="mb-4 rounded-md border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400">
      {children}
    </p>
  );
}
