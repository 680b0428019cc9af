import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { InstanceDetailView } from "@/components/compute/instances/instance-detail";
import { requireTeamPage } from "@/server/auth/page-session";
import { findInstanceView } from "@/server/services/compute/instances";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Instance" };

export default async function InstancePage({ params }: PageProps<"/[team]/instances/[instanceId]">) {
  const { team: slug, instanceId } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "compute:read")) notFound();
  // Another team's instance, or none: the same 404 as for a team one is not in.
  if (!(await findInstanceView(ctx.db, ctx.team.id, instanceId, ctx.now()))) notFound();
  return <InstanceDetailView teamId={ctx.team.id} teamSlug={ctx.team.slug} instanceId={instanceId} canWrite={hasScope(ctx.role, "compute:write")} />;
}
