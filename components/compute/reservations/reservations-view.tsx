"use client";

import { useQuery } from "@tanstack/react-query";
import { CalendarClock, Plus } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { cn } from "@/components/ui/cn";
import { formatUsd } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { ReadOnlyNotice } from "@/components/ui/read-only-notice";
import { TableBody, TableCard, TableHead, tdClass, Th } from "@/components/ui/table";
import { ReservationStateBadge } from "../states";
import { useNow } from "../use-now";
import { AvailabilityCalendar } from "./availability-calendar";
import { formatHours, hoursBetween, transitionDue, WindowText } from "./format";
import { ReservationSearch } from "./search-form";

const DEFAULT_TYPE = "gpu-1x-h100-sxm";

export function ReservationsView({ teamId, teamSlug, canWrite }: { teamId: string; teamSlug: string; canWrite: boolean }) {
  const trpc = useTRPC();
  // Ticks every 15 s, so that the list starts polling when a block's start or end comes.
  const now = useNow(true, 15_000);
  const { data: catalog } = useQuery(trpc.compute.catalog.queryOptions({ teamId }));
  const { data: reservations, isPending, error } = useQuery(
    trpc.reservations.list.queryOptions({ teamId }, { refetchInterval: (query) => (query.state.data?.some((r) => transitionDue(r, now)) ? 3000 : false) }),
  );
  const [searching, setSearching] = useState(false);
  const [chosenType, setChosenType] = useState<string | null>(null);
  const [justBought, setJustBought] = useState<string | null>(null);
  const available = catalog?.instanceTypes.filter((t) => t.status === "available") ?? [];
  const instanceTypeId = chosenType ?? (available.find((t) => t.id === DEFAULT_TYPE) ?? available[0])?.id ?? DEFAULT_TYPE;
  const typeName = (id: string) => catalog?.instanceTypes.find((t) => t.id === id)?.displayName ?? id;
  const regionName = (id: string) => catalog?.regions.find((r) => r.id === id)?.name ?? id;

  const reserveButton = (
    <Button onClick={() => setSearching(true)} aria-expanded={searching} aria-controls="reserve-capacity">
      <Plus className="h-4 w-4" aria-hidden />
      Reserve capacity
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Reservations"
        description="Capacity blocks: a number of GPU instances reserved for a time window, paid up front at the reserved price."
        actions={canWrite && !searching ? reserveButton : undefined}
      />
      {!canWrite && (
        <ReadOnlyNotice>
          Your role can see this team&apos;s capacity blocks and the calendar, but not reserve, extend or cancel blocks. Owners, admins and developers can.
        </ReadOnlyNotice>
      )}

      <div className="space-y-6">
        {canWrite && searching && (
          <div id="reserve-capacity">
            <ReservationSearch
              teamId={teamId}
              catalog={catalog}
              instanceTypeId={instanceTypeId}
              onInstanceTypeChange={setChosenType}
              onClose={() => setSearching(false)}
              onPurchased={(reservation) => {
                setSearching(false);
                setJustBought(reservation.id);
              }}
            />
          </div>
        )}

        <section aria-labelledby="blocks-heading" className="space-y-3">
          <h2 id="blocks-heading" className="text-base font-semibold">
            Your blocks
          </h2>
          {error ? (
            <Card role="alert" className="px-5 py-10 text-center text-sm text-red-600 dark:text-red-400">
              Could not load reservations: {error.message}
            </Card>
          ) : isPending ? (
            <Card className="px-5 py-10 text-center text-sm text-zinc-500">Loading reservations…</Card>
          ) : !reservations || reservations.length === 0 ? (
            <EmptyState
              icon={CalendarClock}
              headingLevel={3}
              title="No capacity blocks yet"
              description="Reserve GPUs for a training run or a launch: pick a type, how many and for how long, and get the window that fits, at a lower price than on demand."
              actions={canWrite && !searching && reserveButton}
            />
          ) : (
            <TableCard>
              <TableHead>
                <Th>Name</Th>
                <Th className="hidden md:table-cell">Instances</Th>
                <Th className="hidden lg:table-cell">Window</Th>
                <Th>State</Th>
                <Th className="hidden text-right sm:table-cell">Paid</Th>
              </TableHead>
              <TableBody>
                {reservations.map((r) => {
                  const over = r.state === "completed" || r.state === "cancelled";
                  const duration = (
                    <>
                      {formatHours(hoursBetween(r.startsAt, r.endsAt))}
                      {r.extensions > 0 && ` · extended ${r.extensions === 1 ? "once" : `${r.extensions} times`}`}
                    </>
                  );
                  return (
                    <tr key={r.id} className={cn(over && "text-zinc-500 dark:text-zinc-400", r.id === justBought && "bg-indigo-50/70 dark:bg-indigo-500/10")}>
                      <td className={cn(tdClass, "min-w-36")}>
                        <Link
                          href={`/${teamSlug}/reservations/${r.id}`}
                          className="font-medium [overflow-wrap:anywhere] text-zinc-900 hover:text-indigo-600 hover:underline dark:text-zinc-100 dark:hover:text-indigo-400"
                        >
                          {r.name}
                        </Link>
                        {/* What the hidden columns say, on narrower screens. */}
                        <div className="mt-1.5 space-y-1 text-xs text-zinc-500 dark:text-zinc-400">
                          <div className="md:hidden">
                            {typeName(r.instanceTypeId)} × {r.instanceCount} · {regionName(r.regionId)}
                          </div>
                          <div className="lg:hidden">
                            <WindowText start={r.startsAt} end={r.endsAt} /> ({duration})
                          </div>
                          <div className="tabular-nums sm:hidden">
                            Paid {formatUsd(r.priceNano)}
                            {r.refundNano > 0n && `, ${formatUsd(r.refundNano)} refunded`}
                          </div>
                        </div>
                      </td>
                      <td className={cn(tdClass, "hidden md:table-cell")}>
                        <div className="whitespace-nowrap">
                          {typeName(r.instanceTypeId)} × {r.instanceCount}
                        </div>
                        <div className="text-xs text-zinc-500 dark:text-zinc-400">{regionName(r.regionId)}</div>
                      </td>
                      <td className={cn(tdClass, "hidden lg:table-cell")}>
                        <WindowText start={r.startsAt} end={r.endsAt} className="whitespace-nowrap" />
                        <div className="text-xs text-zinc-500 dark:text-zinc-400">{duration}</div>
                      </td>
                      <td className={tdClass}>
                        <ReservationStateBadge state={r.state} />
                      </td>
                      <td className={cn(tdClass, "hidden text-right whitespace-nowrap tabular-nums sm:table-cell")}>
                        <div data-testid="paid">{formatUsd(r.priceNano)}</div>
                        {r.refundNano > 0n && (
                          <div className="text-xs text-emerald-700 dark:text-emerald-400" data-testid="refunded">
                            {formatUsd(r.refundNano)} refunded
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </TableBody>
            </TableCard>
          )}
        </section>

        <AvailabilityCalendar teamId={teamId} catalog={catalog} instanceTypeId={instanceTypeId} onInstanceTypeChange={setChosenType} />
      </div>
    </>
  );
}
