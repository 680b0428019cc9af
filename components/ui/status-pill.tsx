import { cn } from "./cn";

const TONES = {
  green: { pill: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-950/60 dark:text-emerald-300 dark:ring-emerald-400/20", dot: "bg-emerald-500" },
  amber: { pill: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950/60 dark:text-amber-300 dark:ring-amber-400/20", dot: "bg-amber-500" },
  blue: { pill: "bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-950/60 dark:text-sky-300 dark:ring-sky-400/20", dot: "bg-sky-500" },
  gray: { pill: "bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/20", dot: "bg-zinc-400" },
  red: { pill: "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-950/60 dark:text-red-300 dark:ring-red-400/20", dot: "bg-red-500" },
} as const;

export type StatusTone = keyof typeof TONES;

/** A state as a small coloured pill with a dot; `busy` pulses the dot for states that are changing. */
export function StatusPill({ tone, label, busy = false, title }: { tone: StatusTone; label: string; busy?: boolean; title?: string }) {
  return (
    <span
      title={title}
      className={cn("inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", TONES[tone].pill)}
    >
      <span className={cn("h-1.5 w-1.5 rounded-full", TONES[tone].dot, busy && "animate-pulse")} aria-hidden />
      {label}
    </span>
  );
}
