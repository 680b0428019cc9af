"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ChartColumn, Download, X } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { cn } from "@/components/ui/cn";
import { formatCount, formatUsd } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import {
  BREAKDOWN_DIMENSIONS,
  DIMENSION_LABELS,
  filterInput,
  PRODUCT_LABELS,
  rangeInput,
  SPEND_PRODUCTS,
  spendParamsFromSearch,
  spendSearchFromParams,
  type BreakdownDimension,
  type RangeInput,
  type SpendFilter,
} from "@/server/services/spend/range";
import type { SpendReport } from "@/server/services/spend/report";
import { BreakdownTable } from "./breakdown-table";
import { BudgetStatus } from "./budget-status";
import { formatInstanceHours, formatTokens, PRODUCT_COLOUR, PRODUCT_COLOUR_VARS } from "./format";
import { RangePicker } from "./range-picker";

function ChartSkeleton() {
  return (
    <div className="flex h-full items-end gap-1.5 px-2 pb-6" role="status" aria-label="Loading the chart">
      {[40, 65, 30, 80, 55, 70, 45, 90, 35, 60, 75, 50].map((h, i) => (
        <div key={i} className="flex-1 animate-pulse rounded-t bg-zinc-200 dark:bg-zinc-800" style={{ height: `${h}%` }} />
      ))}
    </div>
  );
}

// recharts is most of this page's script: loaded after the figures, and never on the server.
const SpendChart = dynamic(() => import("./spend-chart"), { ssr: false, loading: ChartSkeleton });

const TAB_LABELS: Record<BreakdownDimension, string> = { model: "Models", key: "API keys", instance_type: "Instance types", member: "Members" };
const EMPTY_TEXT: Record<BreakdownDimension, string> = {
  model: "No model usage in this range.",
  key: "No usage in this range.",
  instance_type: "No instance time or capacity blocks in this range.",
  member: "No usage in this range.",
};

const monthName = (month: string) => new Intl.DateTimeFormat("en", { month: "long", timeZone: "UTC" }).format(new Date(`${month}-01T00:00:00Z`));

function Skeleton({ className }: { className?: string }) {
  return <div className={cn("animate-pulse rounded bg-zinc-200 dark:bg-zinc-800", className)} />;
}

function hasUsage(report: SpendReport): boolean {
  return report.totals.costNano !== 0n || report.totals.requests > 0 || Object.values(report.breakdowns).some((rows) => rows.length > 0);
}

export function SpendView({ teamId, teamSlug, canEditBudget }: { teamId: string; teamSlug: string; canEditBudget: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [tab, setTab] = useState<BreakdownDimension>("model");

  const params = spendParamsFromSearch(new URLSearchParams(searchParams.toString()));
  const rangeCheck = rangeInput.safeParse(params.range);
  const filterCheck = params.filter ? filterInput.safeParse(params.filter) : null;
  const filter: SpendFilter | null = filterCheck?.success ? filterCheck.data : null;
  const range: RangeInput = params.range;

  const { data: report, error, isPending, isFetching, isPlaceholderData } = useQuery(
    trpc.spend.report.queryOptions({ teamId, range, filter }, { enabled: rangeCheck.success, placeholderData: keepPreviousData }),
  );

  const hrefWith = (nextRange: RangeInput, nextFilter: SpendFilter | null) => {
    const search = spendSearchFromParams(nextRange, nextFilter).toString();
    return search ? `${pathname}?${search}` : pathname;
  };
  const search = spendSearchFromParams(range, filter).toString();
  const csvHref = (path: string, extra?: Record<string, string>) => {
    const query = new URLSearchParams(search);
    for (const [k, v] of Object.entries(extra ?? {})) query.set(k, v);
    return `/api/teams/${teamId}/spend/${path}?${query.toString()}`;
  };
  const clearFilter = hrefWith(range, null);

  const invalid = !rangeCheck.success
    ? (rangeCheck.error.issues[0]?.message ?? "This date range is not valid.")
    : filterCheck && !filterCheck.success
      ? "This filter is not one the page knows. Clear it to see all spend."
      : null;

  return (
    <div className={PRODUCT_COLOUR_VARS}>
      <PageHeader
        title="Spend"
        description="What this team spends on models and compute. Days are UTC; figures update as usage is recorded."
        actions={
          <Button variant="secondary" asChild>
            <a href={csvHref("usage.csv")} download>
              <Download className="h-4 w-4" aria-hidden />
              Raw usage CSV
            </a>
          </Button>
        }
      />

      <div className="mb-5 flex flex-wrap items-start justify-between gap-3">
        <RangePicker
          key={`${range.preset ?? "30d"}-${range.start ?? ""}-${range.end ?? ""}`}
          value={range}
          current={report ? { first: report.range.days[0]!, last: report.range.days.at(-1)! } : null}
          onChange={(next) => router.replace(hrefWith(next, filter), { scroll: false })}
        />
        <div className="flex items-center gap-3 pt-1.5 text-sm text-zinc-500 dark:text-zinc-400">
          {isFetching && !isPending && (
            <span role="status" className="text-xs">
              Updating…
            </span>
          )}
          {report && <span data-testid="range-label">{report.range.label} (UTC)</span>}
        </div>
      </div>

      {report?.filter && (
        <div className="mb-5">
          <span className="inline-flex max-w-full items-center gap-2 rounded-full bg-indigo-50 py-1 pr-1 pl-3 text-sm text-indigo-900 ring-1 ring-indigo-200 ring-inset dark:bg-indigo-950/60 dark:text-indigo-100 dark:ring-indigo-800">
            <span className="truncate" data-testid="filter-chip">
              Filtered by {DIMENSION_LABELS[report.filter.dimension].toLowerCase()}: <strong className="font-semibold">{report.filter.label}</strong>
            </span>
            <Link
              href={clearFilter}
              scroll={false}
              aria-label="Clear filter"
              className="inline-flex h-6 w-6 shrink-0 items-center justify-center rounded-full hover:bg-indigo-100 dark:hover:bg-indigo-900"
            >
              <X className="h-3.5 w-3.5" aria-hidden />
            </Link>
          </span>
        </div>
      )}

      {invalid ? (
        <Card role="alert" className="px-5 py-6 text-sm">
          <p className="text-red-700 dark:text-red-400">{invalid}</p>
          <Link href={pathname} className="mt-2 inline-block font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Show the last 30 days
          </Link>
        </Card>
      ) : error ? (
        <Card role="alert" className="px-5 py-10 text-center text-sm text-red-600 dark:text-red-400">
          Could not load spend: {error.message}
        </Card>
      ) : isPending || !report ? (
        <LoadingState />
      ) : (
        <div className={cn("space-y-6 transition-opacity", isPlaceholderData && "opacity-60")} aria-busy={isFetching || undefined}>
          <Summary report={report} teamId={teamId} canEditBudget={canEditBudget} productHref={(product) => hrefWith(range, { dimension: "product", value: product })} />
          {hasUsage(report) ? (
            <>
              <Card>
                <CardHeader
                  title="Daily spend"
                  description="Each UTC day, stacked by product."
                  action={
                    <Button variant="ghost" size="sm" asChild>
                      <a href={csvHref("breakdown.csv", { by: "day" })} download>
                        <Download className="h-4 w-4" aria-hidden />
                        CSV
                      </a>
                    </Button>
                  }
                />
                <CardBody>
                  <div
                    role="img"
                    aria-label={`Daily spend by product, ${report.range.label}; the figures are in the tables below and in the CSV.`}
                    className="h-64 [--spend-axis:#71717a] [--spend-cursor:rgb(228_228_231/0.6)] [--spend-grid:#e4e4e7] dark:[--spend-axis:#a1a1aa] dark:[--spend-cursor:rgb(63_63_70/0.5)] dark:[--spend-grid:#27272a]"
                  >
                    <SpendChart daily={report.daily} products={SPEND_PRODUCTS} />
                  </div>
                  <ul className="mt-3 flex flex-wrap gap-x-5 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400" aria-label="Legend">
                    {SPEND_PRODUCTS.map((product) => (
                      <li key={product} className="flex items-center gap-1.5">
                        <span className="h-2.5 w-2.5 rounded-sm" style={{ background: PRODUCT_COLOUR[product] }} aria-hidden />
                        {PRODUCT_LABELS[product]}
                      </li>
                    ))}
                  </ul>
                </CardBody>
              </Card>

              <Card>
                <Tabs value={tab} onValueChange={(v) => setTab(v as BreakdownDimension)}>
                  <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
                    <h2 className="sr-only">Breakdown</h2>
                    <TabsList aria-label="Break down by" className="grid w-full grid-cols-2 sm:inline-flex sm:w-auto">
                      {BREAKDOWN_DIMENSIONS.map((d) => (
                        <TabsTrigger key={d} value={d}>
                          {TAB_LABELS[d]}
                        </TabsTrigger>
                      ))}
                    </TabsList>
                    <Button variant="ghost" size="sm" asChild>
                      <a href={csvHref("breakdown.csv", { by: tab })} download>
                        <Download className="h-4 w-4" aria-hidden />
                        {TAB_LABELS[tab]} CSV
                      </a>
                    </Button>
                  </div>
                  {BREAKDOWN_DIMENSIONS.map((d) => (
                    <TabsContent key={d} value={d}>
                      <BreakdownTable
                        dimension={d}
                        rows={report.breakdowns[d]}
                        emptyText={EMPTY_TEXT[d]}
                        hrefFor={(row) => hrefWith(range, { dimension: d, value: row.value })}
                      />
                    </TabsContent>
                  ))}
                </Tabs>
                <p className="border-t border-zinc-200 px-5 py-2.5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
                  Click a row to narrow the whole page to it.
                </p>
              </Card>
            </>
          ) : (
            <NoUsage teamSlug={teamSlug} filtered={report.filter !== null} clearHref={clearFilter} />
          )}
        </div>
      )}
    </div>
  );
}

function Summary({
  report,
  teamId,
  canEditBudget,
  productHref,
}: {
  report: SpendReport;
  teamId: string;
  canEditBudget: boolean;
  productHref: (product: string) => string;
}) {
  const mtd = report.monthToDate;
  const month = monthName(mtd.month);
  const t = report.totals;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Card className="px-5 py-4" aria-labelledby="mtd-heading">
        <h2 id="mtd-heading" className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          {month} to date{report.filter ? ", filtered" : ""}
        </h2>
        <p className="mt-1 text-3xl font-semibold tracking-tight tabular-nums" data-testid="mtd-total">
          {formatUsd(mtd.costNano)}
        </p>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-300">
          Forecast for {month}: <strong className="font-semibold tabular-nums" data-testid="mtd-forecast">{formatUsd(mtd.forecastNano)}</strong>
        </p>
        <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          {formatUsd(mtd.usageNano)} of usage in {mtd.daysElapsed.toLocaleString("en-US", { maximumFractionDigits: 1 })} of {mtd.daysInMonth} days, extrapolated
          {mtd.upfrontNano !== 0n && <>, plus {formatUsd(mtd.upfrontNano)} of capacity blocks paid up front</>}.
        </p>
      </Card>

      <BudgetStatus teamId={teamId} canEdit={canEditBudget} />

      <Card className="px-5 py-4" aria-labelledby="range-heading">
        <h2 id="range-heading" className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          Spend in this range
        </h2>
        <p className="mt-1 text-3xl font-semibold tracking-tight tabular-nums" data-testid="range-total">
          {formatUsd(t.costNano)}
        </p>
        <ul className="mt-2 space-y-1 text-sm" aria-label="By product">
          {SPEND_PRODUCTS.map((product) => (
            <li key={product}>
              <Link
                href={productHref(product)}
                scroll={false}
                className="group flex items-center justify-between gap-3 rounded px-1 -mx-1 hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
                title={`Show only ${PRODUCT_LABELS[product].toLowerCase()}`}
              >
                <span className="flex items-center gap-2 text-zinc-600 group-hover:text-zinc-900 dark:text-zinc-400 dark:group-hover:text-zinc-100">
                  <span className="h-2.5 w-2.5 rounded-sm" style={{ background: PRODUCT_COLOUR[product] }} aria-hidden />
                  {PRODUCT_LABELS[product]}
                </span>
                <span className="tabular-nums" data-testid={`product-${product}`}>
                  {formatUsd(report.byProduct[product])}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </Card>

      <Card className="px-5 py-4" aria-labelledby="usage-heading">
        <h2 id="usage-heading" className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          Usage in this range
        </h2>
        <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-3">
          {[
            { label: "API requests", value: formatCount(t.requests), detail: t.errors > 0 ? `${formatCount(t.errors)} failed` : null, id: "requests" },
            { label: "Input tokens", value: formatTokens(t.inputTokens), detail: null, id: "input-tokens" },
            { label: "Output tokens", value: formatTokens(t.outputTokens), detail: null, id: "output-tokens" },
            { label: "Instance hours", value: formatInstanceHours(t.instanceSeconds), detail: t.reservedSeconds !== 0 ? `${formatInstanceHours(t.reservedSeconds)} reserved` : null, id: "instance-hours" },
          ].map((item) => (
            <div key={item.label} className="min-w-0">
              <dt className="text-xs text-zinc-500 dark:text-zinc-400">{item.label}</dt>
              <dd className="text-lg font-semibold tabular-nums" data-testid={`usage-${item.id}`}>
                {item.value}
              </dd>
              {item.detail && <dd className="text-xs text-zinc-500 dark:text-zinc-400">{item.detail}</dd>}
            </div>
          ))}
        </dl>
      </Card>
    </div>
  );
}

function NoUsage({ teamSlug, filtered, clearHref }: { teamSlug: string; filtered: boolean; clearHref: string }) {
  return (
    <EmptyState
      icon={ChartColumn}
      title={filtered ? "Nothing for this filter in this range" : "No usage in this range"}
      description={
        filtered
          ? "Choose a longer range, or clear the filter to see everything the team spent."
          : "Spend shows up here as the team calls models, runs instances or reserves capacity. Try a longer range, or get started:"
      }
      actions={
        filtered ? (
          <Button variant="secondary" asChild>
            <Link href={clearHref} scroll={false}>
              Clear filter
            </Link>
          </Button>
        ) : (
          <>
            <Button variant="secondary" asChild>
              <Link href={`/${teamSlug}/playground`}>Try the playground</Link>
            </Button>
            <Button variant="secondary" asChild>
              <Link href={`/${teamSlug}/keys`}>Create an API key</Link>
            </Button>
            <Button variant="secondary" asChild>
              <Link href={`/${teamSlug}/instances`}>Launch an instance</Link>
            </Button>
          </>
        )
      }
    />
  );
}

function LoadingState() {
  return (
    <div className="space-y-6" role="status" aria-label="Loading spend">
      <div className="grid gap-4 md:grid-cols-2">
        {[0, 1, 2, 3].map((i) => (
          <Card key={i} className="space-y-3 px-5 py-4">
            <Skeleton className="h-3 w-28" />
            <Skeleton className="h-8 w-36" />
            <Skeleton className="h-3 w-48" />
          </Card>
        ))}
      </div>
      <Card className="h-80 p-5">
        <ChartSkeleton />
      </Card>
      <Card className="space-y-3 p-5">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-6 w-full" />
        ))}
      </Card>
    </div>
  );
}
