import type { Db } from "@/server/db";
import type { Logger } from "../../context";
import { createUsageWriter } from "../../metering/usage-writer";
import type { Engine } from "../types";
import { createBudgetCapCache } from "../../budgets/cap";
import { checkBudgetAlerts } from "../../budgets/alerts";
import { createCatalogCache } from "./catalog-cache";
import { createEngineRouter } from "./engine-router";
import type { Tokenizer } from "./generate";
import { createGatewayHandler, type ExtraRoutes } from "./handler";
import type { GatewayReply, GatewayRequest } from "./http";
import type { RateLimiter } from "./rate-limit";
import type { GatewayCaller, GatewayDeps, GatewayLimits } from "./types";
import type { UpstreamTimeouts } from "./upstream";

export type { GatewayCaller, GatewayDeps, GatewayKey } from "./types";
export { createChatCompletion, createCompletion } from "./generate";
export { createMemoryRateLimiter, createRedisRateLimiter } from "./rate-limit";

export interface GatewayOptions {
  db: Db;
  log: Logger;
  now?: () => Date;
  basePaths: string[];
  limits: GatewayLimits;
  rateLimiter: RateLimiter;
  localEngine: () => Engine;
  tokenizer: Tokenizer;
  timeouts: UpstreamTimeouts;
  env?: Record<string, string | undefined>;
  usageFlushIntervalMs?: number;
  extra?: ExtraRoutes;
}

export interface Gateway {
  handle(request: Request): Promise<Response>;
  /** `handle` for servers that write JSON answers themselves (the standalone gateway). */
  reply(request: GatewayRequest): Promise<GatewayReply>;
  /** The playground's door: a chat completion billed to a caller the console has authorised. */
  chatAs(caller: GatewayCaller, request: Request): Promise<Response>;
  deps: GatewayDeps;
  tokenizer: Tokenizer;
  /** Writes buffered usage events and releases the rate limiter; for graceful shutdown. */
  close(): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const deps: GatewayDeps = {
    db: options.db,
    log: options.log,
    now: options.now ?? (() => new Date()),
    catalog: createCatalogCache(options.db),
    engines: createEngineRouter({ localEngine: options.localEngine, timeouts: options.timeouts, env: options.env }),
    rateLimiter: options.rateLimiter,
    usage: createUsageWriter(options.db, options.log, {
      flushIntervalMs: options.usageFlushIntervalMs,
      // Budget alerts go out as soon as the spend that crosses a threshold is recorded.
      onWritten: (teamIds) => checkBudgetAlerts(options.db, options.now?.() ?? new Date(), { teamIds, log: options.log }),
    }),
    budgets: createBudgetCapCache(options.db),
    limits: options.limits,
  };
  const { handle, reply, chatAs } = createGatewayHandler(deps, { basePaths: options.basePaths, tokenizer: options.tokenizer, extra: options.extra });
  return {
    handle,
    reply,
    chatAs,
    deps,
    tokenizer: options.tokenizer,
    async close() {
      await deps.usage.close();
      await deps.rateLimiter.close();
    },
  };
}
