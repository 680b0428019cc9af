import { settleKeySpend } from "../../metering/key-spend";
import { tokenCost } from "../../metering/cost";
import type { UsageStatus } from "@/server/db/schema";
import type { TokenUsage } from "../types";
import type { Admission } from "./admission";
import type { CatalogModel } from "../../catalog/models";
import type { GatewayCaller, GatewayDeps } from "./types";

export interface TrackerInit {
  deps: GatewayDeps;
  caller: GatewayCaller;
  model: CatalogModel;
  endpoint: "chat" | "completions" | "embeddings";
  requestId: string;
  promptTokens: number;
  admission: Admission;
  startedMs: number;
  /** Counts tokens of produced text when the engine does not report usage. */
  countTokens: (text: string) => number;
}

/**
 * Follows one metered request from admission to its end and bills it exactly once: the usage
 * event, the settlement of the spend reservation, and the token rate-limit charge. Whatever ends
 * the request — completion, an upstream failure, a client that went away — calls `finish`.
 */
export class UsageTracker {
  private text = "";
  private reported: TokenUsage | null = null;
  private firstTokenMs: number | null = null;
  private finished = false;
  outputTokensOverride: number | null = null;

  constructor(private readonly init: TrackerInit) {}

  onText(text: string) {
    if (text && this.firstTokenMs === null) this.firstTokenMs = this.init.deps.now().getTime();
    this.text += text;
  }

  onUsage(usage: TokenUsage | null | undefined) {
    if (usage) this.reported = usage;
  }

  /** Tokens as billed: the engine's own counts when it reported them, else our tokenizer's. */
  usage(): TokenUsage {
    const prompt = this.reported?.prompt_tokens ?? this.init.promptTokens;
    const completion =
      this.outputTokensOverride ?? this.reported?.completion_tokens ?? (this.text ? this.init.countTokens(this.text) : 0);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  get ttftMs(): number | null {
    return this.firstTokenMs === null ? null : this.firstTokenMs - this.init.startedMs;
  }

  async finish(status: UsageStatus, httpStatus: number): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const { deps, caller, model, admission } = this.init;
    const usage = this.usage();
    const cost = tokenCost(usage.prompt_tokens, usage.completion_tokens, model);
    const nowMs = deps.now().getTime();
    deps.usage.record({
      id: this.init.requestId,
      teamId: caller.teamId,
      product: "model_tokens",
      apiKeyId: caller.apiKey?.id ?? null,
      userId: caller.userId,
      model: model.id,
      endpoint: this.init.endpoint,
      source: caller.source,
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
      costNano: cost,
      reservedNano: admission.teamReservedNano,
      latencyMs: nowMs - this.init.startedMs,
      ttftMs: this.ttftMs,
      status,
      httpStatus,
      requestId: this.init.requestId,
      createdAt: new Date(this.init.startedMs),
    });
    try {
      if (admission.reservation) await settleKeySpend(deps.db, admission.reservation, cost);
      // Input tokens were taken at admission; output tokens are charged now that they are known.
      const key = caller.apiKey;
      if (key?.tokensPerMinute) await deps.rateLimiter.charge(`key:${key.id}:tpm`, key.tokensPerMinute, usage.completion_tokens, nowMs);
      await deps.rateLimiter.charge(`team:${caller.teamId}:tpm`, deps.limits.teamTokensPerMinute, usage.completion_tokens, nowMs);
    } catch (error) {
      deps.log.error("settling a request failed", { requestId: this.init.requestId, error: String(error) });
    }
  }
}

/** A usage event for a request refused before it reached a model (rate limit, spend limit). */
export function recordRefusal(
  deps: GatewayDeps,
  caller: GatewayCaller,
  requestId: string,
  modelId: string | null,
  endpoint: string,
  httpStatus: number,
  startedMs: number,
) {
  deps.usage.record({
    id: requestId,
    teamId: caller.teamId,
    product: "model_tokens",
    apiKeyId: caller.apiKey?.id ?? null,
    userId: caller.userId,
    model: modelId,
    endpoint,
    source: caller.source,
    inputTokens: 0,
    outputTokens: 0,
    costNano: 0n,
    latencyMs: deps.now().getTime() - startedMs,
    ttftMs: null,
    status: "error",
    httpStatus,
    requestId,
    createdAt: new Date(startedMs),
  });
}
