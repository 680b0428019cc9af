import type { ModelEndpoint } from "@/server/db/schema";
import { formatUsd } from "@/components/ui/format";
import { reserveKeySpend, settleKeySpend, type SpendReservation } from "../../metering/key-spend";
import { reserveTeamSpend, teamSpendOf } from "../../metering/team-spend";
import { monthKey, tokenCost } from "../../metering/cost";
import type { CatalogModel } from "../../catalog/models";
import { GatewayError, insufficientQuota, invalidRequest, modelNotFound, permissionDenied } from "./errors";
import { formatResetDuration, type RateLimitResult } from "./rate-limit";
import type { GatewayCaller, GatewayDeps } from "./types";

const ENDPOINT_NAMES: Record<ModelEndpoint, string> = {
  chat: "chat completions (/v1/chat/completions)",
  completions: "text completions (/v1/completions)",
  embeddings: "embeddings (/v1/embeddings)",
};

/** The model a caller asked for, if it exists, serves this endpoint, and the caller may use it. */
export async function resolveModel(
  deps: GatewayDeps,
  caller: GatewayCaller,
  modelId: string,
  endpoint: ModelEndpoint,
): Promise<CatalogModel> {
  const model = await deps.catalog.get(modelId);
  const allowlist = caller.apiKey?.modelAllowlist;
  if (!model) throw modelNotFound(modelId);
  if (allowlist && !allowlist.includes(model.id)) {
    throw permissionDenied(`This API key may not use the model '${modelId}'. Its allowed models: ${allowlist.join(", ")}.`, "model_not_allowed");
  }
  if (!model.endpoints.includes(endpoint)) {
    const supported = model.endpoints.map((e) => ENDPOINT_NAMES[e]).join(", ");
    throw invalidRequest(
      `The model '${modelId}' does not support ${ENDPOINT_NAMES[endpoint]}; it supports ${supported}.`,
      "model",
      "unsupported_endpoint",
    );
  }
  return model;
}

export interface Admission {
  rateHeaders: Record<string, string>;
  reservation: SpendReservation | null;
  /** Held against the team's budget cap; the request's usage event releases it. */
  teamReservedNano: bigint;
}

/**
 * Admits a request that will use `promptTokens` and at most `maxOutputTokens`: request and token
 * rate limits of the key and of the team, then the key's monthly spend limit (reserving the
 * request's maximum cost). Throws the OpenAI-shaped 429 that explains which limit was hit.
 */
export async function admit(
  deps: GatewayDeps,
  caller: GatewayCaller,
  model: CatalogModel,
  promptTokens: number,
  maxOutputTokens: number,
): Promise<Admission> {
  const nowMs = deps.now().getTime();
  const key = caller.apiKey;
  const requestLimits: Array<[string, number, string]> = [[`team:${caller.teamId}:rpm`, deps.limits.teamRequestsPerMinute, "your team"]];
  const tokenLimits: Array<[string, number, string]> = [[`team:${caller.teamId}:tpm`, deps.limits.teamTokensPerMinute, "your team"]];
  if (key?.requestsPerMinute) requestLimits.unshift([`key:${key.id}:rpm`, key.requestsPerMinute, "this API key"]);
  if (key?.tokensPerMinute) tokenLimits.unshift([`key:${key.id}:tpm`, key.tokensPerMinute, "this API key"]);

  let requestState: RateLimitResult | null = null;
  for (const [bucket, limit, owner] of requestLimits) {
    const state = await deps.rateLimiter.take(bucket, limit, 1, nowMs);
    requestState ??= state;
    if (!state.allowed) throw rateLimited("requests", owner, state);
  }
  let tokenState: RateLimitResult | null = null;
  for (const [bucket, limit, owner] of tokenLimits) {
    if (promptTokens > limit) {
      throw new GatewayError(
        429,
        "tokens",
        "rate_limit_exceeded",
        `This request has ${promptTokens} input tokens, more than the ${limit} tokens per minute allowed for ${owner}.`,
      );
    }
    const state = await deps.rateLimiter.take(bucket, limit, promptTokens, nowMs);
    tokenState ??= state;
    if (!state.allowed) throw rateLimited("tokens", owner, state);
  }

  let reservation: SpendReservation | null = null;
  if (key?.monthlySpendLimitNano != null) {
    const maxCost = tokenCost(promptTokens, maxOutputTokens, model);
    reservation = await reserveKeySpend(deps.db, {
      teamId: caller.teamId,
      apiKeyId: key.id,
      month: monthKey(deps.now()),
      limitNano: key.monthlySpendLimitNano,
      maxCostNano: maxCost,
    });
    if (!reservation) {
      throw insufficientQuota(
        "This API key has reached its monthly spend limit (requests reserve their maximum cost until they finish). " +
          "Raise the key's limit in the console, lower max_tokens, or wait for next month.",
      );
    }
  }
  const teamReservedNano = await reserveAgainstTeamCap(deps, caller, model, promptTokens, maxOutputTokens).catch(async (error: unknown) => {
    if (reservation) await settleKeySpend(deps.db, reservation, 0n);
    throw error;
  });
  return { rateHeaders: rateLimitHeaders(requestState, tokenState), reservation, teamReservedNano };
}

/** The team's hard cap, by the same reserve-then-settle as a key's spend limit. */
async function reserveAgainstTeamCap(
  deps: GatewayDeps,
  caller: GatewayCaller,
  model: CatalogModel,
  promptTokens: number,
  maxOutputTokens: number,
): Promise<bigint> {
  const capNano = await deps.budgets.capOf(caller.teamId);
  if (capNano === null) return 0n;
  const maxCost = tokenCost(promptTokens, maxOutputTokens, model);
  const month = monthKey(deps.now());
  if (await reserveTeamSpend(deps.db, { teamId: caller.teamId, month, capNano, amountNano: maxCost })) return maxCost;
  const spend = await teamSpendOf(deps.db, caller.teamId, month);
  const left = capNano - spend.spentNano - spend.reservedNano;
  throw insufficientQuota(
    left <= 0n
      ? `Your team has reached its monthly budget cap of ${formatUsd(capNano)}. Requests are refused until an owner, admin or billing member raises the budget on the Spend page, or the month ends.`
      : `This request could cost up to ${formatUsd(maxCost)}, more than the ${formatUsd(left)} left of your team's monthly budget cap of ${formatUsd(capNano)} ` +
          "(requests hold their maximum cost until they finish). Lower max_tokens, or ask an owner, admin or billing member to raise the budget on the Spend page.",
  );
}

function rateLimited(kind: "requests" | "tokens", owner: string, state: RateLimitResult): GatewayError {
  const seconds = Math.max(1, Math.ceil(state.retryAfterMs / 1000));
  return new GatewayError(
    429,
    kind,
    "rate_limit_exceeded",
    `Rate limit reached for ${owner}: ${state.limit} ${kind} per minute. Try again in ${seconds}s.`,
    null,
    {
      "retry-after": String(seconds),
      ...rateLimitHeaders(kind === "requests" ? state : null, kind === "tokens" ? state : null),
    },
  );
}

export function rateLimitHeaders(requests: RateLimitResult | null, tokens: RateLimitResult | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (requests) {
    headers["x-ratelimit-limit-requests"] = String(requests.limit);
    headers["x-ratelimit-remaining-requests"] = String(requests.remaining);
    headers["x-ratelimit-reset-requests"] = formatResetDuration(requests.resetMs);
  }
  if (tokens) {
    headers["x-ratelimit-limit-tokens"] = String(tokens.limit);
    headers["x-ratelimit-remaining-tokens"] = String(tokens.remaining);
    headers["x-ratelimit-reset-tokens"] = formatResetDuration(tokens.resetMs);
  }
  return headers;
}
