"use client";

import { useQuery } from "@tanstack/react-query";
import { Plus, Server } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { CopyButton } from "@/components/models/copy-button";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
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
  const launchButton = canWrite ? (
    <Button asChild>
      <Link href={`/${teamSlug}/instances/new`}>
        <Plus className="h-4 w-4" aria-hidden />
        Launch instance
      </Link>
    </Button>
  ) : undefined;

  return (
    <>
      <PageHeader
        title="Instances"
        description="GPU machines on demand, billed per second, or launched into a capacity block you reserved."
        actions={launchButton}
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
        <EmptyState
          icon={Server}
          title={filter === "live" ? "No instances running" : "No instances yet"}
          description="Launch a GPU machine with your SSH key on it: it is ready in seconds and billed per second until you terminate it."
          actions={launchButton}
        />
      ) : (
        <TableCard>
          <TableHead>
            <Th>Name</Th>
            <Th className="hidden md:table-cell">Type</Th>
            <Th>State</Th>
            <Th className="hidden lg:table-cell">Connect</Th>
            <Th className="hidden xl:table-cell">Uptime · cost</Th>
            {/* On a phone, the instance's own page has Terminate. */}
            {canWrite && <ActionsTh className="hidden sm:table-cell" />}
          </TableHead>
          <TableBody>
            {instances.map((instance) => {
              const usage = liveUsage(instance, now);
              const ended = instance.state === "terminated" || instance.state === "failed";
              const price = instance.reservationId ? "In a capacity block" : formatPerHour(instance.priceNanoPerHour);
              const uptime = instance.runningAt ? formatDuration(usage.seconds) : "—";
              const connect = instance.sshCommand && (
                <span className="inline-flex items-center gap-1.5">
                  <code className="font-mono text-xs whitespace-nowrap">{instance.sshCommand}</code>
                  <CopyButton text={instance.sshCommand} what="SSH command" size="icon" />
                </span>
              );
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
                    {/* What the hidden columns say, on narrower screens. */}
                    <div className="mt-1.5 text-xs text-zinc-500 md:hidden dark:text-zinc-400">
                      {instance.instanceType.displayName} · {price}
                    </div>
                    {connect && <div className="mt-1.5 lg:hidden">{connect}</div>}
                    <div className="mt-1.5 font-mono text-xs text-zinc-500 tabular-nums xl:hidden dark:text-zinc-400">
                      {uptime} · {formatUsd(usage.costNano)}
                    </div>
                  </td>
                  <td className={`${tdClass} hidden md:table-cell`}>
                    <div className="whitespace-nowrap">{instance.instanceType.displayName}</div>
                    <div className="text-xs text-zinc-500 dark:text-zinc-400">{price}</div>
                  </td>
                  <td className={tdClass}>
                    <InstanceStateBadge state={instance.state} />
                  </td>
                  <td className={`${tdClass} hidden lg:table-cell`}>{connect || <span className="text-zinc-400">—</span>}</td>
                  <td className={`${tdClass} hidden font-mono text-xs whitespace-nowrap tabular-nums xl:table-cell`}>
                    <div>{uptime}</div>
                    <div className="mt-0.5">{formatUsd(usage.costNano)}</div>
                  </td>
                  {canWrite && (
                    <td className={`${tdClass} hidden text-right sm:table-cell`}>
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
