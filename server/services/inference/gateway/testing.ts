import type { Db } from "@/server/db";
import { serveGateway } from "@/server/http/node-server";
import { loadCatalog, seedCatalog, type Catalog } from "../../catalog";
import type { Logger } from "../../context";
import { createKey } from "../../keys/create-key";
import type { CreateKeyInput } from "../../keys/schemas";
import { clearKeyCache } from "../../keys/verify-key";
import { createTestUser } from "../../testing";
import { countChatTokens, countTokens, createLocalEngine } from "../local";
import { createGateway, createMemoryRateLimiter, type Gateway } from ".";
import type { ExtraRoutes } from "./handler";
import type { GatewayLimits } from "./types";
import type { UpstreamTimeouts } from "./upstream";

export const quietLog: Logger = { info() {}, warn() {}, error() {} };

/**
 * A real gateway over real HTTP on a random loopback port, backed by the test database, the
 * default catalog (or `catalog`) and the local engine at full speed.
 */
export async function startTestGateway(
  db: Db,
  options: {
    catalog?: Catalog;
    limits?: Partial<GatewayLimits>;
    tokensPerSecond?: number;
    extra?: ExtraRoutes;
    log?: Logger;
    timeouts?: Partial<UpstreamTimeouts>;
  } = {},
) {
  await seedCatalog(db, options.catalog ?? loadCatalog(), new Date());
  clearKeyCache();
  const engine = createLocalEngine({ tokensPerSecond: options.tokensPerSecond ?? 0 });
  const gateway: Gateway = createGateway({
    db,
    log: options.log ?? quietLog,
    basePaths: ["/v1", "/api/v1"],
    limits: { teamRequestsPerMinute: 10_000, teamTokensPerMinute: 100_000_000, maxBodyBytes: 64 * 1024, ...options.limits },
    rateLimiter: createMemoryRateLimiter(),
    localEngine: () => engine,
    tokenizer: { countTokens, countChatTokens },
    timeouts: { connectMs: 2_000, firstTokenMs: 5_000, totalMs: 20_000, ...options.timeouts },
    usageFlushIntervalMs: 20,
    extra: options.extra,
  });
  const server = await serveGateway(gateway.reply, { port: 0, host: "127.0.0.1" });
  return {
    url: server.url,
    gateway,
    async close() {
      await server.close();
      await gateway.close();
    },
  };
}

/** A team with a member and an API key; returns the secret for the `openai` client. */
export async function createTeamWithKey(db: Db, key: Partial<CreateKeyInput> = {}) {
  const user = await createTestUser(db);
  const teamCtx = await user.teamCtx();
  const created = await createKey(teamCtx, { name: "test key", scopes: ["inference", "usage:read"], ...key } as CreateKeyInput);
  return { ...user, teamCtx, keyId: created.key.id, secret: created.secret };
}
