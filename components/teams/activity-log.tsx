"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Avatar } from "@/components/shell/avatar";
import { BILLING_AUDIT_LABELS } from "@/server/services/billing/shared";
import { INSTANCE_AUDIT_LABELS } from "@/server/services/compute/instances/schemas";
import { SSH_KEY_AUDIT_LABELS } from "@/server/services/compute/ssh-keys/schemas";
import { PLAYGROUND_AUDIT_LABELS } from "@/server/services/playground/schemas";

const ACTION_LABELS: Record<string, string> = {
  "compute.quota_set": "changed a GPU quota",
  "budget.updated": "changed the monthly budget",
  "budget.removed": "removed the monthly budget",
  "team.created": "created the team",
  "team.updated": "changed team settings",
};

/** Actions on something with a name, shown as "created API key “CI”". */
const NAMED_ACTIONS: Record<string, string> = {
  "key.created": "created API key",
  "key.rotated": "rotated API key",
  "key.revoked": "revoked API key",
  ...PLAYGROUND_AUDIT_LABELS,
  ...SSH_KEY_AUDIT_LABELS,
  ...INSTANCE_AUDIT_LABELS,
  ...BILLING_AUDIT_LABELS,
  "reservation.purchased": "reserved capacity block",
  "reservation.extended": "extended capacity block",
  "reservation.cancelled": "cancelled capacity block",
  "reservation.started": "started capacity block",
  "reservation.completed": "ended capacity block",
};

function describe(action: string, metadata: Record<string, unknown>): string {
  const named = NAMED_ACTIONS[action];
  if (named) return typeof metadata.name === "string" ? `${named} “${metadata.name}”` : named;
  const base = ACTION_LABELS[action] ?? action;
  if (action !== "team.updated") return base;
  const parts = Object.entries(metadata).map(([field, change]) => {
    const { from, to } = change as { from?: unknown; to?: unknown };
    return `${field === "slug" ? "URL" : field} from “${String(from)}” to “${String(to)}”`;
  });
  return parts.length ? `changed ${parts.join(" and ")}` : base;
}

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export function ActivityLog({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { teamId, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );

  if (query.isPending) {
    return (
      <Card className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-busy>
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="flex items-center gap-3 px-5 py-4">
            <div className="h-8 w-8 animate-pulse rounded-full bg-zinc-200 dark:bg-zinc-800" />
            <div className="h-4 w-2/3 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
          </div>
        ))}
      </Card>
    );
  }
  if (query.isError) {
    return (
      <Card className="px-5 py-8 text-center text-sm text-red-600 dark:text-red-400" role="alert">
        {query.error.message}
      </Card>
    );
  }
  const events = query.data.pages.flatMap((p) => p.events);
  if (events.length === 0) {
    return <Card className="px-5 py-10 text-center text-sm text-zinc-500">Nothing has happened in this team yet.</Card>;
  }
  return (
    <div className="space-y-4">
      <Card>
        <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {events.map((event) => {
            const who = event.actorName ?? (event.actorType === "system" ? "System" : "Someone");
            return (
              <li key={event.id} className="flex items-start gap-3 px-5 py-3.5">
                <Avatar name={who} />
                <div className="min-w-0 flex-1">
                  <p className="text-sm">
                    <span className="font-medium">{who}</span> {describe(event.action, event.metadata)}
                  </p>
                  <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
                    <time dateTime={event.createdAt.toISOString()}>{timeFormat.format(event.createdAt)}</time>
                    {event.ip && <> · {event.ip}</>}
                    <> · </>
                    <code className="font-mono">{event.action}</code>
                  </p>
                </div>
              </li>
            );
          })}
        </ul>
      </Card>
      {query.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="secondary" pending={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            Load more
          </Button>
        </div>
      )}
    </div>
  );
}
