import { spawn, type ChildProcess } from "node:child_process";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer } from "node:net";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/server/db/testing";
import { usageEvents } from "@/server/db/schema";
import { parseCatalog } from "../../catalog";
import { countTokens } from "../local";
import { createTeamWithKey, startTestGateway } from "./testing";

/**
 * The openai-compatible path, against the local engine running as its own process
 * (`npm run engine`), exactly as a vLLM or Ollama upstream would be.
 */

const { db } = await openTestDatabase();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const engines: ChildProcess[] = [];

async function startEngineProcess(tokensPerSecond: number): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "server/engine-server/main.ts"], {
    env: { ...process.env, ENGINE_PORT: String(port), ENGINE_TOKENS_PER_SECOND: String(tokensPerSecond), ENGINE_API_KEY: "upstream-secret" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  engines.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return { url, process: child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("engine server did not start");
}

function catalogWith(backends: string) {
  return parseCatalog(
    `version: 1
models:
  - id: upstream/chat
    display_name: Upstream chat
    family: Test
    description: Served by another process.
    context_window: 8192
    max_output_tokens: 1024
    modalities: [text]
    endpoints: [chat, completions]
    pricing: { input_per_million: 1, output_per_million: 2 }
    status: available
    backends:
${backends}
  - id: upstream/embed
    display_name: Upstream embeddings
    family: Test
    description: Served by another process.
    context_window: 8192
    max_output_tokens: 1
    modalities: [text]
    endpoints: [embeddings]
    pricing: { input_per_million: 0.02, output_per_million: 0 }
    status: available
    embedding_dimensions: 256
    backends:
${backends}
`,
    { format: "yaml", source: "test catalog" },
  );
}

const backend = (url: string) =>
  `      - engine: openai-compatible\n        base_url: ${url}/v1\n        api_key_env: TEST_UPSTREAM_KEY\n        upstream_model: local-chat\n`;

let fast: { url: string; process: ChildProcess };
let team: Awaited<ReturnType<typeof createTeamWithKey>>;

beforeAll(async () => {
  process.env.TEST_UPSTREAM_KEY = "upstream-secret";
  fast = await startEngineProcess(0);
  team = await createTeamWithKey(db);
});
afterAll(() => {
  for (const child of engines) child.kill("SIGKILL");
});

describe("gateway → engine server over HTTP", () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  afterEach(() => gateway?.close());

  it("relays chat, streams and embeddings, and meters the upstream's usage", async () => {
    gateway = await startTestGateway(db, { catalog: catalogWith(backend(fast.url)) });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: team.secret, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: "upstream/chat",
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 20,
      seed: 1,
    });
    expect(answer.model).toBe("upstream/chat");
    expect(answer.usage!.completion_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: "upstream/chat",
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 20,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    const embeddings = await client.embeddings.create({ model: "upstream/embed", input: "vectors", encoding_format: "float" });
    expect(embeddings.data[0]!.embedding.length).toBeGreaterThan(0);

    await gateway.gateway.deps.usage.flush();
    const events = await db.select().from(usageEvents).where(eq(usageEvents.model, "upstream/chat"));
    expect(events.find((e) => e.outputTokens === answer.usage!.completion_tokens)).toBeDefined();
  });

  it("fails over to the next backend when the first refuses connections, then skips it", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    gateway = await startTestGateway(db, { catalog: catalogWith(backend(dead) + backend(fast.url)) });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: team.secret, maxRetries: 0 });
    for (let i = 0; i < 4; i++) {
      const answer = await client.chat.completions.create({ model: "upstream/chat", messages: [{ role: "user", content: "hi" }], max_tokens: 5 });
      expect(answer.choices[0]!.message.content).toBeTruthy();
    }
    // After three refused connections the dead backend's circuit is open: it is skipped.
    expect(gateway.gateway.deps.engines.isHealthy(`${dead}/v1#local-chat`)).toBe(false);
  });

  it("answers 502 in OpenAI's shape when every backend is down", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    gateway = await startTestGateway(db, { catalog: catalogWith(backend(dead)) });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: team.secret, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: "upstream/chat", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });

  it("a client that gives up waiting for a whole answer is metered as cancelled, and nothing is logged as failing", async () => {
    const slow = await startEngineProcess(20);
    const errors: string[] = [];
    gateway = await startTestGateway(db, {
      catalog: catalogWith(backend(slow.url)),
      log: { info() {}, warn() {}, error: (message) => void errors.push(message) },
    });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: team.secret, maxRetries: 0, timeout: 300 });
    const request = { model: "upstream/chat", messages: [{ role: "user" as const, content: "a long answer please" }], max_tokens: 200 };
    await expect(client.chat.completions.create(request)).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const cancelled = async () => {
      await gateway.gateway.deps.usage.flush();
      const events = await db.select().from(usageEvents).where(eq(usageEvents.status, "cancelled"));
      return events.find((e) => e.model === "upstream/chat" && e.endpoint === "chat");
    };
    await expect.poll(cancelled, { timeout: 5_000 }).toBeDefined();
    expect(errors).toEqual([]);
  });

  it("an upstream killed mid-stream gives the client an error and the usage is still recorded", async () => {
    const doomed = await startEngineProcess(30);
    gateway = await startTestGateway(db, { catalog: catalogWith(backend(doomed.url)) });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: team.secret, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "upstream/chat",
      messages: [{ role: "user", content: "a long answer please" }],
      max_tokens: 500,
      stream: true,
    });
    let received = 0;
    let text = "";
    const consume = (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? "";
        if (chunk.choices[0]?.delta?.content) received += 1;
        if (received === 4) doomed.process.kill("SIGKILL");
      }
    })();
    await expect(consume).rejects.toThrow();
    // The client sees the error event before the gateway has finished billing the request.
    const billed = async () => {
      await gateway.gateway.deps.usage.flush();
      const events = await db.select().from(usageEvents).where(eq(usageEvents.status, "error"));
      // Billed for at least what the client received (chunks are words; a few words can be one token).
      return events.find((e) => e.model === "upstream/chat" && e.outputTokens >= Math.max(1, countTokens(text)));
    };
    await expect.poll(billed, { timeout: 5_000 }).toBeDefined();
    const event = await billed();
    expect(event!.httpStatus).toBe(502);
  });

  describe("an upstream that misbehaves", () => {
    // A scripted OpenAI-compatible upstream: each test says how it answers.
    let answer: (req: IncomingMessage, res: ServerResponse) => void;
    let calls = 0;
    let scripted: { url: string; close(): void };
    beforeAll(async () => {
      const server = createHttpServer((req, res) => {
        calls += 1;
        req.resume();
        req.on("end", () => answer(req, res));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      scripted = {
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      };
    });
    afterAll(() => scripted.close());
    const ask = (stream: boolean) => {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: team.secret, maxRetries: 0 });
      const messages = [{ role: "user" as const, content: "hi" }];
      return stream
        ? client.chat.completions.create({ model: "upstream/chat", messages, max_tokens: 5, stream: true }).then(async (s) => {
            let text = "";
            for await (const chunk of s) text += chunk.choices[0]?.delta?.content ?? "";
            return text;
          })
        : client.chat.completions.create({ model: "upstream/chat", messages, max_tokens: 5 }).then((a) => a.choices[0]!.message.content);
    };

    it("a backend that answers 5xx is failed over, for whole answers and for streams", async () => {
      answer = (_req, res) => res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"message":"overloaded"}}');
      gateway = await startTestGateway(db, { catalog: catalogWith(backend(scripted.url) + backend(fast.url)) });
      calls = 0;
      expect(await ask(false)).toBeTruthy();
      expect(await ask(true)).toBeTruthy();
      expect(calls).toBe(2);
    });

    it("a backend's 4xx reaches the client as a 400 with the backend's message, and is not failed over", async () => {
      answer = (_req, res) =>
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"temperature is out of range for this backend"}}');
      gateway = await startTestGateway(db, { catalog: catalogWith(backend(scripted.url) + backend(fast.url)) });
      calls = 0;
      const error = await ask(false).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as Error).message).toContain("temperature is out of range for this backend");
      expect(calls).toBe(1);
    });

    it("a backend that sends no headers in time is answered with 504 after the connect timeout", async () => {
      answer = () => {}; // never answers
      gateway = await startTestGateway(db, { catalog: catalogWith(backend(scripted.url)), timeouts: { connectMs: 300 } });
      const started = Date.now();
      const error = await ask(false).catch((e: unknown) => e);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it("a whole answer that does not finish within the total timeout is answered with 504; one that is not JSON with 502", async () => {
      answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).write('{"id":"chatcmpl-x",');
      gateway = await startTestGateway(db, { catalog: catalogWith(backend(scripted.url)), timeouts: { totalMs: 500 } });
      const started = Date.now();
      const stalled = await ask(false).catch((e: unknown) => e);
      expect((stalled as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
      expect(Date.now() - started).toBeLessThan(3_000);

      answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("<html>busy</html>");
      const garbled = await ask(false).catch((e: unknown) => e);
      expect((garbled as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    });

    it("a stream with no first event in time is answered with 504; one that stalls later ends with an error event", async () => {
      answer = (_req, res) => res.writeHead(200, { "content-type": "text/event-stream" }).flushHeaders();
      gateway = await startTestGateway(db, { catalog: catalogWith(backend(scripted.url)), timeouts: { firstTokenMs: 300, totalMs: 1_000 } });
      const silent = await ask(true).catch((e: unknown) => e);
      expect((silent as InstanceType<typeof OpenAI.APIError>).status).toBe(504);

      answer = (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "Hel" }, finish_reason: null }] })}\n\n`);
      };
      const started = Date.now();
      await expect(ask(true)).rejects.toThrow(/did not finish in time|took too long/);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});
