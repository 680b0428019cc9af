import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { requirePageContext } from "@/server/auth/page-session";
import { listMyTeams } from "@/server/services/teams/team-access";
import { LAST_TEAM_COOKIE } from "@/components/shell/last-team-cookie";

/** Home: the team used last, else the first team, else sign-in. */
export default async function HomePage() {
  const ctx = await requirePageContext();
  const teams = await listMyTeams(ctx);
  const last = (await cookies()).get(LAST_TEAM_COOKIE)?.value;
  const team = teams.find((t) => t.slug === last) ?? teams[0];
  if (!team) redirect("/account");
  redirect(`/${team.slug}`);
}
