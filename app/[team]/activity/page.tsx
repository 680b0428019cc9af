import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ActivityLog } from "@/components/teams/activity-log";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeamPage } from "@/server/auth/page-session";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Activity" };

export default async function ActivityPage({ params }: PageProps<"/[team]/activity">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "audit:read")) notFound();
  return (
    <>
      <PageHeader title="Activity" description="Every change made in this team, newest first." />
      <ActivityLog teamId={ctx.team.id} />
    </>
  );
}
