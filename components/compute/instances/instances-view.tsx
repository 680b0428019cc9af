"use client";

import { useQuery } from "@tanstack/react-query";
import { Plus, Server } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { CopyButton } from "@/components/models/copy-button";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatUsd } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { ReadOnlyNotice } from "@/components/ui/read-only-notice";
import { ActionsTh, TableBody, TableCard, TableHead, tdClass, Th } from "@/components/ui/table";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { costForSeconds } from "@/server/services/metering/cost";
import type { InstanceView } from "@/server/services/compute/instances";
import { formatDuration, formatPerHour } from "../format";
import { QuotaUsage } from "../quota-usage";
import { CHANGING_INSTANCE_STATES, InstanceStateBadge } from "../states";
import { useNow } from "../use-now";
import { TerminateInstanceDialog, type InstanceRef } from "./terminate-dialog";

/** Uptime and cost, ticking every second while the instance runs. */
export function liveUsage(instance: Pick<InstanceView, "state" | "runningAt" | "uptimeSeconds" | "priceNanoPerHour">, now: number) {
  const seconds =
    instance.state === "running" && instance.runningAt ? Math.max(instance.uptimeSeconds, Math.floor((now - new Date(instance.runningAt).getTime()) / 1000)) : instance.uptimeSeconds;
  return { seconds, costNano: costForSeconds(BigInt(instance.priceNanoPerHour), seconds) };
}

export function InstancesView({ teamId, teamSlug, canWrite }: { teamId: string; teamSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<"live" | "all">("live");
  const { data: instances, isPending } = useQuery(
    trpc.instances.list.queryOptions(filter === "live" ? { teamId, state: "live" } : { teamId }, {
      // Poll only while something is on its way to another state.
      refetchInterval: (query) => (query.state.data?.some((i) => CHANGING_INSTANCE_STATES.includes(i.state)) ? 1500 : false),
    }),
  );
  const now = useNow(Boolean(instances?.some((i) => i.state === "running")));
  const [terminating, setTerminating] = useState<InstanceRef | null>(null);

  return (
    <>
      <PageHeader
        title="Instances"
        description="GPU machines on demand, billed per second, or launched into a capacity block you reserved."
        actions={
          canWrite ? (
            <Button asChild>
              <Link href={`/${teamSlug}/instances/new`}>
                <Plus className="h-4 w-4" aria-hidden />
                Launch instance
              </Link>
            </Button>
          ) : undefined
        }
      />
      {!canWrite && (
        <ReadOnlyNotice>
          Your role can see this team&apos;s instances but not launch or terminate them. Owners, admins and developers can.
        </ReadOnlyNotice>
      )}
      <QuotaUsage teamId={teamId} className="mb-6" />
      <div className="mb-3 flex items-center justify-between gap-3">
        <Tabs value={filter} onValueChange={(v) => setFilter(v as "live" | "all")}>
          <TabsList aria-label="Which instances">
            <TabsTrigger value="live">Live</TabsTrigger>
            <TabsTrigger value="all">All, with history</TabsTrigger>
          </TabsList>
        </Tabs>
      </div>
      {isPending ? (
        <Card className="px-5 py-10 text-center text-sm text-zinc-500">Loading instances…</Card>
      ) : !instances || instances.length === 0 ? (
        <Card className="flex flex-col items-center px-6 py-12 text-center">
          <Server className="h-8 w-8 text-zinc-400" aria-hidden />
          <h2 className="mt-3 text-base font-semibold">{filter === "live" ? "No instances running" : "No instances yet"}</h2>
          <p className="mt-1 max-w-md text-sm text-zinc-500 dark:text-zinc-400">
            Launch a GPU machine with your SSH key on it: it is ready in seconds and billed per second until you terminate it.
          </p>
          {canWrite && (
            <Button asChild className="mt-5">
              <Link href={`/${teamSlug}/instances/new`}>
                <Plus className="h-4 w-4" aria-hidden />
                Launch instance
              </Link>
            </Button>
          )}
        </Card>
      ) : (
        <TableCard>
          <TableHead>
            <Th>Name</Th>
            <Th>Type</Th>
            <Th>State</Th>
            <Th>Connect</Th>
            <Th>Uptime</Th>
            <Th>Cost</Th>
            {canWrite && (
              <ActionsTh />
            )}
          </TableHead>
          <TableBody>
            {instances.map((instance) => {
              const usage = liveUsage(instance, now);
              const ended = instance.state === "terminated" || instance.state === "failed";
              return (
                <tr key={instance.id} className={ended ? "text-zinc-500 dark:text-zinc-400" : undefined}>
                  <td className={`${tdClass} min-w-40`}>
                    <Link
                      href={`/${teamSlug}/instances/${instance.id}`}
                      className="font-medium [overflow-wrap:anywhere] text-zinc-900 hover:text-indigo-600 hover:underline dark:text-zinc-100 dark:hover:text-indigo-400"
                    >
                      {instance.name}
                    </Link>
                    <div className="text-xs text-zinc-500 dark:text-zinc-400">{instance.region.name}</div>
                  </td>
                  <td className={tdClass}>
                    <div className="whitespace-nowrap">{instance.instanceType.displayName}</div>
                    <div className="text-xs text-zinc-500 dark:text-zinc-400">
                      {instance.reservationId ? "In a capacity block" : formatPerHour(instance.priceNanoPerHour)}
                    </div>
                  </td>
                  <td className={tdClass}>
                    <InstanceStateBadge state={instance.state} />
                  </td>
                  <td className={tdClass}>
                    {instance.sshCommand ? (
                      <span className="inline-flex items-center gap-1.5">
                        <code className="font-mono text-xs whitespace-nowrap">{instance.sshCommand}</code>
                        <CopyButton text={instance.sshCommand} what="SSH command" size="icon" />
                      </span>
                    ) : (
                      <span className="text-zinc-400">—</span>
                    )}
                  </td>
                  <td className={`${tdClass} font-mono text-xs whitespace-nowrap tabular-nums`}>{instance.runningAt ? formatDuration(usage.seconds) : "—"}</td>
                  <td className={`${tdClass} font-mono text-xs whitespace-nowrap tabular-nums`}>{formatUsd(usage.costNano)}</td>
                  {canWrite && (
                    <td className={`${tdClass} text-right`}>
                      {!ended && instance.state !== "stopping" && (
                        <Button variant="ghost" size="sm" onClick={() => setTerminating(instance)}>
                          Terminate
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </TableBody>
        </TableCard>
      )}
      {canWrite && <TerminateInstanceDialog teamId={teamId} instance={terminating} onClose={() => setTerminating(null)} />}
    </>
  );
}
