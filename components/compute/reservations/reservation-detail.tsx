"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Plus, Server, TriangleAlert } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { DateText } from "@/components/keys/date-text";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Fact } from "@/components/ui/fact";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { formatUsd } from "@/components/ui/format";
import type { ReservationView } from "@/server/services/compute/reservations";
import { MAX_DURATION_HOURS } from "@/server/services/compute/reservations/schemas";
import { formatDuration, formatPerHour } from "../format";
import { CHANGING_INSTANCE_STATES, InstanceStateBadge, ReservationStateBadge } from "../states";
import { useNow } from "../use-now";
import { FULL_REFUND_NOTICE_HOURS, refundFor } from "@/server/services/compute/reservations/refund-policy";
import { formatHours, hoursBetween, transitionDue, useTimeZoneName } from "./format";

const HOUR_MS = 3_600_000;

export function ReservationDetailView({ teamId, teamSlug, reservationId, canWrite }: { teamId: string; teamSlug: string; reservationId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const now = useNow(true);
  const timeZone = useTimeZoneName();
  const { data: catalog } = useQuery(trpc.compute.catalog.queryOptions({ teamId }));
  const { data: reservation, error } = useQuery(
    trpc.reservations.get.queryOptions({ teamId, reservationId }, { refetchInterval: (query) => (query.state.data && transitionDue(query.state.data, now) ? 2000 : false) }),
  );
  const { data: instances } = useQuery(trpc.instances.list.queryOptions(
      { teamId, state: "live" },
      // Poll only while one of the block's instances is on its way to another state.
      { refetchInterval: (query) => (query.state.data?.some((i) => i.reservationId === reservationId && CHANGING_INSTANCE_STATES.includes(i.state)) ? 1500 : false) },
    ));
  const [extending, setExtending] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  if (error) return <Card className="px-5 py-10 text-center text-sm text-red-600">{error.message}</Card>;
  if (!reservation) return <Card className="px-5 py-10 text-center text-sm text-zinc-500">Loading…</Card>;

  const type = catalog?.instanceTypes.find((t) => t.id === reservation.instanceTypeId);
  const region = catalog?.regions.find((r) => r.id === reservation.regionId);
  const typeName = type?.displayName ?? reservation.instanceTypeId;
  const starts = new Date(reservation.startsAt).getTime();
  const ends = new Date(reservation.endsAt).getTime();
  const live = reservation.state === "scheduled" || reservation.state === "active";
  const started = now >= starts;
  const endingSoon = live && now < ends && ends - now <= HOUR_MS && started;
  const inBlock = (instances ?? []).filter((i) => i.reservationId === reservation.id);
  const canLaunch = canWrite && reservation.state === "active" && now < ends;

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/${teamSlug}/reservations`} className="inline-flex items-center gap-1 text-sm text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
          <ArrowLeft className="h-3.5 w-3.5" aria-hidden /> Reservations
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0">
            <div className="flex min-w-0 items-center gap-3">
              <h1 className="truncate text-2xl font-semibold tracking-tight">{reservation.name}</h1>
              <ReservationStateBadge state={reservation.state} />
            </div>
            <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
              {typeName} × {reservation.instanceCount} in {region?.name ?? reservation.regionId}
            </p>
          </div>
          {canWrite && live && (
            <div className="flex gap-3">
              <Button variant="secondary" onClick={() => setExtending(crypto.randomUUID())}>
                Extend
              </Button>
              {reservation.state === "scheduled" && !started && (
                <Button variant="danger" onClick={() => setCancelling(true)}>
                  Cancel reservation
                </Button>
              )}
            </div>
          )}
        </div>
      </div>

      {endingSoon && (
        <div
          role="alert"
          className="flex flex-wrap items-center gap-3 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200"
        >
          <TriangleAlert className="h-4 w-4 shrink-0" aria-hidden />
          <p className="min-w-0 flex-1">
            This block ends in {formatDuration((ends - now) / 1000)}: its instances will be terminated at <DateText value={new Date(reservation.endsAt)} format="datetime" />.
            {canWrite && " Extend it to keep them."}
          </p>
          {canWrite && (
            <Button variant="secondary" size="sm" onClick={() => setExtending(crypto.randomUUID())}>
              Extend
            </Button>
          )}
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Window" description={`In your time zone (${timeZone}).`} />
          <CardBody>
            <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
              <Fact label="Starts">
                <DateText value={new Date(reservation.startsAt)} format="datetime" />
              </Fact>
              <Fact label="Ends">
                <DateText value={new Date(reservation.endsAt)} format="datetime" />
              </Fact>
              <Fact label="Duration">{formatHours(hoursBetween(reservation.startsAt, reservation.endsAt))}</Fact>
              {reservation.state === "cancelled" ? (
                <Fact label="Cancelled on">{reservation.cancelledAt ? <DateText value={new Date(reservation.cancelledAt)} format="datetime" /> : "—"}</Fact>
              ) : !live || now >= ends ? (
                <Fact label="Time left">Ended</Fact>
              ) : !started ? (
                <Fact label="Starts in">
                  <span className="font-mono tabular-nums" data-testid="countdown">
                    {formatDuration((starts - now) / 1000)}
                  </span>
                </Fact>
              ) : (
                <Fact label="Time left">
                  <span className="font-mono tabular-nums" data-testid="countdown">
                    {formatDuration((ends - now) / 1000)}
                  </span>
                </Fact>
              )}
            </dl>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Billing" />
          <CardBody>
            <dl className="grid grid-cols-2 gap-4">
              <Fact label="Paid up front">
                <span className="font-mono tabular-nums" data-testid="price-paid">
                  {formatUsd(reservation.priceNano)}
                </span>
              </Fact>
              <Fact label="Refund">
                <span className="font-mono tabular-nums" data-testid="refund">
                  {reservation.state === "cancelled" ? formatUsd(reservation.refundNano) : "—"}
                </span>
              </Fact>
              <Fact label="Reserved price">{type ? `${formatPerHour(type.reservedNanoPerHour)} per instance` : "—"}</Fact>
              <Fact label="Extensions">{reservation.extensions === 0 ? "None" : reservation.extensions}</Fact>
            </dl>
          </CardBody>
        </Card>
      </div>

      <Card>
        <CardHeader
          title="Instances in this block"
          description={live ? `${inBlock.length} of ${reservation.instanceCount} running. Inside the block, instances cost nothing more.` : undefined}
          action={
            canLaunch ? (
              <Button asChild size="sm">
                <Link href={`/${teamSlug}/instances/new`}>
                  <Plus className="h-4 w-4" aria-hidden />
                  Launch into this block
                </Link>
              </Button>
            ) : undefined
          }
        />
        {inBlock.length > 0 ? (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {inBlock.map((instance) => (
              <li key={instance.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3 text-sm">
                <Link href={`/${teamSlug}/instances/${instance.id}`} className="font-medium [overflow-wrap:anywhere] hover:text-indigo-600 hover:underline dark:hover:text-indigo-400">
                  {instance.name}
                </Link>
                <span className="flex items-center gap-3">
                  {instance.sshCommand && <code className="hidden font-mono text-xs text-zinc-500 sm:inline dark:text-zinc-400">{instance.sshCommand}</code>}
                  <InstanceStateBadge state={instance.state} />
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <CardBody className="flex items-center gap-3 text-sm text-zinc-500 dark:text-zinc-400">
            <Server className="h-5 w-5 shrink-0 text-zinc-400" aria-hidden />
            <p>
              {reservation.state === "scheduled" ? (
                <>
                  None yet. Once the block starts (<DateText value={new Date(reservation.startsAt)} format="datetime" />), launch instances into it from{" "}
                  <Link href={`/${teamSlug}/instances/new`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                    Launch instance
                  </Link>{" "}
                  by choosing this block.
                </>
              ) : reservation.state === "active" ? (
                "None running. Launch up to " + reservation.instanceCount + " instances into it; choose this block in the launch form."
              ) : reservation.state === "cancelled" ? (
                "Cancelled before it started: no instances ran in it."
              ) : (
                "The block is over; instances still in it were terminated at its end."
              )}
            </p>
          </CardBody>
        )}
      </Card>

      <Card>
        <CardHeader title="Details" />
        <CardBody>
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
            <Fact label="Instance type">{typeName}</Fact>
            <Fact label="Region">{region ? `${region.name} (${region.location})` : reservation.regionId}</Fact>
            <Fact label="Reserved">
              <DateText value={new Date(reservation.createdAt)} format="datetime" />
            </Fact>
            <Fact label="ID">
              <code className="font-mono text-xs">{reservation.id}</code>
            </Fact>
          </dl>
        </CardBody>
      </Card>

      {canWrite && (
        <>
          <ExtendDialog
            teamId={teamId}
            reservation={reservation}
            reservedNanoPerHour={type ? BigInt(type.reservedNanoPerHour) : null}
            idempotencyKey={extending}
            onClose={() => setExtending(null)}
          />
          <CancelDialog teamId={teamId} reservation={reservation} open={cancelling} now={now} onClose={() => setCancelling(false)} />
        </>
      )}
    </div>
  );
}

const extendSchema = z.object({
  hours: z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
    z.number({ error: "Enter a whole number of hours." }).int("Enter a whole number of hours.").min(1, "Enter at least 1 hour.").max(MAX_DURATION_HOURS, `Enter at most ${MAX_DURATION_HOURS} hours.`),
  ),
});

/** Adds hours to the end, on the same GPUs, charged now: reserved price × hours × instances. */
function ExtendDialog({
  teamId,
  reservation,
  reservedNanoPerHour,
  idempotencyKey,
  onClose,
}: {
  teamId: string;
  reservation: ReservationView;
  reservedNanoPerHour: bigint | null;
  idempotencyKey: string | null;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={idempotencyKey !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Extend ${reservation.name}?`}
      description="The block keeps the same GPUs for longer; its instances keep running. The extra hours are charged now."
    >
      {idempotencyKey && <ExtendForm key={idempotencyKey} teamId={teamId} reservation={reservation} reservedNanoPerHour={reservedNanoPerHour} idempotencyKey={idempotencyKey} onClose={onClose} />}
    </Dialog>
  );
}

function ExtendForm({
  teamId,
  reservation,
  reservedNanoPerHour,
  idempotencyKey,
  onClose,
}: {
  teamId: string;
  reservation: ReservationView;
  reservedNanoPerHour: bigint | null;
  idempotencyKey: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<z.input<typeof extendSchema>, unknown, z.output<typeof extendSchema>>({ resolver: zodResolver(extendSchema), defaultValues: { hours: "4" } });
  const [error, setError] = useState<string | null>(null);
  const extend = useMutation(trpc.reservations.extend.mutationOptions());
  const raw = useWatch({ control: form.control, name: "hours" });
  const parsed = extendSchema.safeParse({ hours: raw });
  const hours = parsed.success ? parsed.data.hours : null;
  const extra = hours !== null && reservedNanoPerHour !== null ? reservedNanoPerHour * BigInt(hours) * BigInt(reservation.instanceCount) : null;
  const newEnd = hours !== null ? new Date(new Date(reservation.endsAt).getTime() + hours * HOUR_MS) : null;

  const confirm = form.handleSubmit(async (values) => {
    setError(null);
    try {
      const updated = await extend.mutateAsync({ teamId, reservationId: reservation.id, hours: values.hours, idempotencyKey });
      toast.success(`Extended ${updated.name} by ${formatHours(values.hours)}`);
      await Promise.all([queryClient.invalidateQueries(trpc.reservations.pathFilter()), queryClient.invalidateQueries(trpc.compute.pathFilter())]);
      onClose();
    } catch (e) {
      setError(applyServerError(e, form.setError, ["hours"]));
    }
  });

  return (
    <Form noValidate onSubmit={confirm} className="space-y-5">
      <TextField label="Extra hours" type="number" inputMode="numeric" min={1} max={MAX_DURATION_HOURS} {...form.register("hours")} error={form.formState.errors.hours?.message} />
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        <dt className="text-zinc-500 dark:text-zinc-400">New end</dt>
        <dd>{newEnd ? <DateText value={newEnd} format="datetime" /> : "—"}</dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Extra price</dt>
        <dd>
          <span className="font-mono font-semibold tabular-nums" data-testid="extend-price">
            {extra !== null ? formatUsd(extra) : "—"}
          </span>
          {extra !== null && reservedNanoPerHour !== null && (
            <span className="block text-xs text-zinc-500 dark:text-zinc-400">
              {formatPerHour(reservedNanoPerHour)} × {hours} h × {reservation.instanceCount} {reservation.instanceCount === 1 ? "instance" : "instances"}
            </span>
          )}
        </dd>
      </dl>
      <FormError>{error}</FormError>
      <div className="flex flex-wrap justify-end gap-3">
        <Button type="button" variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" pending={extend.isPending}>
          {extra !== null ? `Extend for ${formatUsd(extra)}` : "Extend"}
        </Button>
      </div>
    </Form>
  );
}

/** Cancelling a block that has not started, with the refund policy and this block's amount. */
function CancelDialog({ teamId, reservation, open, now, onClose }: { teamId: string; reservation: ReservationView; open: boolean; now: number; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(trpc.reservations.cancel.mutationOptions());
  const refund = refundFor(reservation.priceNano, new Date(reservation.startsAt), new Date(now));
  const full = refund === reservation.priceNano;
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      title={`Cancel ${reservation.name}?`}
      description={`A block cancelled more than ${FULL_REFUND_NOTICE_HOURS} hours before it starts is refunded in full, extensions included; one cancelled later, but before it starts, gets half back. A block that has started cannot be cancelled.`}
      cancelLabel="Keep it"
      confirmLabel={`Cancel and refund ${formatUsd(refund)}`}
      onConfirm={async () => {
        const cancelled = await cancel.mutateAsync({ teamId, reservationId: reservation.id });
        toast.success(`Cancelled ${cancelled.name}: ${formatUsd(cancelled.refundNano)} refunded`);
        await Promise.all([queryClient.invalidateQueries(trpc.reservations.pathFilter()), queryClient.invalidateQueries(trpc.compute.pathFilter())]);
      }}
    >
      <p className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-950/60">
        {`It starts in ${full ? "more" : "less"} than ${FULL_REFUND_NOTICE_HOURS} hours: `}
        you get <span className="font-mono font-semibold tabular-nums" data-testid="cancel-refund">{formatUsd(refund)}</span> back of the{" "}
        <span className="font-mono tabular-nums">{formatUsd(reservation.priceNano)}</span> paid{full ? " (all of it)" : " (half)"}.
        The GPUs go back to the pool.
      </p>
    </ConfirmDialog>
  );
}
