import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { KeysView } from "@/components/keys/keys-view";
import { requireTeamPage } from "@/server/auth/page-session";
import { listKeys } from "@/server/services/keys/list-keys";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "API keys" };

export default async function KeysPage({ params }: PageProps<"/[team]/keys">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "keys:read")) notFound();
  const keys = await listKeys(ctx);
  return (
    <KeysView
      teamId={ctx.team.id}
      teamSlug={ctx.team.slug}
      canWrite={hasScope(ctx.role, "keys:write")}
      initialKeys={keys}
    />
  );
}
