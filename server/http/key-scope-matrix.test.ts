import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import type { ApiKeyScope } from "@/server/db/schema";
import { loadComputeCatalog, seedComputeCatalog } from "@/server/services/compute/fleet";
import { insertTestInstance } from "@/server/services/compute/instances/testing";
import { insertTestReservation, testPurchaseInput } from "@/server/services/compute/reservations/testing";
import { insertTestSshKey } from "@/server/services/compute/ssh-keys/testing";
import { createTeamWithKey } from "@/server/services/inference/gateway/testing";
import { API_KEY_SCOPES } from "@/server/services/keys/schemas";
import { publicApiRoutes, startPublicApi, teamRows } from "./public-api-testing";

/**
 * Every set of API-key scopes × every route of the public API, through the official openai client
 * over real HTTP: a key holding one of the route's scopes is served, any other key gets 403
 * `insufficient_scope` and changes nothing.
 */

const { db } = await openTestDatabase();
await seedComputeCatalog(db, loadComputeCatalog());
const api = await startPublicApi(db);
afterAll(() => api.close());

const CHAT_MODEL = "meta-llama/llama-3.1-8b-instruct";
const EMBEDDING_MODEL = "nomic-ai/nomic-embed-text-v1.5";

/** Every non-empty set of key scopes (a key needs at least one). */
const SCOPE_SETS: ApiKeyScope[][] = Array.from({ length: 2 ** API_KEY_SCOPES.length - 1 }, (_, i) =>
  API_KEY_SCOPES.filter((_scope, bit) => ((i + 1) >> bit) & 1),
);

/** A team whose key holds `scopes`, with one of everything a route can read or change. */
async function keyTeam(scopes: ApiKeyScope[]) {
  const team = await createTeamWithKey(db, { name: scopes.join(" "), scopes });
  const teamId = team.team.id;
  return {
    teamId,
    client: new OpenAI({ baseURL: `${api.url}/v1`, apiKey: team.secret, maxRetries: 0 }),
    sshKeyId: (await insertTestSshKey(db, teamId)).id,
    instanceToRead: (await insertTestInstance(db, teamId, { name: "read-me" })).id,
    instanceToTerminate: (await insertTestInstance(db, teamId, { name: "terminate-me" })).id,
    reservationToRead: (await insertTestReservation(db, teamId)).id,
    reservationToCancel: (await insertTestReservation(db, teamId)).id,
    reservationToExtend: (await insertTestReservation(db, teamId)).id,
    purchase: await testPurchaseInput(db),
  };
}
type KeyTeam = Awaited<ReturnType<typeof keyTeam>>;

/** A request each route must serve for a key with the right scope. */
const CALLS: Record<string, (t: KeyTeam) => Promise<unknown>> = {
  "GET /models": (t) => t.client.models.list(),
  "GET /models/{id}": (t) => t.client.models.retrieve(CHAT_MODEL),
  "POST /chat/completions": (t) => t.client.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: "user", content: "Hi" }], max_tokens: 4 }),
  "POST /completions": (t) => t.client.completions.create({ model: CHAT_MODEL, prompt: "The cloud", max_tokens: 4 }),
  "POST /embeddings": (t) => t.client.embeddings.create({ model: EMBEDDING_MODEL, input: "GPU" }),
  "GET /regions": (t) => t.client.get("/regions"),
  "GET /instance-types": (t) => t.client.get("/instance-types"),
  "GET /instance-types/{id}/availability": (t) => t.client.get("/instance-types/gpu-1x-h100-sxm/availability", { query: { days: 2 } }),
  "GET /instances": (t) => t.client.get("/instances"),
  "POST /instances": (t) =>
    t.client.post("/instances", {
      body: { name: "matrix-box", instance_type: "gpu-1x-l40s", region: "us-east-1", image: "ubuntu-24.04-cuda-12.8", ssh_key_ids: [t.sshKeyId] },
    }),
  "GET /instances/{id}": (t) => t.client.get(`/instances/${t.instanceToRead}`),
  "DELETE /instances/{id}": (t) => t.client.delete(`/instances/${t.instanceToTerminate}`),
  "GET /reservations": (t) => t.client.get("/reservations"),
  "GET /reservations/offerings": (t) =>
    t.client.get("/reservations/offerings", {
      query: { instance_type: "gpu-1x-h100-sxm", instance_count: 1, duration_hours: 2, latest_end: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    }),
  "POST /reservations": (t) =>
    t.client.post("/reservations", {
      body: {
        name: "matrix block",
        instance_type: t.purchase.instanceTypeId,
        region: t.purchase.regionId,
        instance_count: t.purchase.instanceCount,
        starts_at: (t.purchase.startsAt as Date).toISOString(),
        ends_at: (t.purchase.endsAt as Date).toISOString(),
        price_nano: String(t.purchase.priceNano),
      },
      headers: { "Idempotency-Key": randomUUID() },
    }),
  "GET /reservations/{id}": (t) => t.client.get(`/reservations/${t.reservationToRead}`),
  "POST /reservations/{id}/cancel": (t) => t.client.post(`/reservations/${t.reservationToCancel}/cancel`),
  "POST /reservations/{id}/extend": (t) => t.client.post(`/reservations/${t.reservationToExtend}/extend`, { body: { hours: 1 } }),
  "GET /usage": (t) => t.client.get("/usage", { query: { start: "2026-01-01", end: "2026-01-02" } }),
};

const routes = publicApiRoutes();

const teams = new Map<string, KeyTeam>();
beforeAll(async () => {
  for (const scopes of SCOPE_SETS) teams.set(scopes.join(" "), await keyTeam(scopes));
});

/** The team's rows once every usage event the gateway has queued is written. */
async function settledRows(teamId: string) {
  await api.gateway.deps.usage.flush();
  return teamRows(db, teamId);
}

describe("the key-scope matrix's inventory", () => {
  it("has a call for every route of the public API, and only those", () => {
    const names = routes.map((r) => r.name);
    expect(names.filter((name) => !(name in CALLS)), "add these routes to CALLS in key-scope-matrix.test.ts").toEqual([]);
    expect(Object.keys(CALLS).filter((name) => !names.includes(name))).toEqual([]);
  });

  it("covers every set of key scopes", () => {
    expect(SCOPE_SETS).toHaveLength(15);
    expect(new Set(SCOPE_SETS.map((s) => s.join(" "))).size).toBe(15);
  });
});

const matrix = SCOPE_SETS.flatMap((scopes) =>
  routes.map((route) => ({
    key: scopes.join(" "),
    route: route.name,
    allowed: route.keyScopes.length === 0 || route.keyScopes.some((scope) => scopes.includes(scope)),
  })),
);

describe.each(matrix)("a key with [$key] calling $route", ({ key, route, allowed }) => {
  it(allowed ? "is served" : "is refused with 403 insufficient_scope", async () => {
    const team = teams.get(key)!;
    if (allowed) {
      await expect(CALLS[route]!(team)).resolves.toBeDefined();
      return;
    }
    const before = await settledRows(team.teamId);
    const error = await CALLS[route]!(team).then(
      () => new Error(`${route} served a key with [${key}]`),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, code: "insufficient_scope" });
    expect(await settledRows(team.teamId)).toEqual(before);
  });
});
