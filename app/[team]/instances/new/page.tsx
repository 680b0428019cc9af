import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { LaunchInstanceForm } from "@/components/compute/instances/launch-form";
import { requireTeamPage } from "@/server/auth/page-session";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Launch an instance" };

export default async function LaunchInstancePage({ params }: PageProps<"/[team]/instances/new">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "compute:write")) notFound();
  return <LaunchInstanceForm teamId={ctx.team.id} teamSlug={ctx.team.slug} />;
}
