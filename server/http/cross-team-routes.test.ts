import { readdirSync } from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { loadComputeCatalog, seedComputeCatalog } from "@/server/services/compute/fleet";
import { insertTestInstance } from "@/server/services/compute/instances/testing";
import { insertTestReservation } from "@/server/services/compute/reservations/testing";
import { insertTestSshKey } from "@/server/services/compute/ssh-keys/testing";
import { createTeamWithKey } from "@/server/services/inference/gateway/testing";
import { publicApiRoutes, startPublicApi, teamRows } from "./public-api-testing";

/**
 * Every public-API route that takes an id, called with team A's key and team B's ids, through the
 * official openai client over real HTTP: the answer is exactly the one for an id that does not
 * exist, carries nothing of B's, and B's rows are unchanged. The console's own route handlers
 * (`app/api/teams/[teamId]/…`, authenticated by the session cookie) are covered the same way by
 * e2e/cross-team-routes.spec.ts.
 */

const { db } = await openTestDatabase();
await seedComputeCatalog(db, loadComputeCatalog());
const api = await startPublicApi(db);
afterAll(() => api.close());

const ALL_KEY_SCOPES = ["inference", "instances:read", "instances:write", "usage:read"] as const;
const clientOf = (secret: string) => new OpenAI({ baseURL: `${api.url}/v1`, apiKey: secret, maxRetries: 0 });

const alice = await createTeamWithKey(db, { name: "Alice's key", scopes: [...ALL_KEY_SCOPES] });
const bob = await createTeamWithKey(db, { name: "Bob's key", scopes: [...ALL_KEY_SCOPES] });
const aliceClient = clientOf(alice.secret);
const bobClient = clientOf(bob.secret);
const aliceSshKeyId = (await insertTestSshKey(db, alice.team.id, { name: "alice-laptop" })).id;

/** Bob's things, named so that any of it showing up in an answer to Alice is easy to spot. */
let made = 0;
async function bobsThings() {
  made += 1;
  const sshKey = await insertTestSshKey(db, bob.team.id, { name: `bobs-secret-laptop-${made}` });
  const instance = await insertTestInstance(db, bob.team.id, { name: `bobs-secret-box-${made}` });
  // A block of the type and region Alice launches, so that only its owner can tell it apart.
  const reservation = await insertTestReservation(db, bob.team.id, { instanceTypeId: "gpu-1x-l40s", regionId: "us-east-1" });
  return { sshKeyId: sshKey.id, sshKeyFingerprint: sshKey.fingerprint, instanceId: instance.id, reservationId: reservation.id, reservationName: reservation.name };
}
type Things = Awaited<ReturnType<typeof bobsThings>>;

const MISSING: Things = {
  sshKeyId: "ssh_doesNotExist00000000",
  sshKeyFingerprint: "",
  instanceId: "ins_doesNotExist00000000",
  reservationId: "res_doesNotExist00000000",
  reservationName: "",
};

const launchBody = (fields: { sshKeyIds: string[]; reservationId?: string }) => ({
  name: "alice-box",
  instance_type: "gpu-1x-l40s",
  region: "us-east-1",
  image: "ubuntu-24.04-cuda-12.8",
  ssh_key_ids: fields.sshKeyIds,
  ...(fields.reservationId ? { reservation_id: fields.reservationId } : {}),
});

interface Case {
  /** The call, aimed at `ids` (Bob's, or ids that do not exist). */
  call: (client: OpenAI, ids: Things) => Promise<unknown>;
  /** What Bob gets for the same call on his own ids: proof that they are real. */
  owner: (outcome: { value?: unknown; error?: unknown }, ids: Things) => void;
}

const served = (outcome: { value?: unknown; error?: unknown }) => expect(outcome.error).toBeUndefined();

/** One case per route and id it takes: "<route> <path parameter or body field>". */
const CASES: Record<string, Case> = {
  "GET /instances/{id} id": { call: (c, ids) => c.get(`/instances/${ids.instanceId}`), owner: served },
  "DELETE /instances/{id} id": { call: (c, ids) => c.delete(`/instances/${ids.instanceId}`), owner: served },
  "GET /reservations/{id} id": { call: (c, ids) => c.get(`/reservations/${ids.reservationId}`), owner: served },
  "POST /reservations/{id}/cancel id": { call: (c, ids) => c.post(`/reservations/${ids.reservationId}/cancel`), owner: served },
  "POST /reservations/{id}/extend id": { call: (c, ids) => c.post(`/reservations/${ids.reservationId}/extend`, { body: { hours: 1 } }), owner: served },
  "POST /instances ssh_key_ids": {
    call: (c, ids) => c.post("/instances", { body: launchBody({ sshKeyIds: [ids.sshKeyId] }) }),
    owner: served,
  },
  "POST /instances reservation_id": {
    // Alice's own key, so that the block is the only thing that is not hers.
    call: (c, ids) => c.post("/instances", { body: launchBody({ sshKeyIds: [c === bobClient ? ids.sshKeyId : aliceSshKeyId], reservationId: ids.reservationId }) }),
    // The block has not started: its owner is told so, by its name.
    owner: (outcome, ids) => expect(outcome.error).toMatchObject({ status: 409, message: expect.stringContaining(ids.reservationName) }),
  },
};

/** Ids that name the same thing for every team: the catalog's. */
const GLOBAL_IDS: Record<string, string> = {
  "GET /models/{id} id": "a model of the shared catalog",
  "GET /instance-types/{id}/availability id": "an instance type of the shared fleet",
};

async function outcomeOf(call: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  return call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** What an API error tells the caller: status, code, param, and the message with the asked-for ids blanked. */
function answer(error: unknown, ids: Things) {
  expect(error, "expected the call to be refused").toBeInstanceOf(OpenAI.APIError);
  const e = error as InstanceType<typeof OpenAI.APIError>;
  let message = e.message;
  for (const id of [ids.sshKeyId, ids.instanceId, ids.reservationId]) message = message.replaceAll(id, "<id>");
  return { status: e.status, code: e.code, param: e.param, type: e.type, message };
}

async function settledRows(teamId: string) {
  await api.gateway.deps.usage.flush();
  return teamRows(db, teamId);
}

const idCases = publicApiRoutes().flatMap((route) => route.ids.map((id) => `${route.name} ${id}`));

describe("the cross-team inventory", () => {
  it("has a case for every route and id of the public API, or says why the id is the same for every team", () => {
    expect(idCases.filter((name) => !(name in CASES) && !(name in GLOBAL_IDS)), "add these to CASES in cross-team-routes.test.ts").toEqual([]);
    expect([...Object.keys(CASES), ...Object.keys(GLOBAL_IDS)].filter((name) => !idCases.includes(name))).toEqual([]);
  });

  it("leaves the console's own route handlers to the browser test, and knows them all", () => {
    const routeFiles = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? routeFiles(path.join(dir, entry.name)) : entry.name === "route.ts" ? [path.join(dir, entry.name)] : [],
      );
    const appApi = path.join(import.meta.dirname, "../../app/api");
    const files = routeFiles(appApi).map((file) => path.relative(appApi, path.dirname(file)).split(path.sep).join("/"));
    // Which test covers each door: a new one fails here until it is placed.
    const doors: Record<string, string> = {
      "auth/[...nextauth]": "Auth.js: takes no team or resource id",
      "trpc/[trpc]": "server/trpc/isolation.test.ts",
      "v1/[...path]": "this file: the public API",
    };
    const unplaced = files.filter((f) => !(f in doors) && !f.startsWith("teams/[teamId]/"));
    expect(unplaced, "say which test covers these route handlers").toEqual([]);
  });
});

describe("team A's key with team B's ids", () => {
  it.each(Object.keys(CASES))("%s: answered as for an id that does not exist, nothing of B's shown or changed", async (name) => {
    const { call, owner } = CASES[name]!;
    const bobs = await bobsThings();
    const before = await settledRows(bob.team.id);

    const missing = await outcomeOf(call(aliceClient, MISSING));
    const crossed = await outcomeOf(call(aliceClient, bobs));
    expect(answer(crossed.error, bobs)).toEqual(answer(missing.error, MISSING));
    if (name.endsWith(" id")) expect((crossed.error as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
    const said = JSON.stringify((crossed.error as InstanceType<typeof OpenAI.APIError>).error);
    for (const secret of [bob.team.id, bob.team.slug, "bobs-secret", bobs.reservationName, bobs.sshKeyFingerprint]) expect(said).not.toContain(secret);
    expect(await settledRows(bob.team.id)).toEqual(before);

    owner(await outcomeOf(call(bobClient, bobs)), bobs);
  });
});

describe("lists", () => {
  it("GET /instances, /reservations and /usage with A's key show nothing of B's", async () => {
    const bobs = await bobsThings();
    await bobClient.chat.completions.create({ model: "meta-llama/llama-3.1-8b-instruct", messages: [{ role: "user", content: "Hi" }], max_tokens: 4 });
    await api.gateway.deps.usage.flush();
    const today = { start: new Date().toISOString().slice(0, 10), group_by: "key" };
    const instances = await aliceClient.get<{ data: { id: string }[] }>("/instances");
    const reservations = await aliceClient.get<{ data: { id: string }[] }>("/reservations");
    const usage = await aliceClient.get<{ data: { api_key_id: string | null }[] }>("/usage", { query: today });
    expect(instances.data.map((i) => i.id)).not.toContain(bobs.instanceId);
    expect(reservations.data.map((r) => r.id)).not.toContain(bobs.reservationId);
    expect(usage.data.map((u) => u.api_key_id)).not.toContain(bob.keyId);
    expect((await bobClient.get<{ data: { id: string }[] }>("/instances")).data.map((i) => i.id)).toContain(bobs.instanceId);
    expect((await bobClient.get<{ data: { api_key_id: string | null }[] }>("/usage", { query: today })).data.map((u) => u.api_key_id)).toContain(bob.keyId);
  });
});
