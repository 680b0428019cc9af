import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ZodError } from "zod";
import { ReservationDetailView } from "@/components/compute/reservations/reservation-detail";
import { requireTeamPage } from "@/server/auth/page-session";
import { computeContextOf } from "@/server/services/compute/context";
import { getReservation } from "@/server/services/compute/reservations";
import { AppError } from "@/server/services/errors";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Reservation" };

export default async function ReservationPage({ params }: PageProps<"/[team]/reservations/[reservationId]">) {
  const { team: slug, reservationId } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "compute:read")) notFound();
  // Another team's block, none, or an id no block could have: the same 404 as for a team one is not in.
  try {
    await getReservation(computeContextOf(ctx), { reservationId });
  } catch (error) {
    if ((error instanceof AppError && error.code === "NOT_FOUND") || error instanceof ZodError) notFound();
    throw error;
  }
  return <ReservationDetailView teamId={ctx.team.id} teamSlug={ctx.team.slug} reservationId={reservationId} canWrite={hasScope(ctx.role, "compute:write")} />;
}
