"use client";

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Download, ScrollText, SearchX } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { ActivityLog } from "@/components/teams/activity-log";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { cn } from "@/components/ui/cn";
import { PageHeader } from "@/components/ui/page-header";
import { auditParamsFromSearch, auditSearchFromParams, hasFilters, type AuditFilterInput } from "@/server/services/audit/filters";
import { AuditFilterBar, filterErrors } from "./audit-filter-bar";

const PAGE_SIZE = 50;

/**
 * The audit log page: filters kept in the URL (so a view can be bookmarked, shared, and downloaded
 * as it is), the events newest first with "Load more", and the same filters as a CSV download.
 */
export function AuditLogView({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();

  const filter = auditParamsFromSearch(new URLSearchParams(searchParams.toString()));
  const urlErrors = filterErrors(filter);
  const valid = Object.keys(urlErrors).length === 0;
  const search = auditSearchFromParams(filter).toString();
  const filtered = hasFilters(filter);

  const hrefWith = (next: AuditFilterInput) => {
    const query = auditSearchFromParams(next).toString();
    return query ? `${pathname}?${query}` : pathname;
  };
  const apply = (next: AuditFilterInput) => router.replace(hrefWith(next), { scroll: false });

  const facets = useQuery(trpc.audit.facets.queryOptions({ teamId }, { staleTime: 60_000 }));
  const list = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { teamId, limit: PAGE_SIZE, ...filter },
      { enabled: valid, getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );
  const events = list.data?.pages.flatMap((p) => p.events) ?? [];

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change, sign-in and failed sign-in in this team, newest first. Days and times are UTC."
        actions={
          valid ? (
            <Button variant="secondary" asChild>
              <a href={`/api/teams/${teamId}/audit.csv${search ? `?${search}` : ""}`} download>
                <Download className="h-4 w-4" aria-hidden />
                Download CSV
              </a>
            </Button>
          ) : null
        }
      />

      <Card className="mb-5 px-4 py-4 sm:px-5">
        <AuditFilterBar value={filter} urlErrors={urlErrors} facets={facets.data} onApply={apply} />
      </Card>

      {!valid ? (
        <Card role="alert" className="px-5 py-6 text-sm">
          <p className="text-red-700 dark:text-red-400">These filters are not valid: {Object.values(urlErrors)[0]}</p>
          <Button variant="secondary" size="sm" className="mt-3" onClick={() => apply({})}>
            Clear filters
          </Button>
        </Card>
      ) : list.isPending ? (
        <LoadingState />
      ) : list.isError ? (
        <Card role="alert" className="px-5 py-10 text-center text-sm text-red-600 dark:text-red-400">
          Could not load the log: {list.error.message}
        </Card>
      ) : events.length === 0 ? (
        <NoEvents filtered={filtered} onClear={() => apply({})} />
      ) : (
        <div className="space-y-4">
          <Card className={cn("overflow-hidden transition-opacity", list.isPlaceholderData && "opacity-60")} aria-busy={list.isFetching || undefined}>
            <ActivityLog events={events} hrefFor={(narrow) => hrefWith({ ...filter, ...narrow })} />
          </Card>
          <div className="flex flex-col items-center gap-2">
            <p className="text-xs text-zinc-500 dark:text-zinc-400" role="status">
              {list.hasNextPage ? `Showing the latest ${events.length} events${filtered ? " that match" : ""}.` : `${events.length === 1 ? "1 event" : `${events.length} events`}${filtered ? " match these filters" : " in all"}.`}
            </p>
            {list.hasNextPage && (
              <Button variant="secondary" pending={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                Load more
              </Button>
            )}
          </div>
        </div>
      )}
    </>
  );
}

function NoEvents({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  return (
    <EmptyState
      icon={filtered ? SearchX : ScrollText}
      title={filtered ? "No events match these filters" : "Nothing has happened in this team yet"}
      description={
        filtered
          ? "Try a longer date range or another actor or action, or clear the filters to see the whole log."
          : "Changes to the team, its keys, instances, reservations and budget, and its members' sign-ins, show up here as they happen."
      }
      actions={
        filtered && (
          <Button variant="secondary" onClick={onClear}>
            Clear filters
          </Button>
        )
      }
    />
  );
}

function LoadingState() {
  return (
    <Card className="divide-y divide-zinc-200 dark:divide-zinc-800" role="status" aria-label="Loading the log">
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="flex items-center gap-3 px-4 py-4">
          <div className="hidden h-4 w-32 animate-pulse rounded bg-zinc-200 md:block dark:bg-zinc-800" />
          <div className="h-7 w-7 shrink-0 animate-pulse rounded-full bg-zinc-200 dark:bg-zinc-800" />
          <div className="flex-1 space-y-2">
            <div className="h-4 w-2/3 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
            <div className="h-3 w-1/3 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
          </div>
        </div>
      ))}
    </Card>
  );
}
