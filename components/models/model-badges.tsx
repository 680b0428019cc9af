import { Cpu } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import type { ModelStatus } from "@/server/db/schema/models";

const badgeBase = "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset";

/** "Preview" or "Deprecated"; nothing for available models. */
export function StatusBadge({ status, className }: { status: ModelStatus; className?: string }) {
  if (status === "available") return null;
  return (
    <span
      className={cn(
        badgeBase,
        status === "preview"
          ? "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950/60 dark:text-amber-300 dark:ring-amber-400/20"
          : "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-950/60 dark:text-red-300 dark:ring-red-400/20",
        className,
      )}
    >
      {status === "preview" ? "Preview" : "Deprecated"}
    </span>
  );
}

export const LOCAL_ENGINE_EXPLANATION =
  "Served by the console's built-in local engine on this deployment's own CPU, not by GPU servers running the model's weights.";

/** Marks models that the built-in local engine serves. */
export function LocalEngineBadge({ className }: { className?: string }) {
  return (
    <span
      title={LOCAL_ENGINE_EXPLANATION}
      className={cn(
        badgeBase,
        "bg-sky-50 text-sky-800 ring-sky-600/20 dark:bg-sky-950/60 dark:text-sky-300 dark:ring-sky-400/20",
        className,
      )}
    >
      <Cpu className="h-3 w-3" aria-hidden />
      Local engine
    </span>
  );
}

/** A neutral chip, e.g. an endpoint name. */
export function Chip({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded-md bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
        className,
      )}
    >
      {children}
    </span>
  );
}
