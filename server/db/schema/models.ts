import { bigint, integer, jsonb, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";

export type ModelEndpoint = "chat" | "completions" | "embeddings";
export type ModelStatus = "available" | "preview" | "deprecated";

export type ModelBackend =
  | { engine: "local"; profile?: string }
  | {
      engine: "openai-compatible";
      baseUrl: string;
      /** Name of the environment variable that holds the upstream's API key, if it needs one. */
      apiKeyEnv?: string;
      upstreamModel: string;
    };

/**
 * The model catalog, seeded on start from the catalog file (server/services/catalog). Prices are
 * integer nano-USD per token: $0.10 per 1M tokens is exactly 100.
 */
export const models = pgTable("models", {
  id: text("id").primaryKey(),
  displayName: text("display_name").notNull(),
  family: text("family").notNull(),
  description: text("description").notNull(),
  /** Billions of parameters, for filtering by size; null for models that do not say. */
  parametersB: real("parameters_b"),
  contextWindow: integer("context_window").notNull(),
  maxOutputTokens: integer("max_output_tokens").notNull(),
  modalities: jsonb("modalities").$type<string[]>().notNull(),
  endpoints: jsonb("endpoints").$type<ModelEndpoint[]>().notNull(),
  inputNanoPerToken: bigint("input_nano_per_token", { mode: "bigint" }).notNull(),
  outputNanoPerToken: bigint("output_nano_per_token", { mode: "bigint" }).notNull(),
  status: text("status").$type<ModelStatus>().notNull(),
  backends: jsonb("backends").$type<ModelBackend[]>().notNull(),
  /** Embedding models: length of the vectors they return. */
  embeddingDimensions: integer("embedding_dimensions"),
  sortOrder: integer("sort_order").notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
