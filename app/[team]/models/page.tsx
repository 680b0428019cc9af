import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { filtersFromParams } from "@/components/models/catalog-filters";
import { ModelCatalog } from "@/components/models/model-catalog";
import { PageHeader } from "@/components/ui/page-header";
import { requireTeamPage } from "@/server/auth/page-session";
import { listCatalogModels } from "@/server/services/catalog/model-views";
import { hasScope } from "@/server/services/teams/permissions";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage({ params, searchParams }: PageProps<"/[team]/models">) {
  const { team: slug } = await params;
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "models:read")) notFound();
  const [models, query] = await Promise.all([listCatalogModels(ctx), searchParams]);
  return (
    <>
      <PageHeader
        title="Models"
        description="Open-weight models you can call through this console's OpenAI-compatible API, billed per token."
      />
      <ModelCatalog
        teamId={ctx.team.id}
        teamSlug={ctx.team.slug}
        initialModels={models}
        initialFilters={filtersFromParams(query)}
      />
    </>
  );
}
