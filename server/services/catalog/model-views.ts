import type { ModelEndpoint, ModelStatus } from "@/server/db/schema/models";
import { requireScope, type TeamContext } from "../context";
import { AppError } from "../errors";
import { getModel, listModels, type CatalogModel } from "./models";
import { nanoPerTokenToUsdPerMillion } from "./prices";

/**
 * What the console shows of a model: JSON-safe (prices are exact decimal strings), and without the
 * backends' internals (upstream URLs, key variables, upstream names stay on the server).
 */
export interface ModelView {
  id: string;
  displayName: string;
  family: string;
  description: string;
  parametersB: number | null;
  contextWindow: number;
  /** 0 for embeddings-only models. */
  maxOutputTokens: number;
  modalities: string[];
  endpoints: ModelEndpoint[];
  status: ModelStatus;
  embeddingDimensions: number | null;
  pricing: {
    /** Exact USD per 1M tokens, e.g. "0.18". */
    inputPerMillion: string;
    outputPerMillion: string;
    /** Exact integer nano-USD per token, e.g. "180". */
    inputNanoPerToken: string;
    outputNanoPerToken: string;
  };
  /** The kinds of backend that serve the model, in failover order. */
  backends: { engine: "local" | "openai-compatible" }[];
  /** At least one backend is the built-in local engine. */
  localEngine: boolean;
}

export function toModelView(model: CatalogModel): ModelView {
  return {
    id: model.id,
    displayName: model.displayName,
    family: model.family,
    description: model.description,
    parametersB: model.parametersB,
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens,
    modalities: model.modalities,
    endpoints: model.endpoints,
    status: model.status,
    embeddingDimensions: model.embeddingDimensions,
    pricing: {
      inputPerMillion: nanoPerTokenToUsdPerMillion(model.inputNanoPerToken),
      outputPerMillion: nanoPerTokenToUsdPerMillion(model.outputNanoPerToken),
      inputNanoPerToken: model.inputNanoPerToken.toString(),
      outputNanoPerToken: model.outputNanoPerToken.toString(),
    },
    backends: model.backends.map((b) => ({ engine: b.engine })),
    localEngine: model.backends.some((b) => b.engine === "local"),
  };
}

/** The catalog for a team's console (the same for every team; the scope still applies). */
export async function listCatalogModels(ctx: TeamContext): Promise<ModelView[]> {
  requireScope(ctx, "models:read");
  return (await listModels(ctx.db)).map(toModelView);
}

/** One model for a team's console; NOT_FOUND when the catalog has no such model. */
export async function getCatalogModel(ctx: TeamContext, input: { modelId: string }): Promise<ModelView> {
  requireScope(ctx, "models:read");
  const model = await getModel(ctx.db, input.modelId);
  if (!model) throw new AppError("NOT_FOUND", "Model not found.");
  return toModelView(model);
}
