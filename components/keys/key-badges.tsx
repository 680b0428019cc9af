import type { ApiKeyScope } from "@/server/db/schema";
import type { ApiKeyStatus } from "@/server/services/keys/list-keys";
import { API_KEY_SCOPE_LABELS } from "@/server/services/keys/schemas";
import { cn } from "@/components/ui/cn";
import { StatusPill, type StatusTone } from "@/components/ui/status-pill";

const STATUS: Record<ApiKeyStatus, { label: string; tone: StatusTone }> = {
  active: { label: "Active", tone: "green" },
  expiring: { label: "Rotating", tone: "amber" },
  expired: { label: "Expired", tone: "gray" },
  revoked: { label: "Revoked", tone: "red" },
};

export const STATUS_LABELS: Record<ApiKeyStatus, string> = Object.fromEntries(
  Object.entries(STATUS).map(([status, s]) => [status, s.label]),
) as Record<ApiKeyStatus, string>;

export function KeyStatusBadge({ status, title }: { status: ApiKeyStatus; title?: string }) {
  return <StatusPill tone={STATUS[status].tone} label={STATUS[status].label} title={title} />;
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
