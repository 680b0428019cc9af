import { connect } from "node:net";
import { and, eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { usageEvents } from "@/server/db/schema";
import { revokeKey } from "../../keys/revoke-key";
import { clearKeyCache } from "../../keys/verify-key";
import { countTokens } from "../local";
import { createTeamWithKey, startTestGateway } from "./testing";

const { db } = await openTestDatabase();
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let team: Awaited<ReturnType<typeof createTeamWithKey>>;
let client: OpenAI;

const CHAT_MODEL = "meta-llama/llama-3.1-8b-instruct";

beforeAll(async () => {
  gateway = await startTestGateway(db);
  team = await createTeamWithKey(db);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: team.secret, maxRetries: 0 });
});
afterAll(() => gateway.close());

async function eventsOf(keyId: string) {
  await gateway.gateway.deps.usage.flush();
  return db.select().from(usageEvents).where(eq(usageEvents.apiKeyId, keyId));
}

async function eventFor(requestId: string | null | undefined) {
  await gateway.gateway.deps.usage.flush();
  const [event] = await db.select().from(usageEvents).where(eq(usageEvents.requestId, requestId ?? ""));
  return event;
}

describe("the official openai client against the gateway", () => {
  it("lists the catalog's models and gets one", async () => {
    const models = await client.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toContain(CHAT_MODEL);
    const one = await client.models.retrieve(CHAT_MODEL);
    expect(one.id).toBe(CHAT_MODEL);
  });

  it("answers a chat completion and meters exactly what it returned", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: CHAT_MODEL, messages: [{ role: "user", content: "Tell me about GPUs" }], max_tokens: 40, seed: 7 })
      .withResponse();
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeLessThanOrEqual(40);
    const event = await eventFor(response.headers.get("x-request-id"));
    expect(event).toMatchObject({
      teamId: team.team.id,
      apiKeyId: team.keyId,
      model: CHAT_MODEL,
      source: "api",
      status: "ok",
      inputTokens: data.usage!.prompt_tokens,
      outputTokens: data.usage!.completion_tokens,
    });
    expect(event!.costNano).toBeGreaterThan(0n);
  });

  it("streams a chat completion with usage at the end", async () => {
    const stream = await client.chat.completions.create({
      model: CHAT_MODEL,
      messages: [{ role: "user", content: "Write about cooking" }],
      max_tokens: 30,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const events = await eventsOf(team.keyId);
    expect(events.some((e) => e.outputTokens === usage!.completion_tokens && e.status === "ok")).toBe(true);
  });

  it("answers text completions and embeddings", async () => {
    const completion = await client.completions.create({ model: CHAT_MODEL, prompt: "The cloud", max_tokens: 12 });
    expect(completion.choices[0]!.text.length).toBeGreaterThan(0);
    const models = await client.models.list();
    const embedModel = models.data.find((m) => (m as unknown as { endpoints: string[] }).endpoints.includes("embeddings"))!;
    const embeddings = await client.embeddings.create({ model: embedModel.id, input: ["hello world", "GPU clusters"] });
    expect(embeddings.data).toHaveLength(2);
    const norm = Math.hypot(...embeddings.data[0]!.embedding);
    expect(norm).toBeCloseTo(1, 5);
    expect(embeddings.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("refuses a bad key, an unknown model, and a missing scope with OpenAI's exceptions", async () => {
    const bad = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "cc_sk_not-a-real-key", maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(
      client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const readOnly = await createTeamWithKey(db, { scopes: ["usage:read"] });
    const limited = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: readOnly.secret, maxRetries: 0 });
    await expect(
      limited.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it("rate-limits a key with RateLimitError, Retry-After and the x-ratelimit headers", async () => {
    const limited = await createTeamWithKey(db, { requestsPerMinute: 2 } as never);
    const c = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: limited.secret, maxRetries: 0 });
    const ask = () => c.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 5 });
    const { response } = await ask().withResponse();
    expect(response.headers.get("x-ratelimit-limit-requests")).toBe("2");
    expect(response.headers.get("x-ratelimit-remaining-requests")).toBe("1");
    await ask();
    const error = await ask().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (error as InstanceType<typeof OpenAI.RateLimitError>).headers;
    expect(Number(headers.get("retry-after"))).toBeGreaterThan(0);
    expect(headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(headers.get("x-ratelimit-reset-requests")).toMatch(/^\d+(\.\d+)?s$/);
    const events = await eventsOf(limited.keyId);
    expect(events.filter((e) => e.httpStatus === 429)).toHaveLength(1);
  });

  it("stops accepting a revoked key within a second", async () => {
    const doomed = await createTeamWithKey(db);
    const c = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: doomed.secret, maxRetries: 0 });
    await c.models.list();
    await revokeKey(doomed.teamCtx, { keyId: doomed.keyId });
    clearKeyCache();
    await expect(c.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe("the fetch-style handler the console mounts at /api/v1", () => {
  // The client's requests go to `handle` as fetch Requests, the way Next.js passes them, not over
  // the test server's socket (which uses `reply`).
  const viaHandle = (apiKey: string) =>
    new OpenAI({
      baseURL: "http://console.test/api/v1",
      apiKey,
      maxRetries: 0,
      fetch: (input, init) => gateway.gateway.handle(new Request(input as string | URL, init as RequestInit)),
    });

  it("answers, streams and meters the same as the standalone server", async () => {
    const c = viaHandle(team.secret);
    expect((await c.models.list()).data.map((m) => m.id)).toContain(CHAT_MODEL);
    const { data, response } = await c.chat.completions
      .create({ model: CHAT_MODEL, messages: [{ role: "user", content: "Tell me about GPUs" }], max_tokens: 20, seed: 7 })
      .withResponse();
    expect(response.headers.get("content-type")).toBe("application/json");
    const direct = await client.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: "user", content: "Tell me about GPUs" }], max_tokens: 20, seed: 7 });
    expect(data.choices[0]!.message.content).toBe(direct.choices[0]!.message.content);
    expect(await eventFor(response.headers.get("x-request-id"))).toMatchObject({ status: "ok", outputTokens: data.usage!.completion_tokens });

    const stream = await c.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 10, stream: true, stream_options: { include_usage: true } });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("refuses with OpenAI's errors and shape", async () => {
    await expect(viaHandle("cc_sk_not-a-real-key").models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const response = await gateway.gateway.handle(
      new Request("http://console.test/api/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${team.secret}`, "content-type": "application/json" },
        body: "{not json",
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });
});

describe("bad input gets a 4xx and the server keeps serving", () => {
  const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/v1${path}`, {
      method: "POST",
      body,
      headers: { authorization: `Bearer ${team.secret}`, "content-type": "application/json", ...headers },
    });

  it.each([
    ["malformed JSON", "{not json", 400, null],
    ["a JSON array", "[]", 400, null],
    ["binary bytes", new Uint8Array([0xff, 0xfe, 0x00, 0x81]), 400, null],
    ["a wrong type", JSON.stringify({ model: CHAT_MODEL, messages: "hi" }), 400, "messages"],
    ["an unknown field", JSON.stringify({ model: CHAT_MODEL, messages: [{ role: "user", content: "x" }], frobnicate: 1 }), 400, "frobnicate"],
    ["temperature out of range", JSON.stringify({ model: CHAT_MODEL, messages: [{ role: "user", content: "x" }], temperature: 9 }), 400, "temperature"],
    ["a huge body", JSON.stringify({ model: CHAT_MODEL, messages: [{ role: "user", content: "x".repeat(100_000) }] }), 413, null],
  ])("%s", async (_name, body, status, param) => {
    const response = await post("/chat/completions", body as BodyInit);
    expect(response.status).toBe(status);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    const json = (await response.json()) as { error: { message: string; type: string; param: string | null } };
    expect(json.error.message.length).toBeGreaterThan(0);
    if (param) expect(json.error.param).toBe(param);
  });

  it("meters a refused request at no cost, with its status", async () => {
    const response = await post("/chat/completions", JSON.stringify({ model: CHAT_MODEL, messages: [], frobnicate: 1 }));
    expect(response.status).toBe(400);
    const event = await eventFor(response.headers.get("x-request-id"));
    expect(event).toMatchObject({ teamId: team.team.id, status: "error", httpStatus: 400, costNano: 0n, endpoint: "chat" });
    const unknown = await post("/chat/completions", JSON.stringify({ model: "nope/nope", messages: [{ role: "user", content: "x" }] }));
    expect(await eventFor(unknown.headers.get("x-request-id"))).toMatchObject({ httpStatus: 404, model: "nope/nope" });
  });

  it("still serves after all that", async () => {
    const answer = await client.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: "user", content: "ok?" }], max_tokens: 5 });
    expect(answer.choices).toHaveLength(1);
  });

  it("answers unknown routes with a 404 in OpenAI's shape", async () => {
    const response = await post("/nope", "{}");
    expect(response.status).toBe(404);
  });

  // fetch will not send these; a raw socket does.
  const rawRequest = (head: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(gateway.url).port), "127.0.0.1", () => socket.end(`${head}\r\nConnection: close\r\n\r\n`));
      let received = "";
      socket.on("data", (chunk) => (received += chunk.toString()));
      socket.on("end", () => resolve(received));
      socket.on("error", reject);
    });

  it("serves a request whose Host header is not a host, and refuses a target that is not a URL", async () => {
    const served = await rawRequest(`GET /v1/models HTTP/1.1\r\nHost: not a host[\r\nAuthorization: Bearer ${team.secret}`);
    expect(served).toMatch(/^HTTP\/1\.1 200 /);
    expect(served).toContain(CHAT_MODEL);
    const refused = await rawRequest(`GET http://[oops/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${team.secret}`);
    expect(refused).toMatch(/^HTTP\/1\.1 400 /);
    expect(refused).toContain('"type":"invalid_request_error"');
    expect(refused).toMatch(/x-request-id: req_/);
  });
});

describe("a client that leaves before sending its whole body", () => {
  it("is metered as 499 at no cost, is not logged as a failure, and the server keeps serving", async () => {
    const failures: unknown[] = [];
    const own = await startTestGateway(db, { log: { info() {}, warn() {}, error: (...args: unknown[]) => failures.push(args) } });
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(new URL(own.url).port), "127.0.0.1", () => {
          socket.write(
            `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${team.secret}\r\n` +
              'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":',
          );
          setTimeout(() => (socket.destroy(), resolve()), 100);
        });
        socket.on("error", reject);
      });
      const closedEvents = async () => {
        await own.gateway.deps.usage.flush();
        return db.select().from(usageEvents).where(and(eq(usageEvents.apiKeyId, team.keyId), eq(usageEvents.httpStatus, 499)));
      };
      let events = await closedEvents();
      for (let i = 0; i < 20 && events.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        events = await closedEvents();
      }
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ costNano: 0n, inputTokens: 0, outputTokens: 0 });
      expect(failures).toEqual([]);
      const c = new OpenAI({ baseURL: `${own.url}/v1`, apiKey: team.secret, maxRetries: 0 });
      const answer = await c.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: "user", content: "still there?" }], max_tokens: 5 });
      expect(answer.choices).toHaveLength(1);
    } finally {
      await own.close();
    }
  });
});

describe("a client that disconnects mid-stream", () => {
  it("is billed for the tokens produced, and the generation stops", async () => {
    const slow = await startTestGateway(db, { tokensPerSecond: 40 });
    try {
      const c = new OpenAI({ baseURL: `${slow.url}/v1`, apiKey: team.secret, maxRetries: 0 });
      const controller = new AbortController();
      const stream = await c.chat.completions.create(
        { model: CHAT_MODEL, messages: [{ role: "user", content: "Tell me a long story" }], max_tokens: 400, stream: true },
        { signal: controller.signal },
      );
      let received = 0;
      let text = "";
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? "";
        if (chunk.choices[0]?.delta?.content) received += 1;
        if (received >= 5) {
          controller.abort();
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      await slow.gateway.deps.usage.flush();
      const [event] = await db
        .select()
        .from(usageEvents)
        .where(and(eq(usageEvents.apiKeyId, team.keyId), eq(usageEvents.status, "cancelled")));
      expect(event).toBeDefined();
      // Billed for at least what the client received (chunks are words; a few words can be one token).
      expect(event!.outputTokens).toBeGreaterThanOrEqual(countTokens(text));
      expect(event!.outputTokens).toBeLessThan(400);
      expect(event!.costNano).toBeGreaterThan(0n);
    } finally {
      await slow.close();
    }
  });
});
