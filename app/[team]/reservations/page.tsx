import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ReservationsView } from "@/components/compute/reservations/reservations-view";
import { requireTeamPage } from "@/server/auth/page-session";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Reservations" };

export default async function ReservationsPage({ params }: PageProps<"/[team]/reservations">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "compute:read")) notFound();
  return <ReservationsView teamId={ctx.team.id} teamSlug={ctx.team.slug} canWrite={hasScope(ctx.role, "compute:write")} />;
}
