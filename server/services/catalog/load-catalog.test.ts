import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseEnv } from "@/server/env";
import { validateCatalog } from "./catalog-file";
import { CatalogError, loadCatalog, parseCatalog } from "./load-catalog";
import { formatUsdPerMillion, nanoPerTokenToUsdPerMillion, usdPerMillionToNanoPerToken } from "./prices";

const dir = mkdtempSync(path.join(os.tmpdir(), "cc-catalog-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTemp(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** A valid model in the file's format; tests break one field at a time. */
function fileModel(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "acme/chat-8b",
    display_name: "Acme Chat 8B",
    family: "Acme",
    description: "A small chat model.",
    parameters_b: 8,
    context_window: 32768,
    max_output_tokens: 4096,
    modalities: ["text"],
    endpoints: ["chat", "completions"],
    pricing: { input_per_million: 0.18, output_per_million: 0.18 },
    status: "available",
    backends: [{ engine: "local" }],
    ...overrides,
  };
}

function issuesOf(data: unknown) {
  const result = validateCatalog(data);
  if (result.ok) throw new Error("expected the catalog to be refused");
  return result.issues;
}

function catalogError(run: () => unknown): CatalogError {
  try {
    run();
  } catch (error) {
    if (error instanceof CatalogError) return error;
    throw error;
  }
  throw new Error("expected a CatalogError");
}

describe("the default catalog", () => {
  const catalog = loadCatalog();

  it("validates and ships chat models of several sizes and an embeddings model", () => {
    expect(catalog.models.length).toBeGreaterThanOrEqual(8);
    expect(catalog.models.length).toBeLessThanOrEqual(12);
    const sizes = catalog.models.map((m) => m.parametersB ?? 0);
    expect(sizes.some((b) => b < 10)).toBe(true);
    expect(sizes.some((b) => b >= 10 && b <= 100)).toBe(true);
    expect(sizes.some((b) => b > 100)).toBe(true);
    const embeddings = catalog.models.filter((m) => m.endpoints.includes("embeddings"));
    expect(embeddings).toHaveLength(1);
    expect(embeddings[0]?.embeddingDimensions).toBeGreaterThan(0);
    expect(embeddings[0]?.outputNanoPerToken).toBe(0n);
  });

  it("has one preview and one deprecated model, the rest available", () => {
    const statuses = catalog.models.map((m) => m.status);
    expect(statuses.filter((s) => s === "preview")).toHaveLength(1);
    expect(statuses.filter((s) => s === "deprecated")).toHaveLength(1);
  });

  it("is served entirely by the built-in local engine", () => {
    for (const model of catalog.models) expect(model.backends).toEqual([{ engine: "local" }]);
  });

  it("prices the 8B model at $0.18 per 1M tokens, exactly 180 nano-USD per token", () => {
    const llama8b = catalog.models.find((m) => m.id === "meta-llama/llama-3.1-8b-instruct");
    expect(llama8b).toMatchObject({ inputNanoPerToken: 180n, outputNanoPerToken: 180n, contextWindow: 131072 });
  });
});

describe("price conversion", () => {
  it.each([
    [0.18, 180n],
    ["0.18", 180n],
    [0.88, 880n],
    [3.5, 3500n],
    [0.02, 20n],
    [0.001, 1n],
    ["1e-3", 1n],
    [0.29, 290n],
    [1.1, 1100n],
    [0, 0n],
    [123.456, 123456n],
    [1_000_000, 1_000_000_000n],
  ])("%j USD per 1M tokens is exactly %s nano-USD per token", (usd, nano) => {
    expect(usdPerMillionToNanoPerToken(usd)).toEqual({ ok: true, nanoPerToken: nano });
  });

  it.each([0.0000001, 0.0015, "0.1234", 1e-9])("refuses %j, which is not a whole number of nano-USD", (usd) => {
    const result = usdPerMillionToNanoPerToken(usd);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/whole number of nano-USD per token/);
  });

  it.each([
    [-0.1, "must be ≥ 0"],
    ["abc", "must be a decimal number of USD per 1M tokens, e.g. 0.18"],
    [1_000_001, "must be ≤ 1000000"],
    [Number.POSITIVE_INFINITY, "must be a finite number"],
  ])("refuses %j: %s", (usd, reason) => {
    expect(usdPerMillionToNanoPerToken(usd)).toEqual({ ok: false, reason });
  });

  it("converts back exactly and formats for people", () => {
    expect(nanoPerTokenToUsdPerMillion(180n)).toBe("0.18");
    expect(nanoPerTokenToUsdPerMillion(3500n)).toBe("3.5");
    expect(nanoPerTokenToUsdPerMillion(1n)).toBe("0.001");
    expect(nanoPerTokenToUsdPerMillion(0n)).toBe("0");
    expect(nanoPerTokenToUsdPerMillion(1_234_567n)).toBe("1234.567");
    expect(formatUsdPerMillion("0.18")).toBe("$0.18");
    expect(formatUsdPerMillion("3.5")).toBe("$3.50");
    expect(formatUsdPerMillion("0.008")).toBe("$0.008");
    expect(formatUsdPerMillion("1234.5")).toBe("$1,234.50");
    expect(formatUsdPerMillion("0")).toBe("Free");
  });
});

describe("validation errors name the field", () => {
  it("a wrong type", () => {
    expect(issuesOf({ models: [fileModel({ context_window: "big" })] })).toEqual([
      { path: "models[0].context_window", message: 'must be a number (got "big")' },
    ]);
  });

  it("a missing field", () => {
    const { display_name: _omit, ...model } = fileModel();
    expect(issuesOf({ models: [model] })).toEqual([{ path: "models[0].display_name", message: "is required" }]);
  });

  it("a negative price, at the brief's example path", () => {
    const models = [fileModel({ id: "a" }), fileModel({ id: "b" }), fileModel({ id: "c" })];
    models.push(fileModel({ id: "d", pricing: { input_per_million: -1, output_per_million: 0.1 } }));
    expect(issuesOf({ models })).toEqual([{ path: "models[3].pricing.input_per_million", message: "must be ≥ 0" }]);
  });

  it("a price that does not convert to whole nano-USD", () => {
    const issues = issuesOf({ models: [fileModel({ pricing: { input_per_million: 0.18, output_per_million: 0.0000001 } })] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("models[0].pricing.output_per_million");
    expect(issues[0]?.message).toMatch(/not a whole number of nano-USD per token/);
  });

  it("a missing status, and a version other than 1", () => {
    const { status: _omit, ...model } = fileModel();
    expect(issuesOf({ version: 2, models: [model] })).toEqual([
      { path: "version", message: "must be 1 (got 2)" },
      { path: "models[0].status", message: 'is required: "available" or "preview" or "deprecated"' },
    ]);
  });

  it("a duplicate id", () => {
    expect(issuesOf({ models: [fileModel(), fileModel({ display_name: "Again" })] })).toEqual([
      { path: "models[1].id", message: 'duplicates models[0].id "acme/chat-8b"' },
    ]);
  });

  it("an embeddings model without embedding_dimensions", () => {
    const model = fileModel({ endpoints: ["embeddings"], max_output_tokens: undefined });
    expect(issuesOf({ models: [model] })).toEqual([
      { path: "models[0].embedding_dimensions", message: "is required for a model with the embeddings endpoint" },
    ]);
  });

  it("a backend URL that is not http(s), and a backend without its fields", () => {
    const backends = [
      { engine: "openai-compatible", base_url: "ftp://models.example.com/v1", upstream_model: "m" },
      { engine: "openai-compatible" },
      { engine: "gpu-cluster" },
    ];
    expect(issuesOf({ models: [fileModel({ backends })] })).toEqual([
      { path: "models[0].backends[0].base_url", message: "must be an http:// or https:// URL" },
      { path: "models[0].backends[1].base_url", message: "is required" },
      { path: "models[0].backends[1].upstream_model", message: "is required" },
      { path: "models[0].backends[2].engine", message: 'must be "local" or "openai-compatible" (got "gpu-cluster")' },
    ]);
  });

  it("ids outside the allowed alphabet or too long", () => {
    for (const id of ["Acme/Chat", "acme chat", "/acme", "acme/", "acme//chat", "acme/../chat", "a".repeat(129)]) {
      const issues = issuesOf({ models: [fileModel({ id })] });
      expect(issues.map((i) => i.path), id).toEqual(["models[0].id"]);
    }
    expect(validateCatalog({ models: [fileModel({ id: "org.name/model_v1.5-x" })] }).ok).toBe(true);
  });

  it("empty endpoints, no backends, an unknown status, unknown fields with a hint", () => {
    const model = fileModel({ endpoints: [], backends: [], status: "beta", contextWindow: 8 });
    expect(issuesOf({ models: [model], extra: true })).toEqual([
      { path: "models[0].endpoints", message: "must list at least one item" },
      { path: "models[0].status", message: 'must be "available" or "preview" or "deprecated" (got "beta")' },
      { path: "models[0].backends", message: "must list at least one item" },
      { path: "models[0].contextWindow", message: 'unknown field (did you mean "context_window"?)' },
      { path: "extra", message: "unknown field" },
    ]);
  });

  it("max_output_tokens beyond the context window, or missing on a chat model", () => {
    expect(issuesOf({ models: [fileModel({ max_output_tokens: 65536 })] })).toEqual([
      { path: "models[0].max_output_tokens", message: "must be ≤ context_window (32768)" },
    ]);
    expect(issuesOf({ models: [fileModel({ max_output_tokens: undefined })] })).toEqual([
      { path: "models[0].max_output_tokens", message: "is required for a model with the chat or completions endpoint" },
    ]);
  });

  it("an openai-compatible backend is stored in failover order with the gateway's field names", () => {
    const backends = [
      { engine: "openai-compatible", base_url: "https://api.example.com/v1/", api_key_env: "EXAMPLE_API_KEY", upstream_model: "acme-8b" },
      { engine: "local" },
    ];
    const result = validateCatalog({ version: 1, models: [fileModel({ backends })] });
    expect(result.ok && result.catalog.models[0]?.backends).toEqual([
      { engine: "openai-compatible", baseUrl: "https://api.example.com/v1", apiKeyEnv: "EXAMPLE_API_KEY", upstreamModel: "acme-8b" },
      { engine: "local" },
    ]);
  });
});

describe("loading files", () => {
  it("loads YAML and JSON files alike", () => {
    const data = { version: 1, models: [fileModel(), fileModel({ id: "acme/embed", endpoints: ["embeddings"], max_output_tokens: undefined, embedding_dimensions: 1024, pricing: { input_per_million: "0.02", output_per_million: 0 } })] };
    const fromYaml = loadCatalog(writeTemp("catalog.yaml", stringify(data)));
    const fromYml = loadCatalog(writeTemp("catalog.yml", stringify(data)));
    const fromJson = loadCatalog(writeTemp("catalog.json", JSON.stringify(data)));
    expect(fromYaml).toEqual(fromJson);
    expect(fromYml).toEqual(fromJson);
    expect(fromJson.models.map((m) => [m.id, m.inputNanoPerToken, m.maxOutputTokens, m.embeddingDimensions])).toEqual([
      ["acme/chat-8b", 180n, 4096, null],
      ["acme/embed", 20n, 0, 1024],
    ]);
  });

  it("throws one CatalogError listing every issue, each line prefixed with CATALOG_FILE", () => {
    const file = writeTemp("bad.yaml", stringify({ models: [fileModel({ status: "gone" }), fileModel({ pricing: { input_per_million: -1, output_per_million: 1 } })] }));
    const error = catalogError(() => loadCatalog(file));
    expect(error.message).toBe(
      [
        `Invalid model catalog in ${file}:`,
        '  CATALOG_FILE models[0].status: must be "available" or "preview" or "deprecated" (got "gone")',
        "  CATALOG_FILE models[1].pricing.input_per_million: must be ≥ 0",
      ].join("\n"),
    );
    expect(error.issues).toHaveLength(2);
  });

  it("reports syntax errors, files that are not a mapping, missing files and other extensions", () => {
    expect(catalogError(() => loadCatalog(writeTemp("broken.json", '{"models": ['))).message).toMatch(
      /CATALOG_FILE: is not valid JSON: /,
    );
    expect(catalogError(() => loadCatalog(writeTemp("broken.yaml", "models: [\n  - id: x\n  bad"))).message).toMatch(
      /CATALOG_FILE: is not valid YAML: .*line/,
    );
    expect(catalogError(() => loadCatalog(writeTemp("list.yaml", "- a\n- b\n"))).issues).toEqual([
      { path: "", message: "must be a mapping with a `models` list" },
    ]);
    expect(catalogError(() => loadCatalog(writeTemp("empty.yaml", "models: []\n"))).issues).toEqual([
      { path: "models", message: "must list at least one item" },
    ]);
    expect(catalogError(() => loadCatalog(path.join(dir, "missing.yaml"))).message).toMatch(
      /CATALOG_FILE: cannot be read \(no such file\)/,
    );
    expect(catalogError(() => loadCatalog(writeTemp("catalog.toml", ""))).issues[0]?.message).toBe(
      "must end in .json, .yaml or .yml",
    );
  });

  it("parseCatalog names its source in every line", () => {
    const error = catalogError(() => parseCatalog("{}", { format: "json", source: "catalog.json" }));
    expect(error.message).toBe("Invalid model catalog:\n  catalog.json models: is required");
  });
});

describe("environment", () => {
  it("accepts CATALOG_FILE and PUBLIC_URL, both optional", () => {
    const defaults = parseEnv({});
    expect(defaults.CATALOG_FILE).toBeUndefined();
    expect(defaults.PUBLIC_URL).toBeUndefined();
    expect(parseEnv({ CATALOG_FILE: "catalog.yml", PUBLIC_URL: "https://console.example.com/" })).toMatchObject({
      CATALOG_FILE: "catalog.yml",
      PUBLIC_URL: "https://console.example.com",
    });
  });

  it("refuses a CATALOG_FILE with another extension and a PUBLIC_URL that is not http(s), naming the variable", () => {
    expect(() => parseEnv({ CATALOG_FILE: "catalog.toml" })).toThrow("CATALOG_FILE must name a .json, .yaml or .yml file");
    expect(() => parseEnv({ PUBLIC_URL: "console.example.com" })).toThrow(/PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/);
    expect(() => parseEnv({ PUBLIC_URL: "ftp://console.example.com" })).toThrow(/PUBLIC_URL must be an http/);
  });
});
