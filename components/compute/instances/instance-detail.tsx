"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Check, Loader2, X } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { DateText } from "@/components/keys/date-text";
import { CopyButton } from "@/components/models/copy-button";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Fact } from "@/components/ui/fact";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { formatUsd } from "@/components/ui/format";
import type { InstanceState } from "@/server/db/schema/compute";
import { INSTANCE_IMAGES, INSTANCE_STATE_LABELS } from "@/server/services/compute/instances/schemas";
import { formatDuration, formatPerHour } from "../format";
import { CHANGING_INSTANCE_STATES, InstanceStateBadge } from "../states";
import { useNow } from "../use-now";
import { liveUsage } from "./instances-view";
import { TerminateInstanceDialog, type InstanceRef } from "./terminate-dialog";

const STEPS: InstanceState[] = ["pending", "provisioning", "running"];

/** Where the instance is on its way to running: done steps ticked, the current one spinning. */
function Progress({ state }: { state: InstanceState }) {
  const reached = state === "running" || state === "stopping" || state === "terminated" ? 3 : STEPS.indexOf(state);
  return (
    <ol className="flex flex-wrap items-center gap-2 text-sm" aria-label="Progress">
      {STEPS.map((step, i) => {
        const done = i < reached || (step === "running" && reached === 3);
        const current = i === reached && state !== "failed";
        const failed = state === "failed" && step === "provisioning";
        return (
          <li key={step} className="flex items-center gap-2">
            {i > 0 && <span className={cn("h-px w-6 sm:w-10", done || current ? "bg-indigo-400" : "bg-zinc-300 dark:bg-zinc-700")} aria-hidden />}
            <span
              className={cn(
                "flex h-6 w-6 items-center justify-center rounded-full border text-xs",
                done && "border-indigo-500 bg-indigo-500 text-white",
                current && "border-indigo-500 text-indigo-600 dark:text-indigo-400",
                failed && "border-red-500 bg-red-500 text-white",
                !done && !current && !failed && "border-zinc-300 text-zinc-400 dark:border-zinc-700",
              )}
              aria-hidden
            >
              {done ? <Check className="h-3.5 w-3.5" /> : failed ? <X className="h-3.5 w-3.5" /> : current ? <Loader2 className="h-3.5 w-3.5 animate-spin" /> : i + 1}
            </span>
            <span className={cn(current ? "font-medium" : "text-zinc-600 dark:text-zinc-400")}>
              {INSTANCE_STATE_LABELS[step]}
              {done ? <span className="sr-only"> (done)</span> : current ? <span className="sr-only"> (in progress)</span> : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export function InstanceDetailView({ teamId, teamSlug, instanceId, canWrite }: { teamId: string; teamSlug: string; instanceId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const { data: instance, error } = useQuery(
    trpc.instances.get.queryOptions(
      { teamId, instanceId },
      { refetchInterval: (query) => (query.state.data && CHANGING_INSTANCE_STATES.includes(query.state.data.state) ? 1000 : false) },
    ),
  );
  const now = useNow(instance?.state === "running");
  const [terminating, setTerminating] = useState<InstanceRef | null>(null);

  if (error) return <Card className="px-5 py-10 text-center text-sm text-red-600">{error.message}</Card>;
  if (!instance) return <Card className="px-5 py-10 text-center text-sm text-zinc-500">Loading…</Card>;

  const usage = liveUsage(instance, now);
  const ended = instance.state === "terminated" || instance.state === "failed";
  const image = INSTANCE_IMAGES.find((i) => i.id === instance.image);
  return (
    <div className="space-y-6">
      <div>
        <Link href={`/${teamSlug}/instances`} className="inline-flex items-center gap-1 text-sm text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
          <ArrowLeft className="h-3.5 w-3.5" aria-hidden /> Instances
        </Link>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-4">
          <div className="flex min-w-0 items-center gap-3">
            <h1 className="truncate text-2xl font-semibold tracking-tight">{instance.name}</h1>
            <InstanceStateBadge state={instance.state} />
          </div>
          {canWrite && !ended && instance.state !== "stopping" && (
            <Button variant="danger" onClick={() => setTerminating(instance)}>
              Terminate
            </Button>
          )}
        </div>
        <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
          {instance.instanceType.displayName} in {instance.region.name}
          {instance.reservationId ? " · in a capacity block" : ` · ${formatPerHour(instance.priceNanoPerHour)}, billed per second`}
        </p>
      </div>

      {!ended && instance.state !== "running" && instance.state !== "stopping" && (
        <Card>
          <CardBody className="space-y-2">
            <Progress state={instance.state} />
            <p className="text-sm text-zinc-500 dark:text-zinc-400">
              {instance.state === "pending" ? "Waiting for a machine to be assigned…" : "Booting the image and installing your SSH keys…"} This page updates by
              itself.
            </p>
          </CardBody>
        </Card>
      )}
      {instance.state === "failed" && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200">
          This instance failed{instance.stateReason ? `: ${instance.stateReason}` : "."} Its capacity was released and it was not billed.
        </p>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Connect" description={instance.sshCommand ? "With one of the SSH keys below." : "Available once the instance is running."} />
          <CardBody className="space-y-4">
            {instance.sshCommand ? (
              <div className="flex items-center justify-between gap-3 rounded-md bg-zinc-950 px-4 py-3">
                <code className="font-mono text-sm text-zinc-100" data-testid="ssh-command">
                  {instance.sshCommand}
                </code>
                <CopyButton
                  text={instance.sshCommand}
                  what="SSH command"
                  className="h-7 border-white/15 bg-white/5 text-zinc-100 shadow-none hover:bg-white/10 dark:border-white/15 dark:bg-white/5 dark:hover:bg-white/10"
                />
              </div>
            ) : (
              <p className="text-sm text-zinc-500 dark:text-zinc-400">{ended ? "The instance is gone." : "Not yet."}</p>
            )}
            <div>
              <p className="mb-1.5 text-xs font-medium text-zinc-500 dark:text-zinc-400">SSH keys on this instance</p>
              <ul className="space-y-1 text-sm">
                {instance.sshKeys.map((key) => (
                  <li key={key.id} className="flex flex-wrap gap-x-2">
                    <span className="font-medium">{key.name}</span>
                    <code className="font-mono text-xs break-all text-zinc-500 dark:text-zinc-400">{key.fingerprint}</code>
                  </li>
                ))}
              </ul>
            </div>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Usage" />
          <CardBody>
            <dl className="grid grid-cols-2 gap-4">
              <Fact label="Uptime">
                <span className="font-mono tabular-nums" data-testid="uptime">
                  {instance.runningAt ? formatDuration(usage.seconds) : "—"}
                </span>
              </Fact>
              <Fact label={ended ? "Cost" : "Cost so far"}>
                <span className="font-mono tabular-nums" data-testid="cost-so-far">
                  {formatUsd(usage.costNano)}
                </span>
              </Fact>
              <Fact label="Price">{instance.reservationId ? "Included in the block" : formatPerHour(instance.priceNanoPerHour)}</Fact>
              <Fact label="Launched by">{instance.createdBy?.name ?? "An API key"}</Fact>
            </dl>
          </CardBody>
        </Card>
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="History" description="Every state change, in your time zone." />
          <CardBody>
            <ol className="space-y-3" aria-label="State changes">
              {instance.events.map((event, i) => (
                <li key={i} className="flex gap-3 text-sm">
                  <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-indigo-500" aria-hidden />
                  <div className="min-w-0">
                    <p>
                      <span className="font-medium">{INSTANCE_STATE_LABELS[event.toState]}</span>
                      {event.message && <span className="text-zinc-600 dark:text-zinc-400"> — {event.message}</span>}
                    </p>
                    <p className="text-xs text-zinc-500 dark:text-zinc-400">
                      <DateText value={new Date(event.at)} format="datetime" />
                    </p>
                  </div>
                </li>
              ))}
            </ol>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Details" />
          <CardBody>
            <dl className="grid grid-cols-2 gap-4">
              <Fact label="GPUs">
                {instance.instanceType.gpuCount}× {instance.instanceType.gpuModel}
              </Fact>
              <Fact label="Region">{instance.region.name}</Fact>
              <Fact label="Image">{image?.name ?? instance.image}</Fact>
              <Fact label="IP address">{instance.ipAddress ?? "—"}</Fact>
              <Fact label="Launched">
                <DateText value={new Date(instance.createdAt)} format="datetime" />
              </Fact>
              <Fact label="ID">
                <code className="font-mono text-xs">{instance.id}</code>
              </Fact>
            </dl>
          </CardBody>
        </Card>
      </div>
      {canWrite && <TerminateInstanceDialog teamId={teamId} instance={terminating} onClose={() => setTerminating(null)} />}
    </div>
  );
}
