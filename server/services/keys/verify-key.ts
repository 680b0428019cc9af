import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { apiKeys, type ApiKeyScope } from "@/server/db/schema";
import { hashKey, KEY_PREFIX, parseKey } from "./format";

/**
 * API key verification for the public API's gateway. A malformed key is refused with no I/O at
 * all; every other outcome (good key or not) is cached in process for at most one second, so a
 * revoked key stops working within a second on every replica, and a flood of made-up keys costs at
 * most one indexed lookup per distinct key per second.
 */

export interface VerifiedKey {
  id: string;
  teamId: string;
  name: string;
  scopes: ApiKeyScope[];
  /** Model ids the key may call; null means every model. */
  modelAllowlist: string[] | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  monthlySpendLimitNano: bigint | null;
  /** The caller used the secret replaced by the last rotation, which is still in its grace period. */
  usingPreviousSecret: boolean;
}

export type KeyRejection = "malformed" | "unknown" | "revoked" | "expired";

export type VerifyResult =
  | { ok: true; key: VerifiedKey }
  | {
      ok: false;
      reason: KeyRejection;
      /** For the 401 `invalid_api_key` answer; never reveals which team a key belongs to. */
      message: string;
    };

export const REJECTION_MESSAGES: Record<KeyRejection, string> = {
  malformed: `Malformed API key. API keys start with "${KEY_PREFIX}" and are 52 characters long; check that you copied the whole key.`,
  unknown: "Incorrect API key provided. Check the key, or create a new one in the console under API keys.",
  revoked: "This API key has been revoked. Create a new key in the console under API keys.",
  expired: "This API key has expired. Create a new key in the console under API keys.",
};

const ROTATED_MESSAGE =
  "This API key was rotated and the old secret's grace period has ended. Use the new secret shown when the key was rotated.";

interface KeyRow {
  id: string;
  teamId: string;
  name: string;
  hash: string;
  previousHash: string | null;
  previousExpiresAt: Date | null;
  scopes: ApiKeyScope[];
  modelAllowlist: string[] | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  monthlySpendLimitNano: bigint | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

interface CacheEntry {
  /** Milliseconds (on the caller's clock) after which the entry must not be used. */
  expiresAtMs: number;
  /** The matching row, or null when no key has this hash. */
  row: KeyRow | null;
}

/**
 * A small in-process cache of lookups by hash: at most `maxEntries`, each for at most `ttlMs`.
 * Reads refresh an entry's place, and the least recently used entry goes first when full (a Map
 * keeps insertion order, so that is its first key). Lookups in flight are shared.
 */
export class KeyCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<KeyRow | null>>();

  constructor(
    readonly maxEntries = 10_000,
    readonly ttlMs = 1_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(hash: string, nowMs: number): CacheEntry | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    this.entries.delete(hash);
    if (entry.expiresAtMs <= nowMs) return undefined;
    this.entries.set(hash, entry);
    return entry;
  }

  set(hash: string, row: KeyRow | null, nowMs: number): void {
    this.entries.delete(hash);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(hash, { row, expiresAtMs: nowMs + this.ttlMs });
  }

  /** Runs `load` once for concurrent misses on the same hash and caches what it finds. */
  async load(hash: string, nowMs: number, load: () => Promise<KeyRow | null>): Promise<KeyRow | null> {
    const pending = this.inflight.get(hash);
    if (pending) return pending;
    const promise = load().then(
      (row) => {
        this.inflight.delete(hash);
        this.set(hash, row, nowMs);
        return row;
      },
      (error: unknown) => {
        this.inflight.delete(hash);
        throw error;
      },
    );
    this.inflight.set(hash, promise);
    return promise;
  }

  /** Drops every entry for one key (after it is revoked or rotated in this process). */
  forgetKey(keyId: string): void {
    for (const [hash, entry] of this.entries) if (entry.row?.id === keyId) this.entries.delete(hash);
  }

  clear(): void {
    this.entries.clear();
    this.inflight.clear();
  }
}

const globalCache = globalThis as unknown as { __apiKeyCache?: KeyCache; __apiKeyTouches?: Map<string, number> };
const defaultCache = (globalCache.__apiKeyCache ??= new KeyCache());
const lastTouched = (globalCache.__apiKeyTouches ??= new Map<string, number>());

export interface VerifyOptions {
  /** Defaults to the process-wide cache. */
  cache?: KeyCache;
}

/**
 * Checks a presented API key. `rawKey` is the bearer token as sent; `now` is the request's clock.
 * Looks the key up by `hash = $1 OR previous_hash = $1`; a previous secret counts only while
 * `previous_expires_at > now`.
 */
export async function verifyApiKey(db: Db, rawKey: string, now: Date, options: VerifyOptions = {}): Promise<VerifyResult> {
  const parsed = parseKey(rawKey);
  if (!parsed.valid) return reject("malformed");

  const cache = options.cache ?? defaultCache;
  const hash = hashKey(parsed.secret);
  const nowMs = now.getTime();
  const cached = cache.get(hash, nowMs);
  const row = cached ? cached.row : await cache.load(hash, nowMs, () => lookUp(db, hash));
  return judge(row, hash, now);
}

async function lookUp(db: Db, hash: string): Promise<KeyRow | null> {
  const rows = await db
    .select({
      id: apiKeys.id,
      teamId: apiKeys.teamId,
      name: apiKeys.name,
      hash: apiKeys.hash,
      previousHash: apiKeys.previousHash,
      previousExpiresAt: apiKeys.previousExpiresAt,
      scopes: apiKeys.scopes,
      modelAllowlist: apiKeys.modelAllowlist,
      requestsPerMinute: apiKeys.requestsPerMinute,
      tokensPerMinute: apiKeys.tokensPerMinute,
      monthlySpendLimitNano: apiKeys.monthlySpendLimitNano,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(or(eq(apiKeys.hash, hash), eq(apiKeys.previousHash, hash)))
    .limit(2);
  // Both columns are unique; should one hash ever sit in both, the current secret wins.
  return rows.find((r) => r.hash === hash) ?? rows[0] ?? null;
}

function judge(row: KeyRow | null, hash: string, now: Date): VerifyResult {
  if (!row) return reject("unknown");
  if (row.revokedAt) return reject("revoked");
  if (row.expiresAt && row.expiresAt <= now) return reject("expired");
  const usingPreviousSecret = row.hash !== hash;
  if (usingPreviousSecret && !(row.previousExpiresAt && row.previousExpiresAt > now)) {
    return { ok: false, reason: "expired", message: ROTATED_MESSAGE };
  }
  return {
    ok: true,
    key: {
      id: row.id,
      teamId: row.teamId,
      name: row.name,
      scopes: row.scopes,
      modelAllowlist: row.modelAllowlist,
      requestsPerMinute: row.requestsPerMinute,
      tokensPerMinute: row.tokensPerMinute,
      monthlySpendLimitNano: row.monthlySpendLimitNano,
      usingPreviousSecret,
    },
  };
}

function reject(reason: KeyRejection): VerifyResult {
  return { ok: false, reason, message: REJECTION_MESSAGES[reason] };
}

/** Makes this process forget a key at once (the service calls it after revoking or rotating). */
export function forgetCachedKey(keyId: string): void {
  defaultCache.forgetKey(keyId);
}

/** Empties the process-wide verification cache and the last-used throttle. For tests. */
export function clearKeyCache(): void {
  defaultCache.clear();
  lastTouched.clear();
}

const TOUCH_INTERVAL_MS = 60_000;
const MAX_TOUCH_ENTRIES = 10_000;

/**
 * Records that a key was used, at most once a minute per key: an in-process throttle first, then
 * a conditional update so that many replicas together still write about once a minute.
 * Returns whether this call wrote.
 */
export async function touchKeyLastUsed(db: Db, keyId: string, now: Date): Promise<boolean> {
  const nowMs = now.getTime();
  const last = lastTouched.get(keyId);
  if (last !== undefined && nowMs - last < TOUCH_INTERVAL_MS) return false;
  lastTouched.delete(keyId);
  if (lastTouched.size >= MAX_TOUCH_ENTRIES) {
    const oldest = lastTouched.keys().next();
    if (!oldest.done) lastTouched.delete(oldest.value);
  }
  lastTouched.set(keyId, nowMs);
  const at = now.toISOString();
  const updated = await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKeys.id, keyId),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`${at}::timestamptz - interval '1 minute'`)),
      ),
    )
    .returning({ id: apiKeys.id });
  return updated.length > 0;
}
