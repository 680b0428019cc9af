import type { ApiKeyScope } from "@/server/db/schema";
import type { ApiKeyStatus } from "@/server/services/keys/list-keys";
import { API_KEY_SCOPE_LABELS } from "@/server/services/keys/schemas";
import { cn } from "@/components/ui/cn";

const STATUS: Record<ApiKeyStatus, { label: string; className: string; dot: string }> = {
  active: {
    label: "Active",
    className: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-950/60 dark:text-emerald-300 dark:ring-emerald-400/20",
    dot: "bg-emerald-500",
  },
  expiring: {
    label: "Rotating",
    className: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950/60 dark:text-amber-300 dark:ring-amber-400/20",
    dot: "bg-amber-500",
  },
  expired: {
    label: "Expired",
    className: "bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/20",
    dot: "bg-zinc-400",
  },
  revoked: {
    label: "Revoked",
    className: "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-950/60 dark:text-red-300 dark:ring-red-400/20",
    dot: "bg-red-500",
  },
};

export const STATUS_LABELS: Record<ApiKeyStatus, string> = Object.fromEntries(
  Object.entries(STATUS).map(([status, s]) => [status, s.label]),
) as Record<ApiKeyStatus, string>;

export function KeyStatusBadge({ status, title }: { status: ApiKeyStatus; title?: string }) {
  const s = STATUS[status];
  return (
    <span
      title={title}
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        s.className,
      )}
    >
      <span className={cn("h-1.5 w-1.5 rounded-full", s.dot)} aria-hidden />
      {s.label}
    </span>
  );
}

export function ScopeBadges({ scopes, className }: { scopes: readonly ApiKeyScope[]; className?: string }) {
  return (
    <ul className={cn("flex flex-wrap gap-1", className)} aria-label="Scopes">
      {scopes.map((scope) => (
        <li
          key={scope}
          title={scope}
          className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
        >
          {API_KEY_SCOPE_LABELS[scope]}
        </li>
      ))}
    </ul>
  );
}
