import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { loadComputeCatalog, seedComputeCatalog } from "@/server/services/compute/fleet";
import { insertTestSshKey } from "@/server/services/compute/ssh-keys/testing";
import { createTeamWithKey, quietLog, startTestGateway } from "@/server/services/inference/gateway/testing";
import { setBudget } from "@/server/services/budgets/budgets";
import { insertUsageEvents } from "@/server/services/metering/usage-writer";
import { createComputeApi } from "./compute-api";
import { COMPUTE_ROUTES } from "./compute-routes";

const { db } = await openTestDatabase();
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let team: Awaited<ReturnType<typeof createTeamWithKey>>;
let client: OpenAI;
let sshKeyId: string;

interface Listed<T> {
  object: "list";
  data: T[];
}
interface InstanceJson {
  id: string;
  object: string;
  name: string;
  state: string;
  instance_type: string;
  region: string;
  price_per_hour_nano: string;
  price_per_hour_usd: string;
}
interface OfferingJson {
  instance_type: string;
  region: string;
  instance_count: number;
  starts_at: string;
  ends_at: string;
  price_nano: string;
}

const clientFor = (apiKey: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
const launchBody = (name: string) => ({ name, instance_type: "gpu-1x-h100-sxm", region: "us-east-1", image: "ubuntu-24.04-cuda-12.8", ssh_key_ids: [sshKeyId] });

beforeAll(async () => {
  await seedComputeCatalog(db, loadComputeCatalog());
  gateway = await startTestGateway(db, { extra: createComputeApi({ db, now: () => new Date(), log: quietLog }, COMPUTE_ROUTES) });
  team = await createTeamWithKey(db, { scopes: ["instances:read", "instances:write"] });
  sshKeyId = (await insertTestSshKey(db, team.team.id, { name: "laptop" })).id;
  client = clientFor(team.secret);
});
afterAll(() => gateway.close());

describe("the compute API through the official openai client", () => {
  it("lists regions and instance types with exact prices", async () => {
    const regions = await client.get<Listed<{ id: string; object: string }>>("/regions");
    expect(regions.data.map((r) => r.id)).toEqual(["us-east-1", "us-west-2", "eu-central-1"]);
    const types = await client.get<Listed<{ id: string; on_demand_per_hour_usd: string; on_demand_per_hour_nano: string }>>("/instance-types");
    expect(types.data.find((t) => t.id === "gpu-8x-h100-sxm")).toMatchObject({ on_demand_per_hour_usd: "23.92", on_demand_per_hour_nano: "23920000000" });
  });

  it("launches an instance idempotently, shows it, and terminates it", async () => {
    const headers = { "Idempotency-Key": `launch-${Date.now()}` };
    const launched = await client.post<InstanceJson>("/instances", { body: launchBody("api-box"), headers });
    expect(launched).toMatchObject({ object: "instance", name: "api-box", state: "pending", instance_type: "gpu-1x-h100-sxm", region: "us-east-1", price_per_hour_usd: "2.99" });
    const again = await client.post<InstanceJson>("/instances", { body: launchBody("api-box"), headers });
    expect(again.id).toBe(launched.id);
    await expect(client.post("/instances", { body: launchBody("other-name"), headers })).rejects.toBeInstanceOf(OpenAI.UnprocessableEntityError);

    const listed = await client.get<Listed<InstanceJson>>("/instances", { query: { state: "live" } });
    expect(listed.data.map((i) => i.id)).toContain(launched.id);
    const one = await client.get<InstanceJson & { events: unknown[] }>(`/instances/${launched.id}`);
    expect(one.events.length).toBeGreaterThan(0);
    const terminated = await client.delete<InstanceJson>(`/instances/${launched.id}`);
    expect(["stopping", "terminated"]).toContain(terminated.state);
  });

  it("explains bad input in OpenAI's error shape, naming the API's own field", async () => {
    const error = await client.post("/instances", { body: { ...launchBody("x"), instance_type: "gpu-9x-nothing" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBeLessThan(500);
    const unknownField = await client.post("/instances", { body: { ...launchBody("x"), colour: "red" } }).catch((e: unknown) => e);
    expect(unknownField).toBeInstanceOf(OpenAI.BadRequestError);
    const noKeys = await client.post("/instances", { body: { ...launchBody("x"), ssh_key_ids: [] } }).catch((e: unknown) => e);
    expect((noKeys as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("ssh_key_ids");
    await expect(client.get("/instances/ins_doesnotexist")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.put("/instances", { body: {} })).rejects.toMatchObject({ status: 405 });
  });

  it("searches offerings and buys a block once per Idempotency-Key, then cancels it", async () => {
    const start = new Date(Date.now() + 48 * 3600_000);
    const offerings = await client.get<Listed<OfferingJson>>("/reservations/offerings", {
      query: { instance_type: "gpu-8x-h100-sxm", instance_count: 2, duration_hours: 6, earliest_start: start.toISOString(), latest_end: new Date(start.getTime() + 7 * 86_400_000).toISOString() },
    });
    expect(offerings.data.length).toBeGreaterThan(0);
    const offer = offerings.data[0]!;
    expect(offer.price_nano).toBe(String(19_120_000_000n * 6n * 2n));
    const body = { name: "api block", instance_type: offer.instance_type, region: offer.region, instance_count: offer.instance_count, starts_at: offer.starts_at, ends_at: offer.ends_at, price_nano: offer.price_nano };
    await expect(client.post("/reservations", { body })).rejects.toMatchObject({ status: 400, param: "Idempotency-Key" });
    const headers = { "Idempotency-Key": `buy-${Date.now()}` };
    const bought = await client.post<{ id: string; state: string; price_nano: string }>("/reservations", { body, headers });
    expect(bought).toMatchObject({ state: "scheduled", price_nano: offer.price_nano });
    const retried = await client.post<{ id: string }>("/reservations", { body, headers });
    expect(retried.id).toBe(bought.id);
    const cancelled = await client.post<{ state: string; refund_nano: string }>(`/reservations/${bought.id}/cancel`);
    expect(cancelled).toMatchObject({ state: "cancelled", refund_nano: offer.price_nano });
  });
});

describe("the team's budget", () => {
  it("a hard cap refuses launches and reservations with 429 insufficient_quota and says why", async () => {
    const capped = await createTeamWithKey(db, { scopes: ["instances:read", "instances:write"] });
    const cappedClient = clientFor(capped.secret);
    const key = (await insertTestSshKey(db, capped.team.id, { name: "laptop" })).id;
    await setBudget(capped.teamCtx, { amountUsd: "5", hardCap: true });
    const start = new Date(Date.now() + 48 * 3600_000);
    const offerings = await cappedClient.get<Listed<OfferingJson>>("/reservations/offerings", {
      query: { instance_type: "gpu-8x-h100-sxm", instance_count: 1, duration_hours: 2, earliest_start: start.toISOString(), latest_end: new Date(start.getTime() + 7 * 86_400_000).toISOString() },
    });
    const offer = offerings.data[0]!;
    const body = { name: "too dear", instance_type: offer.instance_type, region: offer.region, instance_count: 1, starts_at: offer.starts_at, ends_at: offer.ends_at, price_nano: offer.price_nano };
    const refused = await cappedClient.post("/reservations", { body, headers: { "Idempotency-Key": `cap-${Date.now()}` } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused).toMatchObject({ code: "insufficient_quota" });
    expect((refused as Error).message).toContain("left of your team's monthly budget cap of $5.00");

    await setBudget(capped.teamCtx, { amountUsd: "0.01", hardCap: true });
    await insertUsageEvents(db, [
      { id: `use_cap_${Date.now()}`, teamId: capped.team.id, source: "api", model: "meta-llama/llama-3.1-8b-instruct", costNano: 10_000_000n, status: "ok", createdAt: new Date() },
    ]);
    const launch = await cappedClient.post("/instances", { body: { ...launchBody("capped"), ssh_key_ids: [key] } }).catch((e: unknown) => e);
    expect(launch).toBeInstanceOf(OpenAI.RateLimitError);
    expect(launch).toMatchObject({ code: "insufficient_quota" });
    expect((launch as Error).message).toContain("Your team has reached its monthly budget cap of $0.01");
  });
});

describe("keys and teams", () => {
  it("a key without the instances scopes is refused with 403; reading needs instances:read", async () => {
    const inferenceOnly = await createTeamWithKey(db, { scopes: ["inference"] });
    await expect(clientFor(inferenceOnly.secret).get("/instances")).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    const readOnly = await createTeamWithKey(db, { scopes: ["instances:read"] });
    await expect(clientFor(readOnly.secret).get("/instances")).resolves.toMatchObject({ object: "list" });
    await expect(clientFor(readOnly.secret).post("/instances", { body: launchBody("nope") })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it("another team's instance or reservation is not found, for reading and for changing", async () => {
    const launched = await client.post<InstanceJson>("/instances", { body: launchBody("mine") });
    const other = await createTeamWithKey(db, { scopes: ["instances:read", "instances:write"] });
    const theirs = clientFor(other.secret);
    await expect(theirs.get(`/instances/${launched.id}`)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(theirs.delete(`/instances/${launched.id}`)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await theirs.get<Listed<InstanceJson>>("/instances")).data).toEqual([]);
  });

  it("a bad key is an AuthenticationError", async () => {
    await expect(clientFor("cc_sk_not-a-key").get("/instances")).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
