import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { loadComputeCatalog, seedComputeCatalog } from "@/server/services/compute/fleet";
import { createTeamWithKey, quietLog, startTestGateway } from "@/server/services/inference/gateway/testing";
import { insertUsageEvents, type UsageEvent } from "@/server/services/metering/usage-writer";
import { createComputeApi } from "./compute-api";
import { COMPUTE_ROUTES } from "./compute-routes";
import { combineRoutes } from "./extra-routes";
import { createUsageApi } from "./usage-routes";

const { db } = await openTestDatabase();
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let team: Awaited<ReturnType<typeof createTeamWithKey>>;
let other: Awaited<ReturnType<typeof createTeamWithKey>>;
let client: OpenAI;

interface Bucket {
  object: string;
  date?: string;
  model?: string;
  model_name?: string | null;
  api_key_id?: string | null;
  api_key_name?: string | null;
  instance_type?: string;
  instance_type_name?: string | null;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  instance_seconds: number;
  reserved_instance_seconds: number;
  cost_nano: string;
  cost_usd: string;
}
interface UsageList {
  object: "list";
  data: Bucket[];
  start: string;
  end: string;
  group_by: string;
  total: Omit<Bucket, "object">;
}

const LLAMA = "meta-llama/llama-3.1-8b-instruct";
const clientFor = (apiKey: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

let n = 0;
const event = (fields: Partial<UsageEvent> & Pick<UsageEvent, "teamId" | "createdAt">): UsageEvent => ({
  id: `use_apitest_${n++}`,
  product: "model_tokens",
  source: "api",
  inputTokens: 0,
  outputTokens: 0,
  costNano: 0n,
  status: "ok",
  ...fields,
});

beforeAll(async () => {
  await seedComputeCatalog(db, loadComputeCatalog());
  const api = { db, now: () => new Date(), log: quietLog };
  gateway = await startTestGateway(db, { extra: combineRoutes(createComputeApi(api, COMPUTE_ROUTES), createUsageApi(api)) });
  team = await createTeamWithKey(db, { name: "Reporting", scopes: ["usage:read"] });
  other = await createTeamWithKey(db, { name: "Elsewhere", scopes: ["usage:read"] });
  client = clientFor(team.secret);
  const mine = [
    event({ teamId: team.team.id, apiKeyId: team.keyId, model: LLAMA, inputTokens: 120, outputTokens: 80, costNano: 1_234_567n, createdAt: new Date("2026-11-03T10:15:00Z") }),
    event({ teamId: team.team.id, apiKeyId: team.keyId, model: LLAMA, status: "error", createdAt: new Date("2026-11-03T23:59:59.999Z") }),
    event({ teamId: team.team.id, userId: team.userId, source: "playground", model: LLAMA, inputTokens: 5, outputTokens: 5, costNano: 1_000n, createdAt: new Date("2026-11-05T00:00:00Z") }),
    event({ teamId: team.team.id, userId: team.userId, source: "console", product: "instance_hours", instanceTypeId: "gpu-1x-h100-sxm", quantitySeconds: 3600, costNano: 2_990_000_000n, createdAt: new Date("2026-11-04T06:00:00Z") }),
  ];
  // The other team used the same model on the same days, for a thousand times more.
  const theirs = mine.map(({ id: _id, ...e }) => event({ ...e, teamId: other.team.id, apiKeyId: e.apiKeyId ? other.keyId : null, userId: e.userId ? other.userId : null, costNano: e.costNano * 1000n }));
  await insertUsageEvents(db, [...mine, ...theirs]);
});
afterAll(() => gateway.close());

describe("GET /v1/usage through the official openai client", () => {
  it("groups by day, every day listed, exact money as nano and USD strings", async () => {
    const usage = await client.get<UsageList>("/usage", { query: { start: "2026-11-02", end: "2026-11-06" } });
    expect(usage).toMatchObject({ object: "list", start: "2026-11-02T00:00:00.000Z", end: "2026-11-06T00:00:00.000Z", group_by: "day" });
    expect(usage.data.map((d) => [d.date, d.requests, d.errors, d.cost_nano, d.cost_usd])).toEqual([
      ["2026-11-02", 0, 0, "0", "0.00"],
      ["2026-11-03", 2, 1, "1234567", "0.001234567"],
      ["2026-11-04", 0, 0, "2990000000", "2.99"],
      ["2026-11-05", 1, 0, "1000", "0.000001"],
    ]);
    expect(usage.data[2]).toMatchObject({ object: "usage.bucket", instance_seconds: 3600 });
    expect(usage.total).toMatchObject({ requests: 3, input_tokens: 125, output_tokens: 85, instance_seconds: 3600, cost_nano: "2991235567", cost_usd: "2.991235567" });
  });

  it("takes whole hours as bounds, and reads only what falls inside them", async () => {
    const usage = await client.get<UsageList>("/usage", { query: { start: "2026-11-03T11:00:00Z", end: "2026-11-04T07:00:00+01:00" } });
    expect(usage.end).toBe("2026-11-04T06:00:00.000Z");
    expect(usage.data.map((d) => [d.date, d.cost_nano])).toEqual([
      ["2026-11-03", "0"],
      ["2026-11-04", "0"],
    ]);
    expect(usage.total.errors).toBe(1);
  });

  it("groups by model, key and instance type, with names", async () => {
    const range = { start: "2026-11-01", end: "2026-12-01" };
    const models = await client.get<UsageList>("/usage", { query: { ...range, group_by: "model" } });
    expect(models.data).toEqual([expect.objectContaining({ model: LLAMA, model_name: "Llama 3.1 8B Instruct", requests: 3, cost_nano: "1235567" })]);
    const keys = await client.get<UsageList>("/usage", { query: { ...range, group_by: "key" } });
    expect(keys.data.map((d) => [d.api_key_id, d.api_key_name, d.cost_nano])).toEqual([
      [null, null, "2990001000"],
      [team.keyId, "Reporting", "1234567"],
    ]);
    const types = await client.get<UsageList>("/usage", { query: { ...range, group_by: "instance_type" } });
    expect(types.data).toEqual([expect.objectContaining({ instance_type: "gpu-1x-h100-sxm", instance_type_name: "1× H100 SXM 80 GB", instance_seconds: 3600, cost_usd: "2.99" })]);
  });

  it("never includes another team's usage, whoever asks", async () => {
    const range = { start: "2026-11-01", end: "2026-12-01", group_by: "key" };
    const mine = await client.get<UsageList>("/usage", { query: range });
    expect(mine.total.cost_nano).toBe("2991235567");
    expect(mine.data.map((d) => d.api_key_id)).not.toContain(other.keyId);
    const theirs = await clientFor(other.secret).get<UsageList>("/usage", { query: range });
    expect(theirs.total.cost_nano).toBe("2991235567000");
    expect(theirs.data.map((d) => d.api_key_id)).not.toContain(team.keyId);
  });

  it("explains bad parameters with a 400 naming the parameter", async () => {
    const param = async (query: Record<string, string>) => {
      const error = await client.get("/usage", { query }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      return { param: (error as InstanceType<typeof OpenAI.BadRequestError>).param, message: (error as Error).message };
    };
    expect(await param({})).toMatchObject({ param: "start" });
    expect(await param({ start: "November" })).toMatchObject({ param: "start", message: expect.stringContaining("YYYY-MM-DD") });
    expect(await param({ start: "2026-11-31" })).toMatchObject({ param: "start" });
    expect(await param({ start: "2026-11-03T10:30:00Z" })).toMatchObject({ param: "start", message: expect.stringContaining("whole hour") });
    expect(await param({ start: "2026-11-05", end: "2026-11-01" })).toMatchObject({ param: "end", message: expect.stringContaining("after 'start'") });
    expect(await param({ start: "2024-01-01", end: "2026-01-01" })).toMatchObject({ param: "end" });
    expect(await param({ start: "2026-11-01", group_by: "week" })).toMatchObject({ param: "group_by" });
    expect(await param({ start: "2026-11-01", groupBy: "day" })).toMatchObject({ param: "groupBy", message: expect.stringContaining("Unknown parameter") });
  });

  it("needs a key with usage:read: 401 without a key, 403 without the scope, 405 for other methods", async () => {
    const inferenceOnly = await createTeamWithKey(db, { scopes: ["inference", "instances:read"] });
    const refused = await clientFor(inferenceOnly.secret).get("/usage", { query: { start: "2026-11-01" } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as Error).message).toContain("usage:read");
    const anonymous = await fetch(`${gateway.url}/v1/usage?start=2026-11-01`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_api_key" } });
    await expect(client.post("/usage", { body: {} })).rejects.toMatchObject({ status: 405 });
    await expect(client.get("/usage/today")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    // The compute API behind the same slot still answers.
    await expect(clientFor(inferenceOnly.secret).get("/regions")).resolves.toMatchObject({ object: "list" });
  });
});
