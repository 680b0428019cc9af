import type { Db } from "@/server/db";
import type { Logger } from "../../context";
import type { UsageWriter } from "../../metering/usage-writer";
import type { BudgetCapCache } from "../../budgets/cap";
import type { CatalogCache } from "./catalog-cache";
import type { EngineRouter } from "./engine-router";
import type { RateLimiter } from "./rate-limit";

/** What the gateway needs to know about an API key, as verified for this request. */
export interface GatewayKey {
  id: string;
  teamId: string;
  scopes: readonly string[];
  modelAllowlist: readonly string[] | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  monthlySpendLimitNano: bigint | null;
}

/** Who a request is billed to: an API key, or a signed-in member using the playground. */
export interface GatewayCaller {
  teamId: string;
  source: "api" | "playground";
  apiKey: GatewayKey | null;
  userId: string | null;
}

export interface GatewayLimits {
  teamRequestsPerMinute: number;
  teamTokensPerMinute: number;
  maxBodyBytes: number;
}

export interface GatewayDeps {
  db: Db;
  now: () => Date;
  log: Logger;
  catalog: CatalogCache;
  engines: EngineRouter;
  rateLimiter: RateLimiter;
  usage: UsageWriter;
  budgets: BudgetCapCache;
  limits: GatewayLimits;
}
