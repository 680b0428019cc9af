import type { Metadata } from "next";
import { TeamSettingsForm } from "@/components/teams/team-settings-form";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeamPage } from "@/server/auth/page-session";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Team settings" };

export default async function TeamSettingsPage({ params }: PageProps<"/[team]/settings">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  const canEdit = hasScope(ctx.role, "team:write");
  return (
    <>
      <PageHeader title="Team settings" description="How this team is named and where its console lives." />
      <div className="space-y-6">
        <TeamSettingsForm team={ctx.team} canEdit={canEdit} />
        <Card>
          <CardHeader title="Team ID" description="Use this id when you talk to support or script against the API." />
          <CardBody>
            <code className="rounded bg-zinc-100 px-2 py-1 font-mono text-sm dark:bg-zinc-800">{ctx.team.id}</code>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
