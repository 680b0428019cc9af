import { describe, expect, it } from "vitest";
import { ConfigError, engineConfigFromEnv } from "./config";

describe("engine server configuration", () => {
  it("has defaults for everything", () => {
    expect(engineConfigFromEnv({})).toEqual({
      port: 8088,
      host: "127.0.0.1",
      tokensPerSecond: 0,
      embeddingDimensions: 768,
      apiKey: undefined,
      models: ["local-chat", "local-embed"],
    });
  });

  it("reads the ENGINE_* variables", () => {
    const config = engineConfigFromEnv({
      ENGINE_PORT: "9000",
      ENGINE_HOST: "0.0.0.0",
      ENGINE_TOKENS_PER_SECOND: "42.5",
      ENGINE_API_KEY: "secret",
      ENGINE_MODELS: " a, b ,,c ",
      ENGINE_EMBEDDING_DIMENSIONS: "256",
    });
    expect(config).toEqual({ port: 9000, host: "0.0.0.0", tokensPerSecond: 42.5, embeddingDimensions: 256, apiKey: "secret", models: ["a", "b", "c"] });
  });

  it("names the variable that has a bad value", () => {
    expect(() => engineConfigFromEnv({ ENGINE_PORT: "http" })).toThrow(ConfigError);
    expect(() => engineConfigFromEnv({ ENGINE_PORT: "70000" })).toThrow(/ENGINE_PORT/);
    expect(() => engineConfigFromEnv({ ENGINE_TOKENS_PER_SECOND: "-1" })).toThrow(/ENGINE_TOKENS_PER_SECOND/);
  });
});
