"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { SelectField } from "@/components/ui/field";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import type { ComputeCatalogView } from "@/server/services/compute/capacity";
import { formatPerHour } from "../format";
import { useInBrowser } from "./format";

type Bucket = "day" | "hour";

/** 14 days by day; by hour, the next 48 hours (availabilityInput counts days for both). */
const DAYS: Record<Bucket, number> = { day: 14, hour: 2 };

const LEVELS = [
  // 0: nothing free, hatched so that it reads as "none" without relying on colour.
  "text-zinc-500 dark:text-zinc-500 bg-[repeating-linear-gradient(135deg,transparent_0_4px,rgb(0_0_0/0.07)_4px_8px)] dark:bg-[repeating-linear-gradient(135deg,transparent_0_4px,rgb(255_255_255/0.07)_4px_8px)]",
  "bg-emerald-50 text-emerald-900 dark:bg-emerald-950/70 dark:text-emerald-200",
  "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/60 dark:text-emerald-100",
  "bg-emerald-200 text-emerald-950 dark:bg-emerald-800/80 dark:text-emerald-50",
  "bg-emerald-300 text-emerald-950 dark:bg-emerald-700 dark:text-white",
] as const;

/** 0 for none, else 1–4 by the share of the most that is free anywhere in the grid. */
function level(free: number, most: number): number {
  if (free <= 0 || most <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((free / most) * 4)));
}

/**
 * Free instances of one type per region and day (UTC days, as the ledger buckets them) or hour:
 * the number in each cell fits for the whole of that bucket, so a block that fits there can be
 * bought. A real table: region names are row headers, buckets are column headers.
 */
export function AvailabilityCalendar({
  teamId,
  catalog,
  instanceTypeId,
  onInstanceTypeChange,
}: {
  teamId: string;
  catalog: ComputeCatalogView | undefined;
  instanceTypeId: string;
  onInstanceTypeChange: (id: string) => void;
}) {
  const trpc = useTRPC();
  const [bucket, setBucket] = useState<Bucket>("day");
  const inBrowser = useInBrowser();
  const { data, error, isPending, isFetching, refetch } = useQuery(
    trpc.compute.availability.queryOptions({ teamId, instanceTypeId, days: DAYS[bucket], bucket }, { enabled: Boolean(instanceTypeId) }),
  );
  const type = catalog?.instanceTypes.find((t) => t.id === instanceTypeId);
  const regionName = (id: string) => catalog?.regions.find((r) => r.id === id)?.name ?? id;
  const most = Math.max(0, ...(data?.regions.flatMap((r) => r.instances) ?? []));

  // Days are UTC days (that is how the ledger buckets them); hours are shown in the reader's zone.
  const timeZone = bucket === "day" || !inBrowser ? "UTC" : undefined;
  const weekday = new Intl.DateTimeFormat("en", { weekday: "short", timeZone });
  const day = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone });
  const hour = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone });
  const bucketLabel = (at: Date) => (bucket === "day" ? day.format(at) : `${day.format(at)} ${hour.format(at)}`);

  return (
    <Card aria-label="Availability">
      <CardHeader
        title="Availability"
        description={
          bucket === "day"
            ? "Instances free for a whole day (UTC days), per region, over the next 14 days."
            : `Instances free for a whole hour, per region, over the next 48 hours (${inBrowser ? "your time zone" : "UTC"}).`
        }
      />
      <CardBody className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <SelectField
            label="Instance type"
            className="w-full sm:w-72"
            value={instanceTypeId}
            onChange={(e) => onInstanceTypeChange(e.target.value)}
            options={(catalog?.instanceTypes ?? []).filter((t) => t.status === "available").map((t) => ({ value: t.id, label: t.displayName }))}
          />
          <Tabs value={bucket} onValueChange={(v) => setBucket(v as Bucket)}>
            <TabsList aria-label="Calendar resolution">
              <TabsTrigger value="day">By day</TabsTrigger>
              <TabsTrigger value="hour">By hour</TabsTrigger>
            </TabsList>
          </Tabs>
        </div>
        {type && <p className="text-xs text-zinc-500 dark:text-zinc-400">Reserved price {formatPerHour(type.reservedNanoPerHour)} per instance.</p>}

        {error ? (
          <div role="alert" className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
            <span>Could not load availability: {error.message}</span>
            <Button variant="secondary" size="sm" onClick={() => void refetch()}>
              Try again
            </Button>
          </div>
        ) : isPending || !data ? (
          <p className="py-8 text-center text-sm text-zinc-500 dark:text-zinc-400" role="status">
            Loading availability…
          </p>
        ) : data.regions.length === 0 ? (
          <p className="py-8 text-center text-sm text-zinc-500 dark:text-zinc-400">{type?.displayName ?? "This type"} is not offered in any region right now.</p>
        ) : (
          <div className={cn("relative overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800", isFetching && "opacity-80")} aria-busy={isFetching || undefined}>
            <table className="w-full border-separate border-spacing-0 text-sm">
              <caption className="sr-only">
                {type?.displayName ?? instanceTypeId}: instances free per region and {bucket === "day" ? "day (UTC)" : "hour"}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="sticky left-0 z-10 border-r border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-left text-xs font-medium text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400">
                    Region
                  </th>
                  {data.starts.map((at, i) => {
                    const start = new Date(at);
                    const newDay = i === 0 || day.format(start) !== day.format(new Date(data.starts[i - 1]!));
                    return (
                      <th
                        key={start.toISOString()}
                        scope="col"
                        title={bucketLabel(start)}
                        className="min-w-12 border-b border-zinc-200 bg-zinc-50 px-1 py-1.5 text-center text-xs font-medium whitespace-nowrap text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300"
                      >
                        {bucket === "day" ? (
                          <>
                            <span className="block text-[11px] font-normal text-zinc-500 dark:text-zinc-400">{weekday.format(start)}</span>
                            {day.format(start)}
                          </>
                        ) : (
                          <>
                            <span className={cn("block text-[11px] font-normal text-zinc-500 dark:text-zinc-400", !newDay && "invisible")} aria-hidden={!newDay || undefined}>
                              {day.format(start)}
                            </span>
                            <span className="sr-only">{day.format(start)} </span>
                            {hour.format(start)}
                          </>
                        )}
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody>
                {data.regions.map((region) => (
                  <tr key={region.regionId}>
                    <th
                      scope="row"
                      className="sticky left-0 z-10 border-r border-b border-zinc-200 bg-white px-3 py-2 text-left font-medium whitespace-nowrap dark:border-zinc-800 dark:bg-zinc-900"
                    >
                      {regionName(region.regionId)}
                    </th>
                    {region.instances.map((free, i) => {
                      const start = new Date(data.starts[i]!);
                      return (
                        <td
                          key={i}
                          title={`${regionName(region.regionId)}, ${bucketLabel(start)}: ${free} free`}
                          className={cn("border-b border-l border-white px-1 py-2 text-center font-mono text-xs tabular-nums dark:border-zinc-900", LEVELS[level(free, most)])}
                        >
                          {free}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data && data.regions.length > 0 && (
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-xs text-zinc-500 dark:text-zinc-400" aria-hidden>
            <span className="flex items-center gap-1.5">
              <span className={cn("h-3 w-5 rounded-sm ring-1 ring-zinc-300 ring-inset dark:ring-zinc-700", LEVELS[0])} /> None free
            </span>
            <span className="flex items-center gap-1.5">
              <span className="flex">
                {LEVELS.slice(1).map((l) => (
                  <span key={l} className={cn("h-3 w-5 first:rounded-l-sm last:rounded-r-sm", l)} />
                ))}
              </span>
              Fewer → more free (up to {most})
            </span>
          </div>
        )}
      </CardBody>
    </Card>
  );
}
