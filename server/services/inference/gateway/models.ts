import { nanoPerTokenToUsdPerMillion } from "../../catalog/prices";
import { modelNotFound } from "./errors";
import type { CatalogModel } from "../../catalog/models";
import type { GatewayCaller, GatewayDeps } from "./types";

/** A catalog entry as `GET /v1/models` shows it: OpenAI's fields, then ours. */
export function publicModel(model: CatalogModel) {
  return {
    id: model.id,
    object: "model" as const,
    created: Math.floor(model.updatedAt.getTime() / 1000),
    owned_by: model.family,
    display_name: model.displayName,
    status: model.status,
    context_window: model.contextWindow,
    max_output_tokens: model.maxOutputTokens,
    endpoints: model.endpoints,
    pricing: {
      currency: "USD",
      input_per_million_tokens: Number(nanoPerTokenToUsdPerMillion(model.inputNanoPerToken)),
      output_per_million_tokens: Number(nanoPerTokenToUsdPerMillion(model.outputNanoPerToken)),
    },
    ...(model.embeddingDimensions ? { embedding_dimensions: model.embeddingDimensions } : {}),
  };
}

function visibleTo(caller: GatewayCaller, model: CatalogModel): boolean {
  const allowlist = caller.apiKey?.modelAllowlist;
  return !allowlist || allowlist.includes(model.id);
}

export async function listPublicModels(deps: GatewayDeps, caller: GatewayCaller) {
  const models = await deps.catalog.list();
  return { object: "list" as const, data: models.filter((m) => visibleTo(caller, m)).map(publicModel) };
}

export async function getPublicModel(deps: GatewayDeps, caller: GatewayCaller, id: string) {
  const model = await deps.catalog.get(id);
  if (!model || !visibleTo(caller, model)) throw modelNotFound(id);
  return publicModel(model);
}
