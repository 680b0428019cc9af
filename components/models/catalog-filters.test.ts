import { describe, expect, it } from "vitest";
import type { ModelView } from "@/server/services/catalog/model-views";
import { applyFilters, DEFAULT_FILTERS, filtersFromParams, filtersToQuery, isFiltered, type CatalogFilters } from "./catalog-filters";

function model(id: string, parametersB: number | null, input: number, output: number, overrides: Partial<ModelView> = {}): ModelView {
  return {
    id,
    displayName: id.toUpperCase(),
    family: "Family",
    description: "",
    parametersB,
    contextWindow: 8192,
    maxOutputTokens: 1024,
    modalities: ["text"],
    endpoints: ["chat", "completions"],
    status: "available",
    embeddingDimensions: null,
    pricing: { inputPerMillion: "", outputPerMillion: "", inputNanoPerToken: String(input), outputNanoPerToken: String(output) },
    backends: [{ engine: "local" }],
    localEngine: true,
    ...overrides,
  };
}

const catalog = [
  model("acme/small-8b", 8, 180, 180, { family: "Acme" }),
  model("acme/large-70b", 70, 880, 880, { family: "Acme", contextWindow: 131072 }),
  model("other/huge-405b", 405, 3500, 3500, { contextWindow: 32768 }),
  model("other/cheap-in", 3, 60, 2000),
  model("emb/embed", 0.137, 20, 0, { endpoints: ["embeddings"], maxOutputTokens: 0 }),
  model("mystery/unknown", null, 100, 100),
];

const ids = (filters: Partial<CatalogFilters>) => applyFilters(catalog, { ...DEFAULT_FILTERS, ...filters }).map((m) => m.id);

describe("applyFilters", () => {
  it("keeps everything in catalog order by default", () => {
    expect(ids({})).toEqual(catalog.map((m) => m.id));
  });

  it("searches name, id and family, every word", () => {
    expect(ids({ q: "acme" })).toEqual(["acme/small-8b", "acme/large-70b"]);
    expect(ids({ q: "ACME 70b" })).toEqual(["acme/large-70b"]);
    expect(ids({ q: "  " })).toHaveLength(catalog.length);
    expect(ids({ q: "nothing-like-this" })).toEqual([]);
  });

  it("filters by endpoint", () => {
    expect(ids({ endpoint: "embeddings" })).toEqual(["emb/embed"]);
    expect(ids({ endpoint: "chat" })).not.toContain("emb/embed");
  });

  it("filters by size, leaving out models of unknown size", () => {
    expect(ids({ size: "lt10" })).toEqual(["acme/small-8b", "other/cheap-in", "emb/embed"]);
    expect(ids({ size: "10to100" })).toEqual(["acme/large-70b"]);
    expect(ids({ size: "gt100" })).toEqual(["other/huge-405b"]);
  });

  it("filters by a maximum price that both input and output must meet", () => {
    expect(ids({ price: "0.2" })).toEqual(["acme/small-8b", "emb/embed", "mystery/unknown"]);
    expect(ids({ price: "0.1" })).toEqual(["emb/embed", "mystery/unknown"]);
    expect(ids({ price: "1" })).toEqual(["acme/small-8b", "acme/large-70b", "emb/embed", "mystery/unknown"]);
  });

  it("sorts by input plus output price, or by context window, ties in catalog order", () => {
    expect(ids({ sort: "price-asc" })).toEqual(["emb/embed", "mystery/unknown", "acme/small-8b", "acme/large-70b", "other/cheap-in", "other/huge-405b"]);
    expect(ids({ sort: "price-desc" })[0]).toBe("other/huge-405b");
    expect(ids({ sort: "context" }).slice(0, 2)).toEqual(["acme/large-70b", "other/huge-405b"]);
  });

  it("combines filters", () => {
    expect(ids({ endpoint: "chat", size: "lt10", sort: "price-desc" })).toEqual(["other/cheap-in", "acme/small-8b"]);
  });
});

describe("filters in the URL", () => {
  it("round-trips and leaves defaults out", () => {
    const filters: CatalogFilters = { q: "llama 8b", endpoint: "chat", size: "lt10", price: "0.2", sort: "price-asc" };
    const query = filtersToQuery(filters);
    expect(query).toBe("?q=llama+8b&endpoint=chat&size=lt10&price=0.2&sort=price-asc");
    expect(filtersFromParams(new URLSearchParams(query.slice(1)))).toEqual(filters);
    expect(filtersToQuery(DEFAULT_FILTERS)).toBe("");
  });

  it("ignores unknown values and takes the first of repeated ones", () => {
    expect(filtersFromParams({ endpoint: "images", size: ["gt100", "lt10"], price: "0.3", sort: "name" })).toEqual({
      ...DEFAULT_FILTERS,
      size: "gt100",
    });
  });

  it("counts sort alone as unfiltered", () => {
    expect(isFiltered({ ...DEFAULT_FILTERS, sort: "context" })).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTERS, q: "x" })).toBe(true);
  });
});
