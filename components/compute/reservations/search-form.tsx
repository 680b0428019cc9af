"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { CalendarSearch, X } from "lucide-react";
import { useState } from "react";
import { useForm, useWatch, type Path, type UseFormSetError } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { applyServerError } from "@/components/forms/server-errors";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardFooter, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { FormError, inputClasses, SelectField, TextField } from "@/components/ui/field";
import { Form } from "@/components/ui/form";
import { formatUsd } from "@/components/ui/format";
import type { ComputeCatalogView } from "@/server/services/compute/capacity";
import type { Offering, ReservationView } from "@/server/services/compute/reservations";
import { MAX_DURATION_HOURS, MAX_INSTANCE_COUNT, type SearchOfferingsInput } from "@/server/services/compute/reservations/schemas";
import { formatPerHour } from "../format";
import { formatHours, hoursBetween, WindowText } from "./format";

/** The fields of searchOfferingsInput, for the server's field errors. */
const SERVER_FIELDS = ["instanceTypeId", "instanceCount", "durationHours", "earliestStart", "latestEnd", "regionId"] as const;

const textToNumber = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? Number(value.trim()) : value);
const whole = (min: number, max: number, message: string) => z.preprocess(textToNumber, z.number({ error: message }).int(message).min(min, message).max(max, message));
const localDateTime = (what: string) =>
  z
    .string()
    .min(1, `Enter the ${what}.`)
    .refine((v) => !Number.isNaN(new Date(v).getTime()), `Enter the ${what} as a date and time.`);

const searchForm = z
  .object({
    instanceTypeId: z.string().min(1, "Choose an instance type."),
    instanceCount: whole(1, MAX_INSTANCE_COUNT, `Enter a whole number of instances from 1 to ${MAX_INSTANCE_COUNT}.`),
    duration: whole(1, MAX_DURATION_HOURS, "Enter a whole number."),
    durationUnit: z.enum(["hours", "days"]),
    earliestStart: localDateTime("earliest start"),
    latestEnd: localDateTime("latest end"),
    regionId: z.string(),
  })
  .refine((v) => v.durationUnit === "hours" || v.duration * 24 <= MAX_DURATION_HOURS, {
    path: ["duration"],
    message: `A block lasts at most ${MAX_DURATION_HOURS / 24} days.`,
  })
  .refine((v) => v.durationUnit === "days" || v.duration <= MAX_DURATION_HOURS, {
    path: ["duration"],
    message: `A block lasts at most ${MAX_DURATION_HOURS} hours (${MAX_DURATION_HOURS / 24} days).`,
  })
  .refine((v) => new Date(v.latestEnd).getTime() > new Date(v.earliestStart).getTime(), { path: ["latestEnd"], message: "The latest end must come after the earliest start." });

type FormInput = z.input<typeof searchForm>;
type FormOutput = z.output<typeof searchForm>;

/** A Date as the value of a datetime-local input, in the reader's time zone: "2025-11-30T14:05". */
function toLocalInput(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

function defaultValues(instanceTypeId: string): FormInput {
  const now = Date.now();
  const minute = 60_000;
  const start = new Date(Math.ceil((now + 3_600_000) / minute) * minute);
  return {
    instanceTypeId,
    instanceCount: "1",
    duration: "4",
    durationUnit: "hours",
    earliestStart: toLocalInput(start),
    latestEnd: toLocalInput(new Date(start.getTime() + 7 * 24 * 3_600_000)),
    regionId: "",
  };
}

/** Offerings exist only in the browser (after a search), so the reader's time zone is safe here. */
const startFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** What searchOfferingsInput takes, as the form has already checked it. */
interface SearchParams extends SearchOfferingsInput {
  teamId: string;
  instanceTypeId: string;
  instanceCount: number;
  durationHours: number;
  earliestStart: Date;
  latestEnd: Date;
  regionId?: string;
}

interface Search {
  input: SearchParams;
  offerings: Offering[];
}

/**
 * Find a capacity block: type, count, duration and a window to fit it in; up to six offerings,
 * each bought through a confirmation that states the exact price.
 */
export function ReservationSearch({
  teamId,
  catalog,
  instanceTypeId,
  onInstanceTypeChange,
  onClose,
  onPurchased,
}: {
  teamId: string;
  catalog: ComputeCatalogView | undefined;
  instanceTypeId: string;
  onInstanceTypeChange: (id: string) => void;
  onClose: () => void;
  onPurchased: (reservation: ReservationView) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState<Search | null>(null);
  const [searching, setSearching] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [buying, setBuying] = useState<{ offering: Offering; idempotencyKey: string } | null>(null);
  const form = useForm<FormInput, unknown, FormOutput>({ resolver: zodResolver(searchForm), defaultValues: defaultValues(instanceTypeId) });
  const errors = form.formState.errors;
  const types = (catalog?.instanceTypes ?? []).filter((t) => t.status === "available");
  const typeOf = (id: string) => catalog?.instanceTypes.find((t) => t.id === id);
  const regionName = (id: string) => catalog?.regions.find((r) => r.id === id)?.name ?? id;
  const chosenType = typeOf(useWatch({ control: form.control, name: "instanceTypeId" }));

  // The server names the duration `durationHours`; the form splits it into a number and a unit.
  const setServerError: UseFormSetError<FormInput> = (name, error, options) =>
    form.setError((name === ("durationHours" as string) ? "duration" : name) as Path<FormInput>, error, options);

  const run = async (input: Search["input"]) => {
    setSearching(true);
    setFormError(null);
    try {
      const offerings = await queryClient.fetchQuery({ ...trpc.reservations.search.queryOptions(input), staleTime: 0 });
      setSearch({ input, offerings });
    } catch (error) {
      setSearch(null);
      setFormError(applyServerError(error, setServerError, SERVER_FIELDS as unknown as Path<FormInput>[]));
    } finally {
      setSearching(false);
    }
  };

  return (
    <div className="space-y-4">
      <Form
        noValidate
        aria-label="Search for capacity"
        onSubmit={form.handleSubmit((v) =>
          run({
            teamId,
            instanceTypeId: v.instanceTypeId,
            instanceCount: v.instanceCount,
            durationHours: v.durationUnit === "days" ? v.duration * 24 : v.duration,
            earliestStart: new Date(v.earliestStart),
            latestEnd: new Date(v.latestEnd),
            regionId: v.regionId || undefined,
          }),
        )}
      >
        <Card>
          <CardHeader
            title="Reserve capacity"
            description="Blocks start on the hour and are charged in full when you reserve them, at the reserved price."
            action={
              <Button type="button" variant="ghost" size="icon" onClick={onClose} aria-label="Close" className="-mt-1 -mr-2 h-8 w-8">
                <X className="h-4 w-4" aria-hidden />
              </Button>
            }
          />
          <CardBody className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            <SelectField
              label="Instance type"
              className="sm:col-span-2 lg:col-span-1"
              {...form.register("instanceTypeId", { onChange: (e: React.ChangeEvent<HTMLSelectElement>) => onInstanceTypeChange(e.target.value) })}
              error={errors.instanceTypeId?.message}
              options={types.length ? types.map((t) => ({ value: t.id, label: `${t.displayName} · ${formatPerHour(t.reservedNanoPerHour)}` })) : [{ value: instanceTypeId, label: "Loading…" }]}
              hint={chosenType ? `Reserved ${formatPerHour(chosenType.reservedNanoPerHour)} per instance, on demand ${formatPerHour(chosenType.onDemandNanoPerHour)}.` : undefined}
            />
            <TextField label="Instances" type="number" inputMode="numeric" min={1} max={MAX_INSTANCE_COUNT} {...form.register("instanceCount")} error={errors.instanceCount?.message} hint="All in one region." />
            <div className="space-y-1.5">
              <label htmlFor="reservation-duration" className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
                Duration
              </label>
              <div className="flex gap-2">
                <input
                  id="reservation-duration"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  className={cn(inputClasses, "min-w-0 flex-1")}
                  aria-invalid={errors.duration ? true : undefined}
                  aria-describedby={errors.duration ? "reservation-duration-error" : undefined}
                  {...form.register("duration")}
                />
                <select aria-label="Duration unit" className={cn(inputClasses, "w-24 shrink-0 cursor-pointer")} {...form.register("durationUnit")}>
                  <option value="hours">hours</option>
                  <option value="days">days</option>
                </select>
              </div>
              {errors.duration && (
                <p id="reservation-duration-error" className="text-sm text-red-600 dark:text-red-400">
                  {errors.duration.message}
                </p>
              )}
            </div>
            <TextField label="Earliest start" type="datetime-local" {...form.register("earliestStart")} error={errors.earliestStart?.message} />
            <TextField label="Latest end" type="datetime-local" {...form.register("latestEnd")} error={errors.latestEnd?.message} />
            <SelectField
              label="Region"
              {...form.register("regionId")}
              error={errors.regionId?.message}
              options={[
                { value: "", label: "Any region" },
                ...(catalog?.regions ?? []).filter((r) => !chosenType || chosenType.regionIds.includes(r.id)).map((r) => ({ value: r.id, label: r.name })),
              ]}
            />
            {formError && (
              <div className="sm:col-span-2 lg:col-span-3">
                <FormError>{formError}</FormError>
              </div>
            )}
          </CardBody>
          <CardFooter>
            <span className="mr-auto basis-full text-xs text-zinc-500 sm:basis-auto dark:text-zinc-400">Times are in your time zone.</span>
            <Button type="submit" pending={searching}>
              <CalendarSearch className="h-4 w-4" aria-hidden />
              Search
            </Button>
          </CardFooter>
        </Card>
      </Form>

      {search && (
        <section aria-label="Offerings" className="space-y-3">
          {search.offerings.length === 0 ? (
            <Card className="px-6 py-8 text-center" role="status">
              <h3 className="text-base font-semibold">No block fits that window</h3>
              <p className="mx-auto mt-1 max-w-lg text-sm text-zinc-500 dark:text-zinc-400">
                Nothing has room for {typeOf(search.input.instanceTypeId)?.displayName ?? search.input.instanceTypeId} × {search.input.instanceCount} for{" "}
                {formatHours(search.input.durationHours)} between those times. Try a later or wider window, fewer instances, a shorter duration or another instance
                type. The calendar below shows where there is room.
              </p>
            </Card>
          ) : (
            <>
              <h3 className="text-sm font-medium text-zinc-700 dark:text-zinc-300" role="status">
                {search.offerings.length} {search.offerings.length === 1 ? "offering" : "offerings"} for {typeOf(search.input.instanceTypeId)?.displayName ?? search.input.instanceTypeId} ×{" "}
                {search.input.instanceCount}
              </h3>
              <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {search.offerings.map((offering) => {
                  const hours = hoursBetween(offering.startsAt, offering.endsAt);
                  const perInstanceHour = offering.priceNano / BigInt(hours * offering.instanceCount);
                  const label = `${regionName(offering.regionId)}, ${startFormat.format(new Date(offering.startsAt))}`;
                  return (
                    <li key={`${offering.regionId}-${new Date(offering.startsAt).getTime()}`}>
                      <Card className="flex h-full flex-col p-4" aria-label={label} data-testid="offering">
                        <div className="flex items-baseline justify-between gap-2">
                          <h4 className="font-semibold">{regionName(offering.regionId)}</h4>
                          <span className="text-xs text-zinc-500 dark:text-zinc-400">{formatHours(hours)}</span>
                        </div>
                        <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">
                          <WindowText start={offering.startsAt} end={offering.endsAt} />
                        </p>
                        <div className="mt-3 flex items-end justify-between gap-3">
                          <div>
                            <p className="font-mono text-lg font-semibold tabular-nums" data-testid="offering-price">
                              {formatUsd(offering.priceNano)}
                            </p>
                            <p className="text-xs text-zinc-500 dark:text-zinc-400">up front</p>
                            <p className="text-xs text-zinc-500 dark:text-zinc-400">{formatPerHour(perInstanceHour)} per instance</p>
                          </div>
                          <Button size="sm" onClick={() => setBuying({ offering, idempotencyKey: crypto.randomUUID() })}>
                            Reserve
                          </Button>
                        </div>
                      </Card>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </section>
      )}

      <PurchaseDialog
        teamId={teamId}
        buying={buying}
        typeName={buying ? (typeOf(buying.offering.instanceTypeId)?.displayName ?? buying.offering.instanceTypeId) : ""}
        regionName={buying ? regionName(buying.offering.regionId) : ""}
        onClose={() => setBuying(null)}
        onSearchAgain={() => {
          setBuying(null);
          if (search) void run(search.input);
        }}
        onPurchased={(reservation) => {
          setBuying(null);
          setSearch(null);
          onPurchased(reservation);
        }}
      />
    </div>
  );
}

const nameSchema = z.object({
  name: z.string().trim().min(1, "Enter a name for the reservation.").max(80, "Use at most 80 characters."),
});

/** Asks for a name and shows the exact price; one idempotency key per opening, so a double click buys once. */
function PurchaseDialog(props: {
  teamId: string;
  buying: { offering: Offering; idempotencyKey: string } | null;
  typeName: string;
  regionName: string;
  onClose: () => void;
  onSearchAgain: () => void;
  onPurchased: (reservation: ReservationView) => void;
}) {
  const { buying, onClose } = props;
  return (
    <Dialog open={buying !== null} onOpenChange={(open) => !open && onClose()} title="Reserve this block?" description="Charged in full now, at the price shown.">
      {/* Keyed by the opening: each one starts with a fresh form, error and mutation. */}
      {buying && <PurchaseForm key={buying.idempotencyKey} {...props} buying={buying} />}
    </Dialog>
  );
}

function PurchaseForm({
  teamId,
  buying,
  typeName,
  regionName,
  onClose,
  onSearchAgain,
  onPurchased,
}: {
  teamId: string;
  buying: { offering: Offering; idempotencyKey: string };
  typeName: string;
  regionName: string;
  onClose: () => void;
  onSearchAgain: () => void;
  onPurchased: (reservation: ReservationView) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { offering, idempotencyKey } = buying;
  const [defaultName] = useState(() => {
    const day = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" }).format(new Date(offering.startsAt));
    return `${typeName.replace(/^\d+× /, "").replace(/ \d+ GB$/, "")} × ${offering.instanceCount}, ${regionName}, ${day}`;
  });
  const form = useForm<z.input<typeof nameSchema>, unknown, z.output<typeof nameSchema>>({ resolver: zodResolver(nameSchema), defaultValues: { name: defaultName } });
  const [error, setError] = useState<{ message: string; gone: boolean } | null>(null);
  const purchase = useMutation(trpc.reservations.purchase.mutationOptions());
  const hours = hoursBetween(offering.startsAt, offering.endsAt);

  const confirm = form.handleSubmit(async ({ name }) => {
    setError(null);
    try {
      const reservation = await purchase.mutateAsync({
        teamId,
        name,
        regionId: offering.regionId,
        instanceTypeId: offering.instanceTypeId,
        instanceCount: offering.instanceCount,
        startsAt: offering.startsAt,
        endsAt: offering.endsAt,
        priceNano: offering.priceNano,
        idempotencyKey,
      });
      toast.success(`Reserved ${reservation.name} for ${formatUsd(reservation.priceNano)}`);
      await Promise.all([queryClient.invalidateQueries(trpc.reservations.pathFilter()), queryClient.invalidateQueries(trpc.compute.pathFilter())]);
      onPurchased(reservation);
    } catch (e) {
      // CONFLICT: the capacity went to someone else, or the price changed, since the search.
      const gone = e instanceof TRPCClientError && e.data?.code === "CONFLICT";
      // What is free has changed: the calendar (and the list, if it was this team) should show it.
      if (gone) void Promise.all([queryClient.invalidateQueries(trpc.reservations.pathFilter()), queryClient.invalidateQueries(trpc.compute.pathFilter())]);
      const message = applyServerError(e, form.setError, ["name"]);
      if (message) setError({ message, gone });
    }
  });

  return (
    <Form noValidate onSubmit={confirm} className="space-y-5">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        <dt className="text-zinc-500 dark:text-zinc-400">Instances</dt>
        <dd>
          {typeName} × {offering.instanceCount}
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Region</dt>
        <dd>{regionName}</dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Window</dt>
        <dd>
          <WindowText start={offering.startsAt} end={offering.endsAt} /> <span className="text-zinc-500 dark:text-zinc-400">({formatHours(hours)})</span>
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Price</dt>
        <dd>
          <span className="font-mono font-semibold tabular-nums" data-testid="purchase-price">
            {formatUsd(offering.priceNano)}
          </span>
          <span className="block text-xs text-zinc-500 dark:text-zinc-400">
            {formatPerHour(offering.priceNano / BigInt(hours * offering.instanceCount))} × {hours} h × {offering.instanceCount}{" "}
            {offering.instanceCount === 1 ? "instance" : "instances"}
          </span>
        </dd>
      </dl>
      <TextField label="Name" autoComplete="off" {...form.register("name")} error={form.formState.errors.name?.message} hint="Shown in the list and when launching into the block." />
      {error &&
        (error.gone ? (
          <div role="alert" className="space-y-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
            <p>{error.message}</p>
            <Button type="button" variant="secondary" size="sm" onClick={onSearchAgain}>
              Search again
            </Button>
          </div>
        ) : (
          <FormError>{error.message}</FormError>
        ))}
      <div className="flex flex-wrap justify-end gap-3">
        <Button type="button" variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" pending={purchase.isPending} disabled={error?.gone}>
          Reserve for {formatUsd(offering.priceNano)}
        </Button>
      </div>
    </Form>
  );
}
