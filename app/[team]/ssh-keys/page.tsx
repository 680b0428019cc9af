import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SshKeysView } from "@/components/compute/ssh-keys/ssh-keys-view";
import { requireTeamPage } from "@/server/auth/page-session";
import { computeContextOf } from "@/server/services/compute/context";
import { listSshKeys } from "@/server/services/compute/ssh-keys/ssh-keys";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "SSH keys" };

export default async function SshKeysPage({ params }: PageProps<"/[team]/ssh-keys">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "compute:read")) notFound();
  const keys = await listSshKeys(computeContextOf(ctx));
  return <SshKeysView teamId={ctx.team.id} canWrite={hasScope(ctx.role, "compute:write")} initialKeys={keys} />;
}
