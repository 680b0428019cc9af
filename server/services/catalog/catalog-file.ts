import { z } from "zod";
import type { ModelBackend, ModelEndpoint, ModelStatus, models } from "@/server/db/schema/models";
import { usdPerMillionToNanoPerToken } from "./prices";

/**
 * The catalog file's format (YAML or JSON, snake_case keys) and its validation. Every problem is
 * reported with the path of the field it is about, e.g. `models[3].pricing.input_per_million`, so an
 * operator can fix a file without guessing.
 */

export const MODEL_ENDPOINTS = ["chat", "completions", "embeddings"] as const satisfies readonly ModelEndpoint[];
export const MODEL_STATUSES = ["available", "preview", "deprecated"] as const satisfies readonly ModelStatus[];

export const MODEL_ID_MAX = 128;
/** Lowercase letters, digits and `.-_`, in `/`-separated segments that each start with a letter or digit. */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

export const modelIdSchema = z
  .string()
  .max(MODEL_ID_MAX, `must be at most ${MODEL_ID_MAX} characters`)
  .regex(
    MODEL_ID_PATTERN,
    "must be lowercase letters, digits and . - _ in /-separated parts that each start with a letter or digit",
  );

/** A price in USD per 1M tokens, as a number (0.18) or a decimal string ("0.18"); becomes nano-USD per token. */
const priceSchema = z.unknown().transform((value, ctx) => {
  if (value === undefined || value === null) {
    ctx.addIssue({ code: "custom", message: "is required" });
    return z.NEVER;
  }
  if (typeof value !== "number" && typeof value !== "string") {
    ctx.addIssue({ code: "custom", message: `must be a number of USD per 1M tokens (got ${describeValue(value)})` });
    return z.NEVER;
  }
  const converted = usdPerMillionToNanoPerToken(value);
  if (!converted.ok) {
    ctx.addIssue({ code: "custom", message: converted.reason });
    return z.NEVER;
  }
  return converted.nanoPerToken;
});

const httpUrlSchema = z
  .url({
    protocol: /^https?$/,
    error: (issue) => (issue.input === undefined ? "is required" : "must be an http:// or https:// URL"),
  })
  .transform((url) => url.replace(/\/+$/, ""));

const backendSchema = z.discriminatedUnion("engine", [
  z.strictObject({
    engine: z.literal("local"),
    /** Which behaviour of the local engine to use; the engine picks one from the endpoints when unset. */
    profile: z.string().trim().min(1).max(64).optional(),
  }),
  z.strictObject({
    engine: z.literal("openai-compatible"),
    /** The upstream's OpenAI-compatible API root, including its version, e.g. https://api.example.com/v1. */
    base_url: httpUrlSchema,
    /** Name of the environment variable holding the upstream's API key (omit for upstreams without one). */
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable, e.g. UPSTREAM_API_KEY")
      .optional(),
    /** The model's name at the upstream. */
    upstream_model: z.string().trim().min(1).max(256),
  }),
]);

const modelSchema = z
  .strictObject({
    id: modelIdSchema,
    display_name: z.string().trim().min(1).max(100),
    family: z.string().trim().min(1).max(60),
    description: z.string().trim().min(1).max(2000),
    /** Billions of parameters (total, for mixture-of-experts models); omit when unknown. */
    parameters_b: z.number().positive().max(100_000).optional(),
    context_window: z.int().min(1).max(100_000_000),
    /** Required for chat and completions models; embeddings-only models may omit it. */
    max_output_tokens: z.int().min(0).max(100_000_000).optional(),
    modalities: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a lowercase word such as text or image"))
      .min(1),
    endpoints: z.array(z.enum(MODEL_ENDPOINTS)).min(1),
    pricing: z.strictObject({ input_per_million: priceSchema, output_per_million: priceSchema }),
    status: z.enum(MODEL_STATUSES),
    embedding_dimensions: z.int().min(1).max(65_536).optional(),
    /** In failover order: the gateway tries the next one when a backend is unreachable. */
    backends: z.array(backendSchema).min(1),
  })
  .superRefine((model, ctx) => {
    const seen = new Set<string>();
    model.endpoints.forEach((endpoint, i) => {
      if (seen.has(endpoint)) ctx.addIssue({ code: "custom", path: ["endpoints", i], message: `lists "${endpoint}" twice` });
      seen.add(endpoint);
    });
    const embeds = model.endpoints.includes("embeddings");
    const generates = model.endpoints.includes("chat") || model.endpoints.includes("completions");
    if (embeds && model.embedding_dimensions === undefined) {
      ctx.addIssue({ code: "custom", path: ["embedding_dimensions"], message: "is required for a model with the embeddings endpoint" });
    }
    if (!embeds && model.embedding_dimensions !== undefined) {
      ctx.addIssue({ code: "custom", path: ["embedding_dimensions"], message: "only applies to models with the embeddings endpoint" });
    }
    if (generates && model.max_output_tokens === undefined) {
      ctx.addIssue({ code: "custom", path: ["max_output_tokens"], message: "is required for a model with the chat or completions endpoint" });
    } else if (generates && model.max_output_tokens === 0) {
      ctx.addIssue({ code: "custom", path: ["max_output_tokens"], message: "must be ≥ 1 for a model with the chat or completions endpoint" });
    }
    if (model.max_output_tokens !== undefined && model.max_output_tokens > model.context_window) {
      ctx.addIssue({
        code: "custom",
        path: ["max_output_tokens"],
        message: `must be ≤ context_window (${model.context_window})`,
      });
    }
  });

const catalogFileSchema = z
  .strictObject({
    /** The format's version; only 1 exists. */
    version: z.literal(1).optional(),
    models: z.array(modelSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const first = new Map<string, number>();
    file.models.forEach((model, i) => {
      const earlier = first.get(model.id);
      if (earlier === undefined) first.set(model.id, i);
      else ctx.addIssue({ code: "custom", path: ["models", i, "id"], message: `duplicates models[${earlier}].id "${model.id}"` });
    });
  });

type FileModel = z.output<typeof modelSchema>;

/** One model as the database stores it (without the seeding bookkeeping). */
export type CatalogEntry = Omit<typeof models.$inferSelect, "sortOrder" | "updatedAt">;

/** A validated catalog: models in the file's order. */
export interface Catalog {
  models: CatalogEntry[];
}

export interface CatalogIssue {
  /** Where in the file, e.g. `models[3].pricing.input_per_million`; "" for the file as a whole. */
  path: string;
  message: string;
}

function toEntry(model: FileModel): CatalogEntry {
  return {
    id: model.id,
    displayName: model.display_name,
    family: model.family,
    description: model.description,
    parametersB: model.parameters_b ?? null,
    contextWindow: model.context_window,
    maxOutputTokens: model.max_output_tokens ?? 0,
    modalities: model.modalities,
    endpoints: model.endpoints,
    inputNanoPerToken: model.pricing.input_per_million,
    outputNanoPerToken: model.pricing.output_per_million,
    status: model.status,
    embeddingDimensions: model.embedding_dimensions ?? null,
    backends: model.backends.map(
      (backend): ModelBackend =>
        backend.engine === "local"
          ? { engine: "local", ...(backend.profile ? { profile: backend.profile } : {}) }
          : {
              engine: "openai-compatible",
              baseUrl: backend.base_url,
              ...(backend.api_key_env ? { apiKeyEnv: backend.api_key_env } : {}),
              upstreamModel: backend.upstream_model,
            },
    ),
  };
}

/** Validates parsed file content; on failure returns every issue, each naming its field. */
export function validateCatalog(data: unknown): { ok: true; catalog: Catalog } | { ok: false; issues: CatalogIssue[] } {
  const result = validateCatalogData(catalogFileSchema, data);
  return result.ok ? { ok: true, catalog: { models: result.data.models.map(toEntry) } } : result;
}

/**
 * Validates the data of an operator's file against `schema`, with messages written for someone
 * editing that file, each with the path of its field. Shared by the model and compute catalogs.
 */
export function validateCatalogData<T>(schema: z.ZodType<T>, data: unknown): { ok: true; data: T } | { ok: false; issues: CatalogIssue[] } {
  const result = schema.safeParse(data, { error: issueMessage });
  if (result.success) return { ok: true, data: result.data };
  const issues: CatalogIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        issues.push({
          path: formatPath([...issue.path, key]),
          message: snake !== key ? `unknown field (did you mean "${snake}"?)` : "unknown field",
        });
      }
    } else {
      issues.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return { ok: false, issues };
}

/** ["models", 3, "pricing", "input_per_million"] → "models[3].pricing.input_per_million". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "text",
  array: "a list",
  object: "a mapping of fields",
  boolean: "true or false",
};

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/** Messages for the catalog's issues, written for someone editing the file. */
function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      if (issue.expected === "int" && typeof issue.input === "number") return "must be a whole number";
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected} (got ${describeValue(issue.input)})`;
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") return min <= 1 ? "must not be empty" : `must be at least ${min} characters`;
      if (issue.origin === "array") return min <= 1 ? "must list at least one item" : `must list at least ${min} items`;
      return issue.inclusive ? `must be ≥ ${min}` : `must be > ${min}`;
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return `must be at most ${max} characters`;
      if (issue.origin === "array") return `must list at most ${max} items`;
      return issue.inclusive ? `must be ≤ ${max}` : `must be < ${max}`;
    }
    case "invalid_value": {
      const list = issue.values.map((v) => JSON.stringify(v)).join(" or ");
      return issue.input === undefined ? `is required: ${list}` : `must be ${list} (got ${describeValue(issue.input)})`;
    }
    case "invalid_union": {
      // A discriminated union (a backend's `engine`) whose discriminator matched no option.
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: string };
      if (!options || !discriminator) return undefined;
      const input = issue.input;
      const value = input && typeof input === "object" ? (input as Record<string, unknown>)[discriminator] : undefined;
      const list = options.map((v) => JSON.stringify(v)).join(" or ");
      return value === undefined ? `is required: ${list}` : `must be ${list} (got ${describeValue(value)})`;
    }
    default:
      return undefined;
  }
}
