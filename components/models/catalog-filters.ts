import type { ModelEndpoint } from "@/server/db/schema/models";
import type { ModelView } from "@/server/services/catalog/model-views";

/**
 * The Models page's search, filters and sort: pure functions, so the server can render the list a
 * URL asks for and the browser can refine it without a round trip.
 */

export const ENDPOINT_FILTERS = ["all", "chat", "completions", "embeddings"] as const;
export const SIZE_FILTERS = ["any", "lt10", "10to100", "gt100"] as const;
/** Maximum price in USD per 1M tokens, applied to both input and output. */
export const PRICE_FILTERS = ["any", "0.1", "0.2", "0.5", "1"] as const;
export const SORTS = ["recommended", "price-asc", "price-desc", "context"] as const;

export interface CatalogFilters {
  q: string;
  endpoint: (typeof ENDPOINT_FILTERS)[number];
  size: (typeof SIZE_FILTERS)[number];
  price: (typeof PRICE_FILTERS)[number];
  sort: (typeof SORTS)[number];
}

export const DEFAULT_FILTERS: CatalogFilters = { q: "", endpoint: "all", size: "any", price: "any", sort: "recommended" };

export const ENDPOINT_FILTER_LABELS: Record<CatalogFilters["endpoint"], string> = {
  all: "All",
  chat: "Chat",
  completions: "Completions",
  embeddings: "Embeddings",
};

export const SIZE_FILTER_LABELS: Record<CatalogFilters["size"], string> = {
  any: "Any",
  lt10: "< 10B",
  "10to100": "10–100B",
  gt100: "> 100B",
};

export const PRICE_FILTER_LABELS: Record<CatalogFilters["price"], string> = {
  any: "Any",
  "0.1": "≤ $0.10 / 1M",
  "0.2": "≤ $0.20 / 1M",
  "0.5": "≤ $0.50 / 1M",
  "1": "≤ $1.00 / 1M",
};

export const SORT_LABELS: Record<CatalogFilters["sort"], string> = {
  recommended: "Recommended",
  "price-asc": "Price: low to high",
  "price-desc": "Price: high to low",
  context: "Context window: largest",
};

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function param(params: Params, key: string): string | undefined {
  const value = params instanceof URLSearchParams ? (params.get(key) ?? undefined) : params[key];
  return Array.isArray(value) ? value[0] : value;
}

function oneOf<T extends string>(allowed: readonly T[], value: string | undefined, fallback: T): T {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Filters from a URL's query (`?q=llama&endpoint=chat&size=lt10&price=0.2&sort=price-asc`); bad values fall back. */
export function filtersFromParams(params: Params): CatalogFilters {
  return {
    q: (param(params, "q") ?? "").slice(0, 100),
    endpoint: oneOf(ENDPOINT_FILTERS, param(params, "endpoint"), "all"),
    size: oneOf(SIZE_FILTERS, param(params, "size"), "any"),
    price: oneOf(PRICE_FILTERS, param(params, "price"), "any"),
    sort: oneOf(SORTS, param(params, "sort"), "recommended"),
  };
}

/** The query string for filters, leaving out defaults: "" when nothing is set. */
export function filtersToQuery(filters: CatalogFilters): string {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set("q", filters.q.trim());
  for (const key of ["endpoint", "size", "price", "sort"] as const) {
    if (filters[key] !== DEFAULT_FILTERS[key]) params.set(key, filters[key]);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

export function isFiltered(filters: CatalogFilters): boolean {
  return filtersToQuery({ ...filters, sort: DEFAULT_FILTERS.sort }) !== "";
}

function matchesSize(size: CatalogFilters["size"], billions: number | null): boolean {
  if (size === "any") return true;
  if (billions === null) return false;
  if (size === "lt10") return billions < 10;
  if (size === "10to100") return billions >= 10 && billions <= 100;
  return billions > 100;
}

/** Both prices at most the limit (compared in integer nano-USD per token: $0.20 per 1M = 200). */
function matchesPrice(price: CatalogFilters["price"], model: ModelView): boolean {
  if (price === "any") return true;
  const limit = Math.round(Number(price) * 1000);
  return Number(model.pricing.inputNanoPerToken) <= limit && Number(model.pricing.outputNanoPerToken) <= limit;
}

function matchesQuery(q: string, model: ModelView): boolean {
  const terms = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const haystack = `${model.displayName} ${model.id} ${model.family}`.toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

/** Input plus output price: what "price" means when sorting. */
function priceKey(model: ModelView): number {
  return Number(model.pricing.inputNanoPerToken) + Number(model.pricing.outputNanoPerToken);
}

/** The models that pass every filter, sorted; ties keep the catalog's order. */
export function applyFilters(models: readonly ModelView[], filters: CatalogFilters): ModelView[] {
  const kept = models
    .map((model, index) => ({ model, index }))
    .filter(
      ({ model }) =>
        matchesQuery(filters.q, model) &&
        (filters.endpoint === "all" || model.endpoints.includes(filters.endpoint as ModelEndpoint)) &&
        matchesSize(filters.size, model.parametersB) &&
        matchesPrice(filters.price, model),
    );
  const compare: Record<CatalogFilters["sort"], (a: ModelView, b: ModelView) => number> = {
    recommended: () => 0,
    "price-asc": (a, b) => priceKey(a) - priceKey(b),
    "price-desc": (a, b) => priceKey(b) - priceKey(a),
    context: (a, b) => b.contextWindow - a.contextWindow,
  };
  return kept
    .sort((a, b) => compare[filters.sort](a.model, b.model) || a.index - b.index)
    .map(({ model }) => model);
}
