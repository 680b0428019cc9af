import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/server/db";
import { openTestDatabase } from "@/server/db/testing";
import { apiKeys } from "@/server/db/schema";
import { createTestUser } from "../testing";
import { generateKey } from "./format";
import { insertTestKey } from "./testing";
import { clearKeyCache, KeyCache, touchKeyLastUsed, verifyApiKey } from "./verify-key";

const { db } = await openTestDatabase();
const { team } = await createTestUser(db, "Vera Verifier");

beforeEach(() => clearKeyCache());

const T0 = new Date("2030-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

/** The real database, counting the queries made through it. */
function counted(real: Db) {
  const counter = { queries: 0 };
  const proxy = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "select" || prop === "update" || prop === "execute" || prop === "transaction") counter.queries += 1;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { db: proxy, counter };
}

/** A database that must not be touched. */
const noDatabase = new Proxy({} as Db, {
  get(_target, prop) {
    throw new Error(`the database was used (${String(prop)})`);
  },
});

describe("verifyApiKey", () => {
  it("accepts a good key and returns what the gateway needs", async () => {
    const { id, secret } = await insertTestKey(db, team.id, {
      name: "Gateway",
      scopes: ["inference", "usage:read"],
      modelAllowlist: ["m-1"],
      requestsPerMinute: 60,
      tokensPerMinute: 1000,
      monthlySpendLimitNano: 5_000_000_000n,
    });
    expect(await verifyApiKey(db, secret, T0)).toEqual({
      ok: true,
      key: {
        id,
        teamId: team.id,
        name: "Gateway",
        scopes: ["inference", "usage:read"],
        modelAllowlist: ["m-1"],
        requestsPerMinute: 60,
        tokensPerMinute: 1000,
        monthlySpendLimitNano: 5_000_000_000n,
        usingPreviousSecret: false,
      },
    });
  });

  it.each([
    ["empty", ""],
    ["another vendor's key", "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"],
    ["a truncated key", generateKey().secret.slice(0, 30)],
    ["a mistyped key", (() => {
      const s = generateKey().secret;
      return `${s.slice(0, 20)}${s[20] === "a" ? "b" : "a"}${s.slice(21)}`;
    })()],
    ["a huge string", `cc_sk_${"a".repeat(1_000_000)}`],
  ])("refuses %s as malformed without touching the database", async (_label, raw) => {
    expect(await verifyApiKey(noDatabase, raw, T0)).toEqual({
      ok: false,
      reason: "malformed",
      message: expect.stringContaining("Malformed API key"),
    });
  });

  it("refuses unknown keys, and looks each one up at most once a second however many arrive", async () => {
    const { db: countingDb, counter } = counted(db);
    const unknown = generateKey().secret;
    const results = await Promise.all(Array.from({ length: 50 }, () => verifyApiKey(countingDb, unknown, T0)));
    expect(new Set(results.map((r) => (r.ok ? "ok" : r.reason)))).toEqual(new Set(["unknown"]));
    expect(counter.queries).toBe(1);
    for (const ms of [1, 500, 999]) await verifyApiKey(countingDb, unknown, at(ms));
    expect(counter.queries).toBe(1);
    expect(await verifyApiKey(countingDb, unknown, at(1000))).toMatchObject({ ok: false, reason: "unknown" });
    expect(counter.queries).toBe(2);

    const others = Array.from({ length: 5 }, () => generateKey().secret);
    for (const secret of others) await verifyApiKey(countingDb, secret, at(1000));
    expect(counter.queries).toBe(7);
  });

  it("stops accepting a key revoked elsewhere within one second", async () => {
    const { id, secret } = await insertTestKey(db, team.id);
    expect((await verifyApiKey(db, secret, T0)).ok).toBe(true);
    // Revoked by another replica: this process's cache does not hear about it.
    await db.update(apiKeys).set({ revokedAt: at(100) }).where(eq(apiKeys.id, id));
    expect((await verifyApiKey(db, secret, at(999))).ok).toBe(true);
    expect(await verifyApiKey(db, secret, at(1000))).toEqual({
      ok: false,
      reason: "revoked",
      message: expect.stringContaining("revoked"),
    });
  });

  it("refuses an expired key, including one that expires while cached", async () => {
    const expired = await insertTestKey(db, team.id, { expiresAt: at(-1) });
    expect(await verifyApiKey(db, expired.secret, T0)).toMatchObject({ ok: false, reason: "expired" });
    const soon = await insertTestKey(db, team.id, { expiresAt: at(300) });
    expect((await verifyApiKey(db, soon.secret, T0)).ok).toBe(true);
    expect(await verifyApiKey(db, soon.secret, at(300))).toMatchObject({ ok: false, reason: "expired" });
  });

  it("accepts a previous secret only while previous_expires_at is in the future", async () => {
    const old = generateKey();
    const current = await insertTestKey(db, team.id);
    await db
      .update(apiKeys)
      .set({ previousHash: old.hash, previousExpiresAt: at(5_000) })
      .where(eq(apiKeys.id, current.id));
    expect(await verifyApiKey(db, old.secret, at(4_999), { cache: new KeyCache() })).toMatchObject({
      ok: true,
      key: { id: current.id, usingPreviousSecret: true },
    });
    expect(await verifyApiKey(db, old.secret, at(5_000), { cache: new KeyCache() })).toMatchObject({
      ok: false,
      reason: "expired",
    });
  });

  it("keeps the cache within its bounds, dropping the least recently used entry", async () => {
    const cache = new KeyCache(3, 1_000);
    const { db: countingDb, counter } = counted(db);
    const [a, b, c, d] = Array.from({ length: 4 }, () => generateKey().secret) as [string, string, string, string];
    for (const secret of [a, b, c]) await verifyApiKey(countingDb, secret, T0, { cache });
    expect(cache.size).toBe(3);
    await verifyApiKey(countingDb, a, T0, { cache }); // a is now the most recently used
    expect(counter.queries).toBe(3);
    await verifyApiKey(countingDb, d, T0, { cache }); // evicts b
    expect(cache.size).toBe(3);
    expect(counter.queries).toBe(4);
    await verifyApiKey(countingDb, a, T0, { cache });
    await verifyApiKey(countingDb, c, T0, { cache });
    expect(counter.queries).toBe(4);
    await verifyApiKey(countingDb, b, T0, { cache });
    expect(counter.queries).toBe(5);

    const big = new KeyCache(100, 1_000);
    for (let i = 0; i < 250; i++) await verifyApiKey(db, generateKey().secret, T0, { cache: big });
    expect(big.size).toBe(100);
  });

  it("does not cache a failed lookup", async () => {
    const cache = new KeyCache();
    const secret = generateKey().secret;
    const failing = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop === "select") throw new Error("connection lost");
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    await expect(verifyApiKey(failing, secret, T0, { cache })).rejects.toThrow("connection lost");
    expect(cache.size).toBe(0);
    expect(await verifyApiKey(db, secret, T0, { cache })).toMatchObject({ ok: false, reason: "unknown" });
  });
});

describe("touchKeyLastUsed", () => {
  it("writes last_used_at at most once a minute per key", async () => {
    const { id } = await insertTestKey(db, team.id);
    const { db: countingDb, counter } = counted(db);
    const lastUsed = async () => (await db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0]?.lastUsedAt;

    expect(await touchKeyLastUsed(countingDb, id, T0)).toBe(true);
    expect(await lastUsed()).toEqual(T0);
    // Within the minute this process does not even ask the database.
    expect(await touchKeyLastUsed(countingDb, id, at(59_999))).toBe(false);
    expect(counter.queries).toBe(1);
    // Another replica (no in-process memory) is held back by the WHERE clause.
    clearKeyCache();
    expect(await touchKeyLastUsed(countingDb, id, at(30_000))).toBe(false);
    expect(await lastUsed()).toEqual(T0);
    clearKeyCache();
    expect(await touchKeyLastUsed(countingDb, id, at(60_001))).toBe(true);
    expect(await lastUsed()).toEqual(at(60_001));
    expect(await touchKeyLastUsed(countingDb, id, at(120_002))).toBe(true);
    expect(await lastUsed()).toEqual(at(120_002));
  });
});
