import { AlertTriangle, ArrowLeft, FlaskConical } from "lucide-react";
import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { cache } from "react";
import { apiBaseUrl } from "@/components/models/api-base-url";
import { codeExamples, mainEndpoint } from "@/components/models/code-examples";
import { CodeExamplesCard } from "@/components/models/code-examples-card";
import { CopyButton } from "@/components/models/copy-button";
import { ENDPOINT_LABELS, ENDPOINT_PATHS, formatInteger, formatParameters, formatTokenCount } from "@/components/models/format";
import { LOCAL_ENGINE_EXPLANATION, LocalEngineBadge, StatusBadge } from "@/components/models/model-badges";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { requireTeamPage } from "@/server/auth/page-session";
import { env } from "@/server/env";
import { getCatalogModel } from "@/server/services/catalog/model-views";
import { formatUsdPerMillion } from "@/server/services/catalog/prices";
import { AppError } from "@/server/services/errors";
import { hasScope } from "@/server/services/teams/permissions";

/** The model named by the URL (ids may contain "/"), for a member who may read models; else 404. */
const loadModel = cache(async (slug: string, segments: string[]) => {
  const ctx = await requireTeamPage(slug);
  if (!hasScope(ctx.role, "models:read")) notFound();
  try {
    return { ctx, model: await getCatalogModel(ctx, { modelId: segments.join("/") }) };
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: PageProps<"/[team]/models/[...modelId]">): Promise<Metadata> {
  const { team, modelId } = await params;
  const { model } = await loadModel(team, modelId);
  return { title: model.displayName };
}

function Row({ label, children, hint }: { label: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-2.5 first:pt-0 last:pb-0">
      <dt className="text-sm text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 text-right">
        <span className="text-sm font-medium tabular-nums">{children}</span>
        {hint && <span className="block text-xs text-zinc-500 tabular-nums dark:text-zinc-400">{hint}</span>}
      </dd>
    </div>
  );
}

const BACKEND_LABELS = {
  local: { name: "Local engine", detail: LOCAL_ENGINE_EXPLANATION },
  "openai-compatible": {
    name: "Upstream provider",
    detail: "An OpenAI-compatible inference service this deployment forwards requests to.",
  },
} as const;

export default async function ModelPage({ params }: PageProps<"/[team]/models/[...modelId]">) {
  const { team: slug, modelId } = await params;
  const { ctx, model } = await loadModel(slug, modelId);
  const baseUrl = apiBaseUrl(env().PUBLIC_URL, await headers());
  const endpoint = mainEndpoint(model.endpoints);
  const embeddingsOnly = model.maxOutputTokens === 0;
  const canCreateKeys = hasScope(ctx.role, "keys:write");

  return (
    <div className="space-y-6">
      <div>
        <nav aria-label="Breadcrumb" className="mb-4">
          <Link
            href={`/${ctx.team.slug}/models`}
            className="inline-flex items-center gap-1.5 text-sm text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
          >
            <ArrowLeft className="h-4 w-4" aria-hidden />
            Models
          </Link>
        </nav>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <h1 className="text-2xl font-semibold tracking-tight break-words">{model.displayName}</h1>
          <div className="flex flex-wrap gap-1.5">
            <StatusBadge status={model.status} />
            {model.localEngine && <LocalEngineBadge />}
          </div>
        </div>
        <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-2 text-sm text-zinc-500 dark:text-zinc-400">
          <span className="inline-flex min-w-0 items-center gap-1.5">
            <code className="rounded bg-zinc-100 px-2 py-0.5 font-mono text-xs break-all text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">
              {model.id}
            </code>
            <CopyButton text={model.id} what="model id" size="icon" />
          </span>
          <span>
            {model.family}
            {model.parametersB !== null && <> · {formatParameters(model.parametersB)} parameters</>}
          </span>
        </div>
        <p className="mt-4 max-w-3xl text-sm leading-6 text-zinc-700 dark:text-zinc-300">{model.description}</p>
      </div>

      {model.status !== "available" && (
        <div
          role="note"
          className={
            model.status === "deprecated"
              ? "flex gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
              : "flex gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
          }
        >
          {model.status === "deprecated" ? (
            <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
          ) : (
            <FlaskConical className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
          )}
          <p>
            {model.status === "deprecated"
              ? "This model is deprecated: it still answers, but it may be removed from the catalog. Move to a newer model."
              : "This model is in preview: its limits, pricing and behaviour may change without notice."}
          </p>
        </div>
      )}

      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        <Card>
          <CardHeader title="Pricing" description="Billed per token, in USD." />
          <CardBody>
            <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
              <Row label="Input" hint={`${model.pricing.inputNanoPerToken} nano-USD per token`}>
                {formatUsdPerMillion(model.pricing.inputPerMillion)} / 1M tokens
              </Row>
              {embeddingsOnly ? (
                <Row label="Output" hint="Embeddings have no output tokens">
                  —
                </Row>
              ) : (
                <Row label="Output" hint={`${model.pricing.outputNanoPerToken} nano-USD per token`}>
                  {formatUsdPerMillion(model.pricing.outputPerMillion)} / 1M tokens
                </Row>
              )}
            </dl>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Limits" description="Per request, in tokens." />
          <CardBody>
            <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
              <Row label="Context window" hint={formatTokenCount(model.contextWindow)}>
                {formatInteger(model.contextWindow)}
              </Row>
              {embeddingsOnly ? (
                <Row label="Embedding dimensions">{model.embeddingDimensions ?? "—"}</Row>
              ) : (
                <Row label="Max output" hint={formatTokenCount(model.maxOutputTokens)}>
                  {formatInteger(model.maxOutputTokens)}
                </Row>
              )}
              <Row label="Modalities">{model.modalities.map((m) => m[0]?.toUpperCase() + m.slice(1)).join(", ")}</Row>
            </dl>
          </CardBody>
        </Card>

        <Card className="md:col-span-2 xl:col-span-1">
          <CardHeader title="API" description="Endpoints and where requests are served." />
          <CardBody className="space-y-4">
            <div>
              <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Endpoints</h3>
              <ul className="mt-2 space-y-2">
                {model.endpoints.map((e) => (
                  <li key={e} className="text-sm">
                    <span className="block font-medium">{ENDPOINT_LABELS[e]}</span>
                    <code className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">POST /api/v1{ENDPOINT_PATHS[e]}</code>
                  </li>
                ))}
              </ul>
            </div>
            <div>
              <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Served by</h3>
              <ol className="mt-2 space-y-2">
                {model.backends.map((backend, i) => (
                  <li key={i} className="text-sm">
                    <span className="font-medium">
                      {model.backends.length > 1 && `${i + 1}. `}
                      {BACKEND_LABELS[backend.engine].name}
                    </span>
                    <span className="block text-xs text-zinc-500 dark:text-zinc-400">{BACKEND_LABELS[backend.engine].detail}</span>
                  </li>
                ))}
              </ol>
              {model.backends.length > 1 && (
                <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">
                  Tried in this order: when one is unavailable, the next takes over.
                </p>
              )}
            </div>
          </CardBody>
        </Card>
      </div>

      <CodeExamplesCard
        examples={codeExamples(model, baseUrl)}
        baseUrl={baseUrl}
        endpointPath={ENDPOINT_PATHS[endpoint]}
        createKeyHref={canCreateKeys ? `/${ctx.team.slug}/keys` : undefined}
      />
    </div>
  );
}
