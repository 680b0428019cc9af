import { Pool, type Dispatcher } from "undici";
import {
  EngineError,
  type ChatChunk,
  type ChatRequest,
  type CompletionChunk,
  type CompletionRequest,
  type Engine,
  type EmbeddingRequest,
  type EmbeddingResult,
  type FinishReason,
  type SamplingParams,
  type TokenUsage,
} from "../types";

export interface UpstreamTimeouts {
  /** Until the upstream's response headers arrive. */
  connectMs: number;
  /** Until the first streamed event arrives. */
  firstTokenMs: number;
  /** For the whole request. */
  totalMs: number;
}

export interface UpstreamConfig {
  baseUrl: string;
  apiKey?: string;
  upstreamModel: string;
  timeouts: UpstreamTimeouts;
}

/**
 * An engine that relays to any server speaking OpenAI's API (vLLM, SGLang, TGI, Ollama, llama.cpp,
 * another provider). Streamed calls ask for usage in the stream, so the gateway sees tokens as they
 * come and the upstream's own counts at the end; a caller that only wants the whole answer gets
 * it from a plain request, which is cheaper for both sides.
 *
 * undici's pool rather than fetch or node:http: on these machines fetch costs more per request than
 * everything else the gateway does together, and node:http's client about 40 % more than the pool.
 */
export function createOpenAICompatibleEngine(config: UpstreamConfig): Engine {
  const base = new URL(config.baseUrl.replace(/\/+$/, "") + "/");
  const pool = new Pool(base.origin, { connect: { timeout: config.timeouts.connectMs }, keepAliveTimeout: 60_000 });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  const target = { base, pool, headers, timeouts: config.timeouts };

  const payload = (request: SamplingParams, rest: Record<string, unknown>) => {
    const { model: _model, extra, stop, ...sampling } = request;
    return JSON.stringify({
      ...extra,
      ...sampling,
      ...(stop && stop.length > 0 ? { stop } : {}),
      ...rest,
      model: config.upstreamModel,
    });
  };

  return {
    chat(request: ChatRequest, { signal, stream = true }) {
      const body = payload(request, {
        messages: request.messages,
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      });
      if (stream) return streamEvents<ChatChunk>(target, "chat/completions", body, signal);
      return wholeAnswer(target, "chat/completions", body, signal, (json: WholeChat) => {
        const choice = json.choices?.[0];
        const message = choice?.message ?? {};
        const toolCalls = (message.tool_calls ?? []).map((call, index) => ({ index, ...(call as object) }));
        return {
          id: json.id ?? "chatcmpl-upstream",
          object: "chat.completion.chunk",
          created: json.created ?? Math.floor(Date.now() / 1000),
          model: json.model ?? config.upstreamModel,
          choices: [
            {
              index: 0,
              delta: { role: "assistant", content: message.content ?? null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
              finish_reason: choice?.finish_reason ?? "stop",
            },
          ],
          usage: json.usage ?? null,
        };
      });
    },
    complete(request: CompletionRequest, { signal, stream = true }) {
      const body = payload(request, {
        prompt: request.prompt,
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      });
      if (stream) return streamEvents<CompletionChunk>(target, "completions", body, signal);
      return wholeAnswer(target, "completions", body, signal, (json: WholeCompletion) => ({
        id: json.id ?? "cmpl-upstream",
        object: "text_completion",
        created: json.created ?? Math.floor(Date.now() / 1000),
        model: json.model ?? config.upstreamModel,
        choices: [{ index: 0, text: json.choices?.[0]?.text ?? "", finish_reason: json.choices?.[0]?.finish_reason ?? "stop", logprobs: null }],
        usage: json.usage ?? null,
      }));
    },
    async embed(request: EmbeddingRequest, { signal }): Promise<EmbeddingResult> {
      const body = JSON.stringify({ model: config.upstreamModel, input: request.input, dimensions: request.dimensions, encoding_format: "float" });
      const json = (await requestJson(target, "embeddings", body, signal)) as {
        data?: Array<{ index: number; embedding: number[] }>;
        usage?: { prompt_tokens?: number };
      };
      if (!Array.isArray(json.data)) throw new EngineError("Upstream returned no embeddings.", 502, true);
      const vectors = [...json.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      return { vectors, promptTokens: json.usage?.prompt_tokens ?? 0 };
    },
  };
}

interface WholeChat {
  id?: string;
  created?: number;
  model?: string;
  choices?: Array<{ message?: { content?: string | null; tool_calls?: unknown[] }; finish_reason?: FinishReason }>;
  usage?: TokenUsage;
}

interface WholeCompletion {
  id?: string;
  created?: number;
  model?: string;
  choices?: Array<{ text?: string; finish_reason?: FinishReason }>;
  usage?: TokenUsage;
}

type ResponseBody = Dispatcher.ResponseData["body"];

interface Target {
  base: URL;
  pool: Pool;
  headers: Record<string, string>;
  timeouts: UpstreamTimeouts;
}

/** Sends a streamed request and resolves with its body once the headers are in; 5xx and refusals are retryable. */
async function open(target: Target, path: string, body: string, signal: AbortSignal): Promise<ResponseBody> {
  if (signal.aborted) throw signal.reason;
  let res: Dispatcher.ResponseData;
  try {
    res = await target.pool.request({
      path: target.base.pathname + path,
      method: "POST",
      headers: target.headers,
      body,
      signal,
      // Until the headers arrive; the body's own timeouts are the first-token and total ones below.
      headersTimeout: target.timeouts.connectMs,
      bodyTimeout: 0,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw unanswered(error);
  }
  const status = res.statusCode;
  if (status >= 500) {
    res.body.dump().catch(() => {});
    throw statusError(status, null);
  }
  if (status >= 400) throw statusError(status, await readJson(res.body, signal, target.timeouts.connectMs).catch(() => null));
  return res.body;
}

/** A request that got no answer: a 504 when the headers did not come in time, else a 502; both retryable. */
function unanswered(error: unknown): EngineError {
  if ((error as { code?: string }).code === "UND_ERR_HEADERS_TIMEOUT") return new EngineError("The model backend did not answer in time.", 504, true);
  return new EngineError("Could not connect to the model backend.", 502, true);
}

/** An answer with an error status: 5xx is retryable; a 4xx is the caller's, with the backend's message. */
function statusError(status: number, detail: unknown): EngineError {
  if (status >= 500) return new EngineError(`The model backend failed (HTTP ${status}).`, 502, true);
  const message = (detail as { error?: { message?: string } } | null | undefined)?.error?.message;
  return new EngineError(message ?? `The model backend refused the request (HTTP ${status}).`, status === 429 ? 429 : 400, false, detail ?? undefined);
}

/** Reads a whole JSON response body, within `timeoutMs`. */
function readJson(res: ResponseBody, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => res.destroy(new EngineError("The model backend took too long to answer.", 504, true)), timeoutMs);
    const onAbort = () => res.destroy(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => {
      done();
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new EngineError("The model backend sent malformed JSON.", 502, true));
      }
    });
    res.on("error", (error) => {
      done();
      reject(signal.aborted ? signal.reason : error instanceof EngineError ? error : new EngineError("The connection to the model backend broke.", 502, true));
    });
  });
}

/**
 * Sends a request whose answer is one JSON document and resolves with it parsed: the headers within
 * the connect timeout, the whole exchange within the total one. undici's dispatch rather than
 * `request`: no stream per answer, about 30 µs less CPU per call on these machines (measured alone,
 * ten interleaved pairs). 5xx and refusals are retryable; a 4xx keeps the backend's message.
 */
function requestJson(target: Target, path: string, body: string, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const chunks: Buffer[] = [];
    let status = 0;
    let controller: Dispatcher.DispatchController | null = null;
    // An abort before the pool has started the request is applied when it starts.
    let pendingAbort: Error | null = null;
    const abort = (reason: Error) => (controller ? controller.abort(reason) : (pendingAbort ??= reason));
    const onAbort = () => abort(signal.reason as Error);
    const timer = setTimeout(() => abort(new EngineError("The model backend took too long to answer.", 504, true)), target.timeouts.totalMs);
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    target.pool.dispatch(
      {
        path: target.base.pathname + path,
        method: "POST",
        headers: target.headers,
        body,
        headersTimeout: target.timeouts.connectMs,
        bodyTimeout: 0,
      },
      {
        onRequestStart(started) {
          controller = started;
          if (pendingAbort) started.abort(pendingAbort);
        },
        onResponseStart(_controller, statusCode) {
          status = statusCode;
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          done();
          if (status >= 500) return reject(statusError(status, null));
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            json = null;
          }
          if (status >= 400) return reject(statusError(status, json));
          if (json === null || typeof json !== "object") return reject(new EngineError("The model backend sent malformed JSON.", 502, true));
          resolve(json);
        },
        onResponseError(_controller, error) {
          done();
          if (signal.aborted) return reject(signal.reason);
          if (error instanceof EngineError) return reject(error);
          reject(status ? new EngineError("The connection to the model backend broke.", 502, true) : unanswered(error));
        },
      },
    );
  });
}

async function* wholeAnswer<TJson, TChunk>(
  target: Target,
  path: string,
  body: string,
  signal: AbortSignal,
  toChunk: (json: TJson) => TChunk,
): AsyncGenerator<TChunk> {
  const json = (await requestJson(target, path, body, signal)) as TJson & {
    error?: { message?: string };
  };
  if (json.error) throw new EngineError(json.error.message ?? "The model backend failed.", 502, true);
  yield toChunk(json);
}

/** Reads an SSE stream of JSON events, enforcing the first-token and total timeouts. */
async function* streamEvents<T>(target: Target, path: string, body: string, signal: AbortSignal): AsyncGenerator<T> {
  const res = await open(target, path, body, signal);
  const deadline = setTimeout(() => res.destroy(new EngineError("The model backend took too long to answer.", 504, false)), target.timeouts.totalMs);
  let firstTimer: NodeJS.Timeout | undefined = setTimeout(
    () => res.destroy(new EngineError("The model backend sent nothing in time.", 504, true)),
    target.timeouts.firstTokenMs,
  );
  const onAbort = () => res.destroy(signal.reason as Error);
  signal.addEventListener("abort", onAbort, { once: true });
  let first = true;
  let buffer = "";
  try {
    res.setEncoding("utf8");
    for await (const piece of res as AsyncIterable<string>) {
      buffer += piece;
      let boundary: number;
      while ((boundary = buffer.search(/\r?\n\r?\n/)) !== -1) {
        const event = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, "");
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n");
        if (!data) continue;
        if (data === "[DONE]") return;
        let parsed: T & { error?: { message?: string } };
        try {
          parsed = JSON.parse(data) as T & { error?: { message?: string } };
        } catch {
          throw new EngineError("The model backend sent a malformed event.", 502, first);
        }
        if (parsed.error) throw new EngineError(parsed.error.message ?? "The model backend failed.", 502, first);
        if (first) {
          first = false;
          clearTimeout(firstTimer);
          firstTimer = undefined;
        }
        yield parsed as Awaited<T>;
      }
    }
    throw new EngineError("The model backend closed the stream early.", 502, first);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof EngineError) throw error;
    throw new EngineError("The connection to the model backend broke.", 502, first);
  } finally {
    clearTimeout(deadline);
    clearTimeout(firstTimer);
    signal.removeEventListener("abort", onAbort);
    if (!res.readableEnded) res.destroy();
  }
}
