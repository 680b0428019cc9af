"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeySquare } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardFooter, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { INSTANCE_IMAGES, launchInstanceInput } from "@/server/services/compute/instances/schemas";
import { formatPerHour } from "../format";
import { QuotaUsage } from "../quota-usage";

type FormInput = z.input<typeof launchInstanceInput>;
type FormOutput = z.output<typeof launchInstanceInput>;

const FIELDS = ["name", "instanceTypeId", "regionId", "image", "sshKeyIds", "reservationId"] as const;

const choice =
  "flex cursor-pointer gap-3 rounded-md border border-zinc-200 p-3 text-sm has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50/60 has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500/40 dark:border-zinc-800 dark:has-[:checked]:border-indigo-400 dark:has-[:checked]:bg-indigo-500/10";

function FieldSet({ legend, hint, error, children }: { legend: string; hint?: React.ReactNode; error?: string; children: React.ReactNode }) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{legend}</legend>
      {hint && <p className="text-xs text-zinc-500 dark:text-zinc-400">{hint}</p>}
      {children}
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** Launching an instance: type, region (with what is free right now), image, SSH keys, optional block. */
export function LaunchInstanceForm({ teamId, teamSlug }: { teamId: string; teamSlug: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data: catalog } = useQuery(trpc.compute.catalog.queryOptions({ teamId }));
  const { data: sshKeys } = useQuery(trpc.sshKeys.list.queryOptions({ teamId }));
  const { data: reservations } = useQuery(trpc.reservations.list.queryOptions({ teamId }));
  // One key per form: a double submit, or a retry after a network error, launches one instance.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(launchInstanceInput),
    defaultValues: { name: "", instanceTypeId: "gpu-1x-h100-sxm", regionId: "", image: INSTANCE_IMAGES[0].id, sshKeyIds: [] },
  });
  const [typeId, regionId, reservationId] = useWatch({ control: form.control, name: ["instanceTypeId", "regionId", "reservationId"] });
  const { data: free } = useQuery(trpc.compute.freeNow.queryOptions({ teamId, instanceTypeId: typeId }, { enabled: Boolean(typeId), refetchInterval: 10_000 }));
  const type = catalog?.instanceTypes.find((t) => t.id === typeId);
  const blocks = useMemo(
    () => (reservations ?? []).filter((r) => r.state === "active" && r.instanceTypeId === typeId && r.regionId === regionId),
    [reservations, typeId, regionId],
  );

  // Pick the first region with room, and every key when the team has exactly one.
  useEffect(() => {
    if (!free || form.getValues("regionId")) return;
    const first = free.find((f) => f.instances > 0);
    if (first) form.setValue("regionId", first.regionId);
  }, [free, form]);
  useEffect(() => {
    if (sshKeys?.length === 1 && form.getValues("sshKeyIds").length === 0) form.setValue("sshKeyIds", [sshKeys[0]!.id]);
  }, [sshKeys, form]);

  const launch = useMutation(
    trpc.instances.launch.mutationOptions({
      onSuccess: async (instance) => {
        toast.success(`Launching ${instance.name}`);
        await queryClient.invalidateQueries(trpc.instances.pathFilter());
        router.push(`/${teamSlug}/instances/${instance.id}`);
      },
      onError: (error) => setFormError(applyServerError(error, form.setError, FIELDS)),
    }),
  );
  const errors = form.formState.errors;

  return (
    <Form
      noValidate
      onSubmit={form.handleSubmit((values) => {
        setFormError(null);
        launch.mutate({ teamId, ...values, reservationId: values.reservationId || undefined, idempotencyKey });
      })}
    >
      <Card>
        <CardHeader title="Launch an instance" description="Ready in seconds; billed per second from when it runs until you terminate it." />
        <CardBody className="space-y-6">
          <TextField label="Name" placeholder="training-box-1" autoComplete="off" {...form.register("name")} error={errors.name?.message} hint="Becomes the machine's hostname." />

          <FieldSet legend="Instance type" error={errors.instanceTypeId?.message}>
            <div className="grid gap-2 md:grid-cols-2">
              {catalog?.instanceTypes
                .filter((t) => t.status === "available")
                .map((t) => (
                  <label key={t.id} className={choice}>
                    <input type="radio" value={t.id} {...form.register("instanceTypeId", { onChange: () => form.setValue("regionId", "") })} className="mt-1 accent-indigo-600" />
                    <span className="min-w-0 flex-1">
                      <span className="flex items-baseline justify-between gap-2">
                        <span className="font-medium">{t.displayName}</span>
                        <span className="font-mono text-xs whitespace-nowrap">{formatPerHour(t.onDemandNanoPerHour)}</span>
                      </span>
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                        {t.vcpus} vCPUs · {t.ramGb} GB RAM · {t.nvmeGb >= 1000 ? `${(t.nvmeGb / 1000).toLocaleString("en")} TB` : `${t.nvmeGb} GB`} NVMe · {t.networkGbps} Gbps
                      </span>
                    </span>
                  </label>
                ))}
            </div>
          </FieldSet>

          <FieldSet legend="Region" hint={type ? `Free right now for ${type.displayName}; regions without room cannot be chosen.` : undefined} error={errors.regionId?.message}>
            <div className="grid gap-2 sm:grid-cols-3">
              {catalog?.regions.map((r) => {
                const room = free?.find((f) => f.regionId === r.id)?.instances ?? 0;
                const offered = type?.regionIds.includes(r.id) ?? false;
                return (
                  <label key={r.id} className={choice}>
                    <input type="radio" value={r.id} disabled={!offered || room === 0} {...form.register("regionId")} className="mt-1 accent-indigo-600" />
                    <span>
                      <span className="block font-medium">{r.name}</span>
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400">{r.location}</span>
                      <span className={cn("mt-1 block text-xs", room > 0 ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-500")} data-testid={`capacity-${r.id}`}>
                        {!offered ? "Not offered here" : free === undefined ? "Checking…" : room > 0 ? `${room} available` : "No capacity now"}
                      </span>
                    </span>
                  </label>
                );
              })}
            </div>
          </FieldSet>

          {blocks.length > 0 && (
            <FieldSet legend="Capacity block" hint="Launch into a block you reserved: no on-demand charge while it lasts." error={errors.reservationId?.message}>
              <select {...form.register("reservationId")} className="block h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm dark:border-zinc-700 dark:bg-zinc-900">
                <option value="">On demand ({type ? formatPerHour(type.onDemandNanoPerHour) : ""})</option>
                {blocks.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name} · {b.instanceCount}× until {new Date(b.endsAt).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" })}
                  </option>
                ))}
              </select>
            </FieldSet>
          )}

          <FieldSet legend="Image" error={errors.image?.message}>
            <div className="grid gap-2 md:grid-cols-3">
              {INSTANCE_IMAGES.map((image) => (
                <label key={image.id} className={choice}>
                  <input type="radio" value={image.id} {...form.register("image")} className="mt-1 accent-indigo-600" />
                  <span>
                    <span className="block font-medium">{image.name}</span>
                    <span className="block text-xs text-zinc-500 dark:text-zinc-400">{image.description}</span>
                  </span>
                </label>
              ))}
            </div>
          </FieldSet>

          <FieldSet legend="SSH keys" hint="Installed for the ubuntu user; you log in with any of them." error={errors.sshKeyIds?.message}>
            {sshKeys && sshKeys.length === 0 ? (
              <p className="flex items-center gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
                <KeySquare className="h-4 w-4 shrink-0" aria-hidden />
                <span>
                  Your team has no SSH keys yet.{" "}
                  <Link href={`/${teamSlug}/ssh-keys`} className="font-medium underline">
                    Add one
                  </Link>{" "}
                  first, then come back.
                </span>
              </p>
            ) : (
              <div className="grid gap-2 md:grid-cols-2">
                {sshKeys?.map((key) => (
                  <label key={key.id} className={choice}>
                    <input type="checkbox" value={key.id} {...form.register("sshKeyIds")} className="mt-1 accent-indigo-600" />
                    <span className="min-w-0">
                      <span className="block font-medium">{key.name}</span>
                      <code className="block truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">{key.fingerprint}</code>
                    </span>
                  </label>
                ))}
              </div>
            )}
          </FieldSet>
          {type && !reservationId && <QuotaUsage teamId={teamId} planned={{ gpuModel: type.gpuModel, gpus: type.gpuCount }} />}
          <FormError>{formError}</FormError>
        </CardBody>
        <CardFooter>
          <span className="mr-auto basis-full text-sm text-zinc-600 sm:basis-auto dark:text-zinc-400">
            {type && (reservationId ? "Included in your capacity block" : `${formatPerHour(type.onDemandNanoPerHour)}, billed per second`)}
          </span>
          <Button variant="secondary" asChild>
            <Link href={`/${teamSlug}/instances`}>Cancel</Link>
          </Button>
          <Button type="submit" pending={launch.isPending}>
            Launch instance
          </Button>
        </CardFooter>
      </Card>
    </Form>
  );
}
