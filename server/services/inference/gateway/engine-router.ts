import type { ModelBackend } from "@/server/db/schema";
import { EngineError, type Engine } from "../types";
import { createOpenAICompatibleEngine, type UpstreamTimeouts } from "./upstream";

interface BreakerState {
  consecutiveFailures: number;
  openUntilMs: number;
}

export interface EngineRouterOptions {
  localEngine: () => Engine;
  timeouts: UpstreamTimeouts;
  /** Consecutive failures that open a backend's circuit. */
  failureThreshold?: number;
  /** How long an open circuit skips the backend. */
  cooldownMs?: number;
  env?: Record<string, string | undefined>;
  nowMs?: () => number;
}

export interface BackendTarget {
  id: string;
  engine: Engine;
}

/**
 * Picks the engines that serve a model, in the catalog's failover order, skipping backends whose
 * circuit is open, and runs a call with failover: a backend that refuses the connection or
 * answers 5xx before streaming starts is recorded as failing and the next one is tried.
 */
export function createEngineRouter(options: EngineRouterOptions) {
  const threshold = options.failureThreshold ?? 3;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const nowMs = options.nowMs ?? Date.now;
  const env = options.env ?? process.env;
  const upstreams = new Map<string, Engine>();
  const breakers = new Map<string, BreakerState>();

  const targetFor = (backend: ModelBackend): BackendTarget => {
    if (backend.engine === "local") return { id: "local", engine: options.localEngine() };
    const id = `${backend.baseUrl}#${backend.upstreamModel}`;
    let engine = upstreams.get(id);
    if (!engine) {
      engine = createOpenAICompatibleEngine({
        baseUrl: backend.baseUrl,
        apiKey: backend.apiKeyEnv ? env[backend.apiKeyEnv] : undefined,
        upstreamModel: backend.upstreamModel,
        timeouts: options.timeouts,
      });
      upstreams.set(id, engine);
    }
    return { id, engine };
  };

  const healthy = (id: string) => (breakers.get(id)?.openUntilMs ?? 0) <= nowMs();

  const recordFailure = (id: string) => {
    const state = breakers.get(id) ?? { consecutiveFailures: 0, openUntilMs: 0 };
    state.consecutiveFailures += 1;
    if (state.consecutiveFailures >= threshold) state.openUntilMs = nowMs() + cooldownMs;
    breakers.set(id, state);
  };

  const recordSuccess = (id: string) => breakers.delete(id);

  /** Runs a streaming call with failover; the stream is committed to a backend once it yields. */
  async function* stream<T>(backends: ModelBackend[], call: (engine: Engine) => AsyncIterable<T>): AsyncGenerator<T> {
    const targets = backends.map(targetFor);
    const candidates = targets.filter((t) => healthy(t.id));
    if (candidates.length === 0) {
      throw new EngineError("Every backend of this model is unhealthy; try again shortly.", 503, false);
    }
    let lastError: unknown;
    for (const target of candidates) {
      const iterator = call(target.engine)[Symbol.asyncIterator]();
      let first: IteratorResult<T>;
      try {
        first = await iterator.next();
      } catch (error) {
        if (error instanceof EngineError && error.retryable) {
          recordFailure(target.id);
          lastError = error;
          continue;
        }
        throw error;
      }
      recordSuccess(target.id);
      try {
        if (first.done) return;
        yield first.value;
        while (true) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        // Stops the upstream when the consumer goes away early (a client that disconnected).
        await iterator.return?.();
      }
    }
    throw lastError;
  }

  /** Runs a single-shot call (embeddings) with the same failover. */
  async function once<T>(backends: ModelBackend[], call: (engine: Engine) => Promise<T>): Promise<T> {
    for await (const value of stream(backends, (engine) => (async function* () { yield await call(engine); })())) {
      return value;
    }
    throw new EngineError("The model backend returned nothing.", 502, false);
  }

  return { stream, once, isHealthy: healthy };
}

export type EngineRouter = ReturnType<typeof createEngineRouter>;
