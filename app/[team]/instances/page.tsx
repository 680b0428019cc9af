import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { InstancesView } from "@/components/compute/instances/instances-view";
import { requireTeamPage } from "@/server/auth/page-session";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Instances" };

export default async function InstancesPage({ params }: PageProps<"/[team]/instances">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "compute:read")) notFound();
  return <InstancesView teamId={ctx.team.id} teamSlug={ctx.team.slug} canWrite={hasScope(ctx.role, "compute:write")} />;
}
