/**
 * A standalone OpenAI-compatible HTTP server in front of an Engine (the local n-gram engine by
 * default): the gateway's "openai-compatible upstream" in development and in benchmarks, and a
 * stand-in for vLLM-style servers in tests. node:http only, so its overhead is the floor against
 * which the gateway is measured.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalEngine } from "../services/inference/local/engine";
import { countTokens } from "../services/inference/local/tokenizer";
import { EngineError, type ChatChunk, type CompletionChunk, type Engine, type FinishReason, type TokenUsage } from "../services/inference/types";
import { EventStream, HttpError, readJson, sendError, sendJson } from "./http";
import { asObject, parseChat, parseCompletion, parseEmbedding, type StreamOptions } from "./params";

export interface EngineServerOptions {
  /** 0 picks a free port. Default 8088. */
  port?: number;
  host?: string;
  tokensPerSecond?: number;
  embeddingDimensions?: number;
  /** When set, every /v1 request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Advertised by /v1/models; requests for any other name are served all the same. */
  models?: string[];
  /** Serve another engine instead of the local one (tests, fault injection). */
  engine?: Engine;
  bodyLimitBytes?: number;
}

export interface EngineServer {
  url: string;
  port: number;
  /**
   * Stops accepting connections; in-flight requests get `graceMs` (default 0) to finish, then are
   * aborted and their connections closed.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

export const DEFAULT_MODELS = ["local-chat", "local-embed"];

const digest = (value: string) => createHash("sha256").update(value).digest();

export async function startEngineServer(options: EngineServerOptions = {}): Promise<EngineServer> {
  const engine = options.engine ?? createLocalEngine({ tokensPerSecond: options.tokensPerSecond, embeddingDimensions: options.embeddingDimensions });
  const models = options.models?.length ? options.models : DEFAULT_MODELS;
  const bodyLimit = options.bodyLimitBytes ?? 8 * 1024 * 1024;
  const keyDigest = options.apiKey ? digest(options.apiKey) : null;
  const started = Math.floor(Date.now() / 1000);
  const inFlight = new Set<AbortController>();

  const modelObject = (id: string) => ({ id, object: "model", created: started, owned_by: "local" });

  function authorize(req: IncomingMessage) {
    if (!keyDigest) return;
    const header = req.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    // Comparing digests keeps the comparison constant-time whatever the length of the guess.
    if (!token || !timingSafeEqual(digest(token), keyDigest)) {
      throw new HttpError(401, "Incorrect API key provided.", null, "invalid_api_key");
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = (req.url ?? "/").split("?", 1)[0]!;
    const method = req.method ?? "GET";
    if (path === "/health") {
      if (method !== "GET" && method !== "HEAD") throw methodNotAllowed(method, path, "GET");
      return sendJson(res, 200, { status: "ok" });
    }
    if (!path.startsWith("/v1/")) throw notFound(method, path);
    authorize(req);
    if (path === "/v1/models") {
      if (method !== "GET") throw methodNotAllowed(method, path, "GET");
      return sendJson(res, 200, { object: "list", data: models.map(modelObject) });
    }
    if (path.startsWith("/v1/models/") && path.length > "/v1/models/".length) {
      if (method !== "GET") throw methodNotAllowed(method, path, "GET");
      return sendJson(res, 200, modelObject(decodeURIComponent(path.slice("/v1/models/".length))));
    }
    const handler = handlers[path];
    if (!handler) throw notFound(method, path);
    if (method !== "POST") throw methodNotAllowed(method, path, "POST");
    const body = asObject(await readJson(req, bodyLimit));
    await handler(body, res, signal);
  }

  const handlers: Record<string, (body: Record<string, unknown>, res: ServerResponse, signal: AbortSignal) => Promise<void>> = {
    "/v1/chat/completions": async (body, res, signal) => {
      const { request, options } = parseChat(body);
      const chunks = engine.chat(request, { signal });
      if (options.stream) return streamChunks(chunks, options, res, signal);
      const { id, created, text, finishReason, usage } = await collect(chunks, (chunk: ChatChunk) => chunk.choices[0]?.delta.content ?? "");
      sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model: request.model,
        choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: finishReason }],
        usage: usage ?? estimateUsage(0, text),
        system_fingerprint: "fp_local_ngram",
      });
    },
    "/v1/completions": async (body, res, signal) => {
      const { request, options } = parseCompletion(body);
      const chunks = engine.complete(request, { signal });
      if (options.stream) return streamChunks(chunks, options, res, signal);
      const { id, created, text, finishReason, usage } = await collect(chunks, (chunk: CompletionChunk) => chunk.choices[0]?.text ?? "");
      sendJson(res, 200, {
        id,
        object: "text_completion",
        created,
        model: request.model,
        choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
        usage: usage ?? estimateUsage(countTokens(request.prompt), text),
      });
    },
    "/v1/embeddings": async (body, res, signal) => {
      const { request, encoding } = parseEmbedding(body);
      const result = await engine.embed(request, { signal });
      sendJson(res, 200, {
        object: "list",
        data: result.vectors.map((vector, index) => ({
          object: "embedding",
          index,
          embedding: encoding === "base64" ? Buffer.from(Float32Array.from(vector).buffer).toString("base64") : vector,
        })),
        model: request.model,
        usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
      });
    },
  };

  const server = createServer((req, res) => {
    const controller = new AbortController();
    inFlight.add(controller);
    // A response closed before it finished means the client went away: stop generating for it.
    res.once("close", () => {
      inFlight.delete(controller);
      if (!res.writableFinished) controller.abort(new DOMException("The client disconnected.", "AbortError"));
    });
    route(req, res, controller.signal).catch((error: unknown) => fail(res, error, controller.signal));
  });
  // Benchmarks drive many keep-alive connections; do not let Node's defaults recycle them early.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8088, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close({ graceMs = 0 } = {}) {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const force = () => {
          for (const controller of inFlight) controller.abort(new DOMException("The server is shutting down.", "AbortError"));
          server.closeAllConnections();
        };
        if (graceMs > 0) setTimeout(force, graceMs).unref();
        else force();
      });
      return closing;
    },
  };
}

/** Relays chunks as server-sent events; the first chunk is awaited before the 200 is committed. */
async function streamChunks(
  chunks: AsyncIterable<ChatChunk | CompletionChunk>,
  options: StreamOptions,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  let result = await iterator.next();
  const stream = new EventStream(res);
  try {
    for (; !result.done; result = await iterator.next()) {
      const chunk = result.value;
      if (chunk.usage) {
        if (!options.includeUsage) continue;
      } else if (options.includeUsage) {
        chunk.usage = null; // as OpenAI: every chunk but the last says `usage: null`
      }
      if (!stream.send(JSON.stringify(chunk))) await stream.drained(signal);
    }
    stream.send("[DONE]");
  } catch (error) {
    if (signal.aborted) return;
    stream.send(JSON.stringify(toHttpError(error)));
  } finally {
    if (!result.done) await iterator.return?.(undefined).catch(() => undefined);
    stream.end();
  }
}

async function collect<T extends ChatChunk | CompletionChunk>(chunks: AsyncIterable<T>, textOf: (chunk: T) => string) {
  let id = "";
  let created = 0;
  let text = "";
  let finishReason: FinishReason = "stop";
  let usage: TokenUsage | undefined;
  for await (const chunk of chunks) {
    id ||= chunk.id;
    created ||= chunk.created;
    text += textOf(chunk);
    finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    if (chunk.usage) usage = chunk.usage;
  }
  return { id, created, text, finishReason, usage };
}

function estimateUsage(promptTokens: number, text: string): TokenUsage {
  const completion = countTokens(text);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}

function notFound(method: string, path: string) {
  return new HttpError(404, `Unknown request URL: ${method} ${path}.`, null, "unknown_url");
}

function methodNotAllowed(method: string, path: string, allowed: string) {
  return new HttpError(405, `Method ${method} is not allowed for ${path}; use ${allowed}.`, null, "method_not_allowed");
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof EngineError) return new HttpError(error.status, error.message, null, null);
  console.error("engine server error:", error);
  return new HttpError(500, "The engine failed to process the request.", null, "internal_error");
}

function fail(res: ServerResponse, error: unknown, signal: AbortSignal) {
  if (signal.aborted || res.destroyed) return;
  if (res.headersSent) {
    res.end();
    return;
  }
  sendError(res, toHttpError(error));
}
