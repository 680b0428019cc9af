import type { Metadata } from "next";
import { InvitationsPanel } from "@/components/members/invitations-panel";
import { LeaveTeamButton } from "@/components/members/member-leave-button";
import { MembersTable } from "@/components/members/members-table";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeamPage } from "@/server/auth/page-session";
import { listMembers } from "@/server/services/teams/members";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: PageProps<"/[team]/members">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  const members = await listMembers(ctx);
  return (
    <>
      <PageHeader
        title="Members"
        description={`Everyone in ${ctx.team.name}, and the role that decides what each of them can do.`}
        actions={<LeaveTeamButton teamId={ctx.team.id} teamName={ctx.team.name} role={ctx.role} initialMembers={members} />}
      />
      <div className="space-y-6">
        <MembersTable teamId={ctx.team.id} teamName={ctx.team.name} role={ctx.role} initialMembers={members} />
        {hasScope(ctx.role, "members:write") && <InvitationsPanel teamId={ctx.team.id} role={ctx.role} />}
      </div>
    </>
  );
}
