import type { ReactNode } from "react";
import { ConsoleShell } from "@/components/shell/console-shell";
import { requireProfile, requirePageContext, requireTeamPage } from "@/server/auth/page-session";
import { scopesOf } from "@/server/services/teams/permissions";
import { listMyTeams } from "@/server/services/teams/team-access";

export default async function TeamLayout({ children, params }: LayoutProps<"/[team]">) {
  const { team: slug } = await params;
  const teamCtx = await requireTeamPage(slug);
  const [profile, teams] = await Promise.all([requireProfile(), listMyTeams(await requirePageContext())]);
  return (
    <ConsoleShell
      data={{
        team: { ...teamCtx.team, role: teamCtx.role },
        scopes: scopesOf(teamCtx.role),
        teams,
        user: { name: profile.name, email: profile.email, image: profile.image },
      }}
    >
      {children as ReactNode}
    </ConsoleShell>
  );
}
