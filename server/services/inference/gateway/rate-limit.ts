import type { Redis } from "ioredis";

/**
 * Token buckets per key: `limit` per minute, refilled continuously. Requests are admitted with
 * `take` (all or nothing); tokens that are only known after a response are `charge`d and may drive
 * the bucket negative, which delays the next requests rather than failing the finished one.
 */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
  /** Milliseconds until `cost` could be taken; 0 when allowed. */
  retryAfterMs: number;
}

export interface RateLimiter {
  take(key: string, limit: number, cost: number, nowMs: number): Promise<RateLimitResult>;
  charge(key: string, limit: number, cost: number, nowMs: number): Promise<void>;
  close(): Promise<void>;
}

const WINDOW_MS = 60_000;

function result(allowed: boolean, limit: number, tokens: number, cost: number): RateLimitResult {
  const rate = limit / WINDOW_MS;
  return {
    allowed,
    limit,
    remaining: Math.max(0, Math.floor(tokens)),
    resetMs: Math.ceil(Math.max(0, limit - tokens) / rate),
    retryAfterMs: allowed ? 0 : Math.ceil((Math.min(cost, limit) - tokens) / rate),
  };
}

/** For a single process: buckets live in memory. */
export function createMemoryRateLimiter(maxKeys = 100_000): RateLimiter {
  const buckets = new Map<string, { tokens: number; updatedMs: number }>();
  const refill = (key: string, limit: number, nowMs: number) => {
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size >= maxKeys) {
        // Dropping the oldest bucket forgets at most a minute of history for a quiet key.
        buckets.delete(buckets.keys().next().value!);
      }
      bucket = { tokens: limit, updatedMs: nowMs };
      buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(limit, bucket.tokens + (Math.max(0, nowMs - bucket.updatedMs) * limit) / WINDOW_MS);
    bucket.updatedMs = nowMs;
    return bucket;
  };
  return {
    async take(key, limit, cost, nowMs) {
      const bucket = refill(key, limit, nowMs);
      const allowed = bucket.tokens >= cost;
      if (allowed) bucket.tokens -= cost;
      return result(allowed, limit, bucket.tokens, cost);
    },
    async charge(key, limit, cost, nowMs) {
      refill(key, limit, nowMs).tokens -= cost;
    },
    async close() {
      buckets.clear();
    },
  };
}

const BUCKET_SCRIPT = `
local limit = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local force = ARGV[4] == '1'
local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil then tokens = limit; updated = now end
if now > updated then tokens = math.min(limit, tokens + (now - updated) * limit / ${WINDOW_MS}) end
local allowed = 0
if force or tokens >= cost then tokens = tokens - cost; allowed = 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(math.max(now, updated)))
redis.call('PEXPIRE', KEYS[1], ${WINDOW_MS * 2})
return {allowed, tostring(tokens)}
`;

/** For several replicas: buckets live in Redis, updated atomically by one Lua script. */
export function createRedisRateLimiter(redis: Redis, prefix = "cc:rl:"): RateLimiter {
  redis.defineCommand("ccBucket", { numberOfKeys: 1, lua: BUCKET_SCRIPT });
  const run = (key: string, limit: number, cost: number, nowMs: number, force: boolean) =>
    (redis as Redis & { ccBucket(...args: unknown[]): Promise<[number, string]> }).ccBucket(
      prefix + key,
      limit,
      cost,
      nowMs,
      force ? "1" : "0",
    );
  return {
    async take(key, limit, cost, nowMs) {
      const [allowed, tokens] = await run(key, limit, cost, nowMs, false);
      return result(allowed === 1, limit, Number(tokens), cost);
    },
    async charge(key, limit, cost, nowMs) {
      await run(key, limit, cost, nowMs, true);
    },
    async close() {
      await redis.quit();
    },
  };
}

/** `6m0s`-style durations, as OpenAI's x-ratelimit-reset-* headers use. */
export function formatResetDuration(ms: number): string {
  // Whole milliseconds, without toFixed: this runs twice for every request.
  if (ms < 60_000) return `${Math.round(Math.max(0, ms)) / 1000}s`;
  const totalSeconds = ms / 1000;
  const minutes = Math.floor(totalSeconds / 60);
  return `${minutes}m${Math.round(totalSeconds - minutes * 60)}s`;
}
