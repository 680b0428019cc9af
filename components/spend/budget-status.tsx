"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { formatUsd } from "@/components/ui/format";
import { StatusPill } from "@/components/ui/status-pill";
import { BudgetDialog } from "./budget-dialog";

/**
 * The team's monthly budget: spend against it with the alert thresholds marked, whether a hard cap
 * is on and reached, and (for owners, admins and billing members) a button to change it.
 */
export function BudgetStatus({ teamId, canEdit = false, className }: { teamId: string; canEdit?: boolean; className?: string }) {
  const trpc = useTRPC();
  const [editing, setEditing] = useState(false);
  const headingId = useId();
  const { data, isPending, isError } = useQuery({ ...trpc.budgets.status.queryOptions({ teamId }), refetchInterval: 60_000 });

  const budget = data?.budget ?? null;
  const used = data ? data.spentNano + data.accruingNano : 0n;
  const percent = data?.percentUsed ?? 0;

  return (
    <Card className={className} aria-labelledby={headingId}>
      <CardHeader
        title={<span id={headingId}>Monthly budget</span>}
        description="Alerts go to owners, admins and billing members as spend crosses each threshold (UTC month)."
        action={
          canEdit && data ? (
            <Button size="sm" variant="secondary" onClick={() => setEditing(true)}>
              {budget ? "Edit budget" : "Set a budget"}
            </Button>
          ) : undefined
        }
      />
      <div className="px-5 py-4">
        {isPending ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Loading budget…</p>
        ) : isError ? (
          <p className="text-sm text-red-600 dark:text-red-400">Could not load the budget. Reload the page to try again.</p>
        ) : !budget ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No budget set. {formatUsd(used)} spent this month.
            {canEdit ? " Set one to be alerted before spend surprises you, and optionally to stop spend at a cap." : ""}
          </p>
        ) : (
          <div className="space-y-3">
            <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
              <p className="text-sm text-zinc-700 dark:text-zinc-300">
                <span className="text-lg font-semibold text-zinc-900 tabular-nums dark:text-zinc-50">{formatUsd(used)}</span> of{" "}
                <span className="font-medium tabular-nums">{formatUsd(budget.amountNano)}</span> ({percent}%)
              </p>
              <div className="flex gap-2">
                {data.capReached ? (
                  <StatusPill tone="red" label="Cap reached" />
                ) : budget.hardCap ? (
                  <StatusPill tone="blue" label={budget.stopInstancesAtCap ? "Hard cap · stops instances" : "Hard cap"} />
                ) : (
                  <StatusPill tone="gray" label="Alerts only" />
                )}
              </div>
            </div>
            <BudgetBar percent={percent} thresholds={budget.alertThresholds} />
            {data.capReached ? (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200">
                The hard cap is reached: API requests are refused with 429 <code className="font-mono">insufficient_quota</code>, and new launches
                and reservations are refused.{" "}
                {budget.stopInstancesAtCap ? "On-demand instances are stopped. " : "Running instances keep running. "}
                {canEdit ? "Raise the budget to resume." : "An owner, admin or billing member can raise the budget."}
              </p>
            ) : (
              <p className="text-xs text-zinc-500 dark:text-zinc-400">
                Alerts at {budget.alertThresholds.map((t) => `${t}%`).join(", ")}.
                {data.accruingNano > 0n ? ` Includes ${formatUsd(data.accruingNano)} of running instance time not yet billed.` : ""}
                {data.reservedNano > 0n ? ` ${formatUsd(data.reservedNano)} is held by requests in flight.` : ""}
              </p>
            )}
          </div>
        )}
      </div>
      {canEdit && data && <BudgetDialog teamId={teamId} budget={budget} open={editing} onOpenChange={setEditing} />}
    </Card>
  );
}

function BudgetBar({ percent, thresholds }: { percent: number; thresholds: number[] }) {
  // The bar spans at least 100% of the budget, more when thresholds or spend go past it.
  const scale = Math.max(100, percent, ...thresholds);
  const width = (value: number) => `${Math.min(100, (value / scale) * 100)}%`;
  return (
    <div className="relative pt-1 pb-5">
      <div
        role="progressbar"
        aria-label="Budget used"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(percent, 100)}
        aria-valuetext={`${percent}% of the budget`}
        className="h-2.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
      >
        <div
          className={cn("h-full rounded-full", percent >= 100 ? "bg-red-500" : percent >= 80 ? "bg-amber-500" : "bg-indigo-500")}
          style={{ width: width(percent) }}
        />
      </div>
      {thresholds.map((t) => (
        <span key={t} className="absolute top-0 flex -translate-x-1/2 flex-col items-center" style={{ left: width(t) }} aria-hidden>
          <span className="h-4.5 w-px bg-zinc-400 dark:bg-zinc-500" />
          <span className="mt-0.5 text-[10px] text-zinc-500 tabular-nums dark:text-zinc-400">{t}%</span>
        </span>
      ))}
    </div>
  );
}
