import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { apiKeys, auditEvents, memberships, models, usageEvents } from "@/server/db/schema";
import { newId } from "@/server/db/ids";
import { callerFor, clientError, clientFor, trpcError } from "@/server/trpc/testing";
import { appErrorOf, createTestUser, testContext } from "../testing";
import { enterTeam } from "../teams/team-access";
import type { Role } from "../teams/permissions";
import { createKey } from "./create-key";
import { hashKey, parseKey } from "./format";
import { keyUsage } from "./key-usage";
import { getKey, listKeys } from "./list-keys";
import { revokeKey } from "./revoke-key";
import { rotateKey } from "./rotate-key";
import { clearKeyCache, verifyApiKey } from "./verify-key";

const { db } = await openTestDatabase();

beforeEach(() => clearKeyCache());

/** A person with their own team, acting at a clock the test controls. */
async function owner(name = "Kim Keys") {
  const user = await createTestUser(db, name);
  const clock = { now: new Date("2030-06-01T12:00:00.000Z") };
  const ctx = await enterTeam(testContext(db, user.userId, () => clock.now), { teamId: user.team.id });
  return { ...user, ctx, clock };
}

async function memberWithRole(teamId: string, role: Role) {
  const person = await createTestUser(db, `Member ${role}`);
  await db.insert(memberships).values({ teamId, userId: person.userId, role, createdAt: new Date() });
  return enterTeam(person.ctx, { teamId });
}

async function auditFor(teamId: string, action: string) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.teamId, teamId), eq(auditEvents.action, action)));
}

const minutes = (n: number) => n * 60_000;
const later = (date: Date, ms: number) => new Date(date.getTime() + ms);

describe("createKey", () => {
  it("returns the secret once, stores only its hash, and records key.created without the secret", async () => {
    const o = await owner("Cora Creator");
    const { key, secret } = await createKey(o.ctx, { name: "Production", scopes: ["inference", "usage:read"] });

    expect(parseKey(secret).valid).toBe(true);
    expect(key).toMatchObject({
      name: "Production",
      scopes: ["inference", "usage:read"],
      status: "active",
      modelAllowlist: null,
      requestsPerMinute: null,
      tokensPerMinute: null,
      monthlySpendLimitNano: null,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: o.clock.now,
      createdBy: { id: o.userId, name: "Cora Creator" },
      hint: `${secret.slice(0, 10)}…${secret.slice(-4)}`,
    });
    expect(key.id).toMatch(/^key_[0-9A-Za-z]{20}$/);
    expect(Object.keys(key)).not.toContain("hash");
    expect(JSON.stringify(key, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toContain(secret.slice(10, -4));

    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row?.hash).toBe(hashKey(secret));
    expect(row?.teamId).toBe(o.team.id);
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toContain(secret);

    const [event] = await auditFor(o.team.id, "key.created");
    expect(event).toMatchObject({
      actorType: "user",
      actorId: o.userId,
      targetType: "api_key",
      targetId: key.id,
      metadata: expect.objectContaining({ name: "Production", scopes: ["inference", "usage:read"] }),
    });
    const metadata = JSON.stringify(event?.metadata);
    expect(metadata).not.toContain(secret);
    expect(metadata).not.toContain(row!.hash);
  });

  it("sets limits, an allow-list of catalog models and an expiry preset", async () => {
    const o = await owner();
    await db
      .insert(models)
      .values(["km-small", "km-large"].map((id) => testModel(id)))
      .onConflictDoNothing();
    const { key } = await createKey(o.ctx, {
      name: "Limited",
      scopes: ["inference"],
      expiresInDays: 30,
      modelAllowlist: "km-small, km-large",
      requestsPerMinute: "120",
      tokensPerMinute: 50_000,
      monthlySpendLimitUsd: "25.50",
    });
    expect(key).toMatchObject({
      modelAllowlist: ["km-small", "km-large"],
      requestsPerMinute: 120,
      tokensPerMinute: 50_000,
      monthlySpendLimitNano: 25_500_000_000n,
      expiresAt: later(o.clock.now, 30 * 24 * 60 * 60_000),
    });
  });

  it("refuses unknown models, past expiry times and bad input, per field, writing nothing", async () => {
    const o = await owner();
    const unknown = await appErrorOf(createKey(o.ctx, { name: "K", scopes: ["inference"], modelAllowlist: ["no-such-model"] }));
    expect(unknown.code).toBe("BAD_REQUEST");
    expect(unknown.details.fieldErrors).toEqual({ modelAllowlist: ["Unknown model: no-such-model"] });

    const past = await appErrorOf(
      createKey(o.ctx, { name: "K", scopes: ["inference"], expiresAt: later(o.clock.now, -1000) }),
    );
    expect(past.details.fieldErrors).toEqual({ expiresAt: ["Choose an expiry time in the future."] });

    await expect(createKey(o.ctx, { name: "", scopes: [] })).rejects.toThrow();
    expect(await db.select().from(apiKeys).where(eq(apiKeys.teamId, o.team.id))).toEqual([]);
    expect(await auditFor(o.team.id, "key.created")).toEqual([]);
  });

  it("reports field errors through tRPC the way forms read them", async () => {
    const o = await owner();
    const client = clientFor(db, o.userId);
    const unknown = await clientError(
      client.keys.create.mutate({ teamId: o.team.id, name: "K", scopes: ["inference"], modelAllowlist: "ghost-1, ghost-2" }),
    );
    expect(unknown.data?.code).toBe("BAD_REQUEST");
    expect(unknown.shape?.data.fieldErrors).toEqual({ modelAllowlist: ["Unknown models: ghost-1, ghost-2"] });
    const invalid = await clientError(client.keys.create.mutate({ teamId: o.team.id, name: " ", scopes: [] }));
    expect(invalid.shape?.data.fieldErrors).toMatchObject({
      name: ["Enter a name for the key."],
      scopes: ["Choose at least one scope."],
    });
  });

  it("writes the key and its audit event in one transaction", async () => {
    const user = await createTestUser(db);
    let calls = 0;
    const clock = () => {
      calls += 1;
      if (calls === 2) throw new Error("clock failed while writing the audit event");
      return new Date();
    };
    const ctx = await enterTeam(testContext(db, user.userId, clock), { teamId: user.team.id });
    await expect(createKey(ctx, { name: "Atomic", scopes: ["inference"] })).rejects.toThrow(/clock failed/);
    expect(await db.select().from(apiKeys).where(eq(apiKeys.teamId, user.team.id))).toEqual([]);
  });
});

describe("listKeys and getKey", () => {
  it("list the team's keys newest first with a computed status, never a hash or secret", async () => {
    const o = await owner("Lee Lister");
    const first = await createKey(o.ctx, { name: "First", scopes: ["inference"] });
    o.clock.now = later(o.clock.now, 1000);
    const second = await createKey(o.ctx, { name: "Second", scopes: ["instances:read"], expiresInDays: 7 });
    o.clock.now = later(o.clock.now, 1000);
    const third = await createKey(o.ctx, { name: "Third", scopes: ["inference"] });
    await revokeKey(o.ctx, { keyId: third.key.id });
    await rotateKey(o.ctx, { keyId: first.key.id, gracePeriodMinutes: 60 });

    const listed = await listKeys(o.ctx);
    expect(listed.map((k) => [k.name, k.status])).toEqual([
      ["Third", "revoked"],
      ["Second", "active"],
      ["First", "expiring"],
    ]);
    expect(listed[0]?.revokedBy).toEqual({ id: o.userId, name: "Lee Lister" });
    expect(listed[2]?.previousSecretExpiresAt).toEqual(later(o.clock.now, minutes(60)));
    const text = JSON.stringify(listed, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    for (const { secret } of [first, second, third]) expect(text).not.toContain(secret);
    for (const k of listed) expect(Object.keys(k).some((f) => /hash/i.test(f))).toBe(false);

    o.clock.now = later(o.clock.now, 8 * 24 * 60 * 60_000);
    expect((await listKeys(o.ctx)).map((k) => k.status)).toEqual(["revoked", "expired", "active"]);
    expect(await getKey(o.ctx, { keyId: second.key.id })).toMatchObject({ name: "Second", status: "expired" });
  });

  it("never show another team's keys", async () => {
    const a = await owner("Ann A");
    const b = await owner("Ben B");
    const bKey = await createKey(b.ctx, { name: "B's key", scopes: ["inference"] });
    await createKey(a.ctx, { name: "A's key", scopes: ["inference"] });
    expect((await listKeys(a.ctx)).map((k) => k.name)).toEqual(["A's key"]);
    expect((await appErrorOf(getKey(a.ctx, { keyId: bKey.key.id }))).code).toBe("NOT_FOUND");
  });
});

describe("revokeKey", () => {
  it("revokes once, records key.revoked, and refuses a second time with CONFLICT", async () => {
    const o = await owner("Rae Revoker");
    const { key, secret } = await createKey(o.ctx, { name: "Doomed", scopes: ["inference"] });
    expect((await verifyApiKey(db, secret, o.clock.now)).ok).toBe(true);

    const revoked = await revokeKey(o.ctx, { keyId: key.id });
    expect(revoked).toMatchObject({ status: "revoked", revokedAt: o.clock.now, revokedBy: { id: o.userId, name: "Rae Revoker" } });
    // This process forgets the key at once, cache or not.
    expect(await verifyApiKey(db, secret, o.clock.now)).toMatchObject({ ok: false, reason: "revoked" });

    const again = await appErrorOf(revokeKey(o.ctx, { keyId: key.id }));
    expect(again.code).toBe("CONFLICT");
    expect(again.message).toMatch(/already revoked/);
    const events = await auditFor(o.team.id, "key.revoked");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetType: "api_key", targetId: key.id, metadata: { name: "Doomed" } });
  });

  it("is NOT_FOUND for a key of another team, which stays untouched", async () => {
    const a = await owner();
    const b = await owner();
    const { key } = await createKey(b.ctx, { name: "B", scopes: ["inference"] });
    expect((await appErrorOf(revokeKey(a.ctx, { keyId: key.id }))).code).toBe("NOT_FOUND");
    expect((await appErrorOf(rotateKey(a.ctx, { keyId: key.id, gracePeriodMinutes: 0 }))).code).toBe("NOT_FOUND");
    expect((await appErrorOf(keyUsage(a.ctx, { keyId: key.id }))).code).toBe("NOT_FOUND");
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row).toMatchObject({ revokedAt: null, rotatedAt: null });
  });
});

describe("rotateKey", () => {
  it("issues a new secret; the old one works during the grace period and fails after it", async () => {
    const o = await owner();
    const created = await createKey(o.ctx, { name: "Rotating", scopes: ["inference"] });
    const start = o.clock.now;
    const rotated = await rotateKey(o.ctx, { keyId: created.key.id, gracePeriodMinutes: 60 });

    expect(rotated.secret).not.toBe(created.secret);
    expect(parseKey(rotated.secret).valid).toBe(true);
    expect(rotated.key).toMatchObject({
      status: "expiring",
      rotatedAt: start,
      previousSecretExpiresAt: later(start, minutes(60)),
      hint: `${rotated.secret.slice(0, 10)}…${rotated.secret.slice(-4)}`,
    });
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, created.key.id));
    expect(row).toMatchObject({ hash: hashKey(rotated.secret), previousHash: hashKey(created.secret) });

    const at = (ms: number) => later(start, ms);
    expect(await verifyApiKey(db, rotated.secret, at(0))).toMatchObject({ ok: true, key: { usingPreviousSecret: false } });
    expect(await verifyApiKey(db, created.secret, at(0))).toMatchObject({ ok: true, key: { usingPreviousSecret: true } });
    expect(await verifyApiKey(db, created.secret, at(minutes(60) - 1))).toMatchObject({ ok: true });
    expect(await verifyApiKey(db, created.secret, at(minutes(60)))).toMatchObject({ ok: false, reason: "expired" });
    expect(await verifyApiKey(db, created.secret, at(minutes(61)))).toMatchObject({
      ok: false,
      reason: "expired",
      message: expect.stringMatching(/rotated/),
    });
    expect(await verifyApiKey(db, rotated.secret, at(minutes(61)))).toMatchObject({ ok: true });

    o.clock.now = at(minutes(61));
    expect((await getKey(o.ctx, { keyId: created.key.id })).status).toBe("active");

    const [event] = await auditFor(o.team.id, "key.rotated");
    expect(event).toMatchObject({ targetId: created.key.id, metadata: expect.objectContaining({ name: "Rotating", graceMinutes: 60 }) });
    for (const secret of [created.secret, rotated.secret]) expect(JSON.stringify(event?.metadata)).not.toContain(secret);
  });

  it("with no grace period stops the old secret at once", async () => {
    const o = await owner();
    const created = await createKey(o.ctx, { name: "Now", scopes: ["inference"] });
    expect((await verifyApiKey(db, created.secret, o.clock.now)).ok).toBe(true);
    const rotated = await rotateKey(o.ctx, { keyId: created.key.id, gracePeriodMinutes: 0 });
    expect(rotated.key.status).toBe("active");
    expect(await verifyApiKey(db, created.secret, o.clock.now)).toMatchObject({ ok: false, reason: "expired" });
    expect(await verifyApiKey(db, rotated.secret, o.clock.now)).toMatchObject({ ok: true });
  });

  it("a second rotation ends the first old secret's grace at once", async () => {
    const o = await owner();
    const first = await createKey(o.ctx, { name: "Twice", scopes: ["inference"] });
    const second = await rotateKey(o.ctx, { keyId: first.key.id, gracePeriodMinutes: 60 });
    const third = await rotateKey(o.ctx, { keyId: first.key.id, gracePeriodMinutes: 60 });
    expect((await verifyApiKey(db, first.secret, o.clock.now)).ok).toBe(false);
    expect((await verifyApiKey(db, second.secret, o.clock.now)).ok).toBe(true);
    expect((await verifyApiKey(db, third.secret, o.clock.now)).ok).toBe(true);
  });

  it("refuses revoked and expired keys", async () => {
    const o = await owner();
    const revoked = await createKey(o.ctx, { name: "Gone", scopes: ["inference"] });
    await revokeKey(o.ctx, { keyId: revoked.key.id });
    expect((await appErrorOf(rotateKey(o.ctx, { keyId: revoked.key.id, gracePeriodMinutes: 0 }))).code).toBe("CONFLICT");
    const expiring = await createKey(o.ctx, { name: "Old", scopes: ["inference"], expiresInDays: 7 });
    o.clock.now = later(o.clock.now, 8 * 24 * 60 * 60_000);
    expect((await appErrorOf(rotateKey(o.ctx, { keyId: expiring.key.id, gracePeriodMinutes: 0 }))).code).toBe("CONFLICT");
    expect(await auditFor(o.team.id, "key.rotated")).toEqual([]);
  });
});

describe("keyUsage", () => {
  it("sums this key's requests, tokens and cost over 24 hours and 30 days", async () => {
    const o = await owner();
    const { key } = await createKey(o.ctx, { name: "Metered", scopes: ["inference"] });
    const other = await createKey(o.ctx, { name: "Other", scopes: ["inference"] });
    const elsewhere = await owner();
    const now = o.clock.now;
    const hour = minutes(60);
    const event = (apiKeyId: string, teamId: string, agoMs: number, input: number, output: number, costNano: bigint) => ({
      id: newId("req"),
      teamId,
      apiKeyId,
      model: "km-small",
      endpoint: "chat",
      source: "api" as const,
      inputTokens: input,
      outputTokens: output,
      costNano,
      status: "ok" as const,
      createdAt: new Date(now.getTime() - agoMs),
    });
    await db.insert(usageEvents).values([
      event(key.id, o.team.id, hour, 100, 20, 1_500n),
      event(key.id, o.team.id, 23 * hour, 50, 5, 700n),
      event(key.id, o.team.id, 25 * hour, 1_000, 200, 3_000_000_000n),
      event(key.id, o.team.id, 29 * 24 * hour, 1, 1, 1n),
      event(key.id, o.team.id, 31 * 24 * hour, 9_999, 9_999, 9_999n), // older than 30 days
      event(key.id, o.team.id, -hour, 9_999, 9_999, 9_999n), // after "now"
      event(other.key.id, o.team.id, hour, 9_999, 9_999, 9_999n), // another key
      event(key.id, elsewhere.team.id, hour, 9_999, 9_999, 9_999n), // another team
    ]);

    expect(await keyUsage(o.ctx, { keyId: key.id })).toEqual({
      keyId: key.id,
      last24Hours: { requests: 2, inputTokens: 150, outputTokens: 25, costNano: 2_200n },
      last30Days: { requests: 4, inputTokens: 1_151, outputTokens: 226, costNano: 3_000_002_201n },
    });
    const empty = await keyUsage(o.ctx, { keyId: other.key.id });
    expect(empty.last30Days).toEqual({ requests: 1, inputTokens: 9_999, outputTokens: 9_999, costNano: 9_999n });
  });
});

describe("roles, enforced by the service itself", () => {
  it("lets only keys:write roles create, rotate and revoke, and usage:read roles see usage", async () => {
    const o = await owner();
    const { key } = await createKey(o.ctx, { name: "Shared", scopes: ["inference"] });
    for (const role of ["billing", "viewer"] as const) {
      const ctx = await memberWithRole(o.team.id, role);
      expect((await listKeys(ctx)).map((k) => k.id)).toEqual([key.id]);
      expect((await appErrorOf(createKey(ctx, { name: "Nope", scopes: ["inference"] }))).code).toBe("FORBIDDEN");
      expect((await appErrorOf(rotateKey(ctx, { keyId: key.id, gracePeriodMinutes: 0 }))).code).toBe("FORBIDDEN");
      expect((await appErrorOf(revokeKey(ctx, { keyId: key.id }))).code).toBe("FORBIDDEN");
    }
    const viewer = await memberWithRole(o.team.id, "viewer");
    expect((await appErrorOf(keyUsage(viewer, { keyId: key.id }))).code).toBe("FORBIDDEN");
    const billing = await memberWithRole(o.team.id, "billing");
    await expect(keyUsage(billing, { keyId: key.id })).resolves.toMatchObject({ keyId: key.id });
    const developer = await memberWithRole(o.team.id, "developer");
    await expect(createKey(developer, { name: "Dev", scopes: ["inference"] })).resolves.toMatchObject({ key: { name: "Dev" } });
  });

  it("through tRPC: a key id of team B asked for via team A is NOT_FOUND", async () => {
    const a = await owner();
    const b = await owner();
    const { key } = await createKey(b.ctx, { name: "B only", scopes: ["inference"] });
    const caller = callerFor(db, a.userId);
    // Called one at a time: a promise that rejects before it is awaited is an unhandled rejection.
    for (const call of [
      () => caller.keys.get({ teamId: a.team.id, keyId: key.id }),
      () => caller.keys.usage({ teamId: a.team.id, keyId: key.id }),
      () => caller.keys.revoke({ teamId: a.team.id, keyId: key.id }),
      () => caller.keys.rotate({ teamId: a.team.id, keyId: key.id, gracePeriodMinutes: 0 }),
    ]) {
      const error = await trpcError(call());
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toBe("API key not found.");
    }
    expect((await getKey(b.ctx, { keyId: key.id })).status).toBe("active");
  });
});

function testModel(id: string) {
  return {
    id,
    displayName: id,
    family: "test",
    description: "A model for tests",
    contextWindow: 8192,
    maxOutputTokens: 1024,
    modalities: ["text"],
    endpoints: ["chat" as const],
    inputNanoPerToken: 100n,
    outputNanoPerToken: 200n,
    status: "available" as const,
    backends: [{ engine: "local" as const }],
  };
}
