import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { apiBaseUrl } from "@/components/models/api-base-url";
import { Playground } from "@/components/playground/playground";
import { requireTeamPage } from "@/server/auth/page-session";
import { env } from "@/server/env";
import { listCatalogModels } from "@/server/services/catalog/model-views";
import { hasScope, ROLE_LABELS } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Playground" };

export default async function PlaygroundPage({ params }: PageProps<"/[team]/playground">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "models:read")) notFound();
  const models = (await listCatalogModels(ctx)).filter((m) => m.endpoints.includes("chat") && m.status !== "deprecated");
  if (models.length === 0) notFound();
  return (
    <Playground
      teamId={ctx.team.id}
      models={models}
      canRun={hasScope(ctx.role, "inference")}
      role={ROLE_LABELS[ctx.role].toLowerCase()}
      baseUrl={apiBaseUrl(env().PUBLIC_URL, await headers())}
    />
  );
}
