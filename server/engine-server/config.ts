/** The engine server's environment, validated up front: a bad value names the variable and stops. */
import { DEFAULT_MODELS, type EngineServerOptions } from "./server";

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`${variable}=${JSON.stringify(value)} is invalid: expected ${expected}.`);
    this.name = "ConfigError";
  }
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, raw, `an integer from ${min} to ${max}`);
  return value;
}

export function engineConfigFromEnv(env: Env = process.env): EngineServerOptions {
  const rate = env.ENGINE_TOKENS_PER_SECOND?.trim();
  const tokensPerSecond = rate ? Number(rate) : 0;
  if (!Number.isFinite(tokensPerSecond) || tokensPerSecond < 0) {
    throw new ConfigError("ENGINE_TOKENS_PER_SECOND", rate ?? "", "a number >= 0 (0 = unpaced)");
  }
  const models = (env.ENGINE_MODELS ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    port: integer(env, "ENGINE_PORT", 8088, 0, 65535),
    host: env.ENGINE_HOST?.trim() || "127.0.0.1",
    tokensPerSecond,
    embeddingDimensions: integer(env, "ENGINE_EMBEDDING_DIMENSIONS", 768, 1, 16384),
    apiKey: env.ENGINE_API_KEY || undefined,
    models: models.length > 0 ? models : DEFAULT_MODELS,
  };
}
