"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import type { GpuQuotaUsage } from "@/server/services/compute/quotas/quotas";

export interface PlannedLaunch {
  gpuModel: string;
  gpus: number;
}

const count = (n: number) => n.toLocaleString("en");

/**
 * GPUs in use against the team's quota, one bar per GPU model. Pass `planned` (the launch form's
 * current choice) to show what the launch would add, and whether it still fits.
 */
export function QuotaUsage({
  teamId,
  planned,
  initialData,
  className,
}: {
  teamId: string;
  planned?: PlannedLaunch | null;
  initialData?: GpuQuotaUsage[];
  className?: string;
}) {
  const trpc = useTRPC();
  const headingId = useId();
  const { data, isPending, isError } = useQuery(trpc.quotas.usage.queryOptions({ teamId }, initialData ? { initialData } : undefined));

  return (
    <Card className={className} aria-labelledby={headingId}>
      <CardHeader
        title={<span id={headingId}>GPU quota</span>}
        description="GPUs your on-demand instances hold, per GPU model. Instances in a reservation do not count."
      />
      <div className="px-5 py-4">
        {isPending ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Loading quota…</p>
        ) : isError ? (
          <p className="text-sm text-red-600 dark:text-red-400">Could not load the quota. Reload the page to try again.</p>
        ) : data.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">No GPU models are offered yet.</p>
        ) : (
          <ul className="space-y-4">
            {data.map((usage) => (
              <QuotaBar key={usage.gpuModel} usage={usage} planned={planned?.gpuModel === usage.gpuModel ? planned.gpus : 0} />
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

function QuotaBar({ usage, planned }: { usage: GpuQuotaUsage; planned: number }) {
  const { gpuModel, usedGpus, maxGpus } = usage;
  const after = usedGpus + planned;
  const over = after > maxGpus;
  const scale = Math.max(maxGpus, after, 1);
  const usedPct = (usedGpus / scale) * 100;
  const plannedPct = (planned / scale) * 100;
  const tone = usedGpus >= maxGpus && maxGpus > 0 ? "bg-red-500" : usedGpus / Math.max(maxGpus, 1) >= 0.8 ? "bg-amber-500" : "bg-indigo-500";
  const labelId = useId();

  return (
    <li>
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span id={labelId} className="font-medium whitespace-nowrap">
          {gpuModel}
        </span>
        <span className="text-right text-zinc-600 tabular-nums dark:text-zinc-300">
          {maxGpus === 0 && usedGpus === 0 ? "No quota" : `${count(usedGpus)} of ${count(maxGpus)} GPUs`}
          {planned > 0 && <span className={over ? "text-red-600 dark:text-red-400" : undefined}> · {count(after)} with this launch</span>}
        </span>
      </div>
      <div
        role="meter"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={maxGpus}
        aria-valuenow={usedGpus}
        aria-valuetext={`${count(usedGpus)} of ${count(maxGpus)} GPUs in use`}
        className="mt-1.5 flex h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className={cn("h-full", tone)} style={{ width: `${usedPct}%` }} />
        {planned > 0 && (
          <div
            className={cn("h-full opacity-60", over ? "bg-red-500" : "bg-indigo-400 dark:bg-indigo-300")}
            style={{ width: `${plannedPct}%`, backgroundImage: "repeating-linear-gradient(45deg, transparent 0 3px, rgb(255 255 255 / 0.35) 3px 6px)" }}
          />
        )}
      </div>
      {over && (
        <p className="mt-1.5 text-xs text-red-600 dark:text-red-400">
          This launch would exceed the quota. Terminate an instance or ask the provider to raise the quota.
        </p>
      )}
    </li>
  );
}
