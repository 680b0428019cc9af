import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { createGateway, createMemoryRateLimiter, createRedisRateLimiter, type Gateway } from "@/server/services/inference/gateway";
import type { RateLimiter } from "@/server/services/inference/gateway/rate-limit";
import { consoleLogger } from "@/server/services/context";
import { countChatTokens, countTokens, createLocalEngine } from "@/server/services/inference/local";
import type { Engine } from "@/server/services/inference/types";
import { onShutdown } from "@/server/shutdown";
import { createComputeApi } from "./compute-api";
import { COMPUTE_ROUTES } from "./compute-routes";
import { combineRoutes } from "./extra-routes";
import { createUsageApi } from "./usage-routes";

async function rateLimiterFromEnv(): Promise<RateLimiter> {
  const url = env().REDIS_URL;
  if (!url) return createMemoryRateLimiter();
  const { Redis } = await import("ioredis");
  return createRedisRateLimiter(new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true }));
}

let localEngine: Engine | undefined;

/** The process-wide local engine, trained once on first use. */
export function getLocalEngine(): Engine {
  localEngine ??= createLocalEngine({ tokensPerSecond: env().LOCAL_ENGINE_TOKENS_PER_SECOND });
  return localEngine as Engine;
}

/** Builds a gateway from the environment, for the console's mount or the standalone server. */
export async function gatewayFromEnv(basePaths: string[]): Promise<Gateway> {
  const e = env();
  const gateway = createGateway({
    db: await getDb(),
    log: consoleLogger,
    basePaths,
    limits: {
      teamRequestsPerMinute: e.TEAM_REQUESTS_PER_MINUTE,
      teamTokensPerMinute: e.TEAM_TOKENS_PER_MINUTE,
      maxBodyBytes: e.GATEWAY_MAX_BODY_BYTES,
    },
    rateLimiter: await rateLimiterFromEnv(),
    localEngine: getLocalEngine,
    tokenizer: { countTokens, countChatTokens },
    extra: combineRoutes(
      createComputeApi({ db: await getDb(), now: () => new Date(), log: consoleLogger }, COMPUTE_ROUTES),
      createUsageApi({ db: await getDb(), now: () => new Date(), log: consoleLogger }),
    ),
    timeouts: {
      connectMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      firstTokenMs: e.UPSTREAM_FIRST_TOKEN_TIMEOUT_MS,
      totalMs: e.UPSTREAM_TOTAL_TIMEOUT_MS,
    },
  });
  // Usage events are flushed before the database closes.
  onShutdown(() => gateway.close(), 10);
  return gateway;
}

const globalGateway = globalThis as unknown as { __consoleGateway?: Promise<Gateway> };

/** The gateway mounted in the console at /api/v1, created on first use. */
export function getConsoleGateway(): Promise<Gateway> {
  globalGateway.__consoleGateway ??= gatewayFromEnv(["/api/v1"]);
  return globalGateway.__consoleGateway;
}
