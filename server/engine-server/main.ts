/**
 * `npm run engine`: the local engine as a standalone OpenAI-compatible server.
 * Environment: ENGINE_PORT (8088), ENGINE_HOST (127.0.0.1), ENGINE_TOKENS_PER_SECOND (0),
 * ENGINE_API_KEY (none), ENGINE_MODELS (local-chat,local-embed), ENGINE_EMBEDDING_DIMENSIONS (768).
 */
import { ConfigError, engineConfigFromEnv } from "./config";
import { startEngineServer } from "./server";

/** Time given to in-flight answers on SIGTERM before they are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  let config;
  try {
    config = engineConfigFromEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const server = await startEngineServer(config);
  const pace = config.tokensPerSecond ? `${config.tokensPerSecond} tokens/s` : "unpaced";
  console.log(`engine listening on ${server.url} (models: ${config.models?.join(", ")}; ${pace}${config.apiKey ? "; API key required" : ""})`);

  const shutdown = (signal: string) => {
    console.log(`engine: ${signal}, shutting down`);
    // A second signal means "now".
    process.once(signal, () => process.exit(1));
    server.close({ graceMs: SHUTDOWN_GRACE_MS }).then(() => process.exit(0));
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("engine failed to start:", error);
  process.exit(1);
});
