import { EngineError, type ChatChunk, type ChatMessage, type CompletionChunk, type Engine, type FinishReason, type SamplingParams } from "../types";
import { admit, resolveModel } from "./admission";
import type { CatalogModel } from "../../catalog/models";
import { GatewayError, invalidRequest, upstreamError } from "./errors";
import { errorReply, JsonReply, sseEvent, sseHeaders, toGatewayError, type GatewayReply } from "./http";
import type { ChatCompletionBody, CompletionBody } from "./schemas";
import { recordRefusal, UsageTracker } from "./tracker";
import type { GatewayCaller, GatewayDeps } from "./types";

export interface Tokenizer {
  countTokens(text: string): number;
  countChatTokens(messages: readonly ChatMessage[]): number;
}

export interface CallOptions {
  requestId: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** The most output a request may produce, and a 400 when the prompt leaves no room for it. */
function outputBudget(model: CatalogModel, promptTokens: number, requested: number | null | undefined, param: string) {
  const room = model.contextWindow - promptTokens;
  if (room <= 0) {
    throw invalidRequest(
      `This model's context window is ${model.contextWindow} tokens, but your prompt has ${promptTokens} tokens. Shorten the prompt.`,
      "messages",
      "context_length_exceeded",
    );
  }
  if (requested != null) {
    if (requested > model.maxOutputTokens) {
      throw invalidRequest(`${param} is ${requested}, but this model produces at most ${model.maxOutputTokens} tokens.`, param);
    }
    if (requested > room) {
      throw invalidRequest(
        `This model's context window is ${model.contextWindow} tokens: your prompt (${promptTokens}) plus ${param} (${requested}) exceeds it.`,
        param,
        "context_length_exceeded",
      );
    }
    return requested;
  }
  return Math.min(model.maxOutputTokens, room);
}

function samplingOf(body: ChatCompletionBody | CompletionBody, model: CatalogModel, maxTokens: number): SamplingParams {
  const stop = body.stop == null ? undefined : Array.isArray(body.stop) ? body.stop : [body.stop];
  return {
    model: model.id,
    max_tokens: maxTokens,
    temperature: body.temperature ?? undefined,
    top_p: body.top_p ?? undefined,
    stop,
    seed: body.seed ?? undefined,
    presence_penalty: body.presence_penalty ?? undefined,
    frequency_penalty: body.frequency_penalty ?? undefined,
  };
}

function engineFailure(error: unknown): GatewayError | null {
  if (!(error instanceof EngineError)) return null;
  if (error.status === 503 || error.status === 504 || error.status === 502) return upstreamError(error.status, error.message);
  if (error.status === 429) return new GatewayError(429, "upstream", "rate_limit_exceeded", error.message);
  return invalidRequest(error.message);
}

interface StreamShape<TChunk> {
  textOf(chunk: TChunk): string;
  finishOf(chunk: TChunk): FinishReason | null;
  isUsageOnly(chunk: TChunk): boolean;
  rewrite(chunk: TChunk): TChunk;
  usageChunk(usage: ReturnType<UsageTracker["usage"]>): TChunk;
  assemble(chunks: TChunk[], usage: ReturnType<UsageTracker["usage"]>, finish: FinishReason): unknown;
}

/**
 * The common path of chat and text completions: resolve and admit, start the engine (with
 * failover until the first chunk), then either stream chunks as they arrive or assemble them,
 * and bill the request once whatever ends it.
 */
async function generate<TChunk extends { usage?: unknown }>(
  deps: GatewayDeps,
  caller: GatewayCaller,
  options: CallOptions,
  spec: {
    endpoint: "chat" | "completions";
    modelId: string;
    stream: boolean;
    includeUsage: boolean;
    promptTokens: (model: CatalogModel) => number;
    requestedMax: number | null | undefined;
    maxParam: string;
    start: (engine: Engine, model: CatalogModel, maxTokens: number, signal: AbortSignal) => AsyncIterable<TChunk>;
    shape: StreamShape<TChunk>;
    countTokens: (text: string) => number;
  },
): Promise<GatewayReply> {
  const startedMs = deps.now().getTime();
  const { requestId } = options;
  let tracker!: UsageTracker;
  let rateHeaders!: Record<string, string>;
  let iterator!: AsyncIterator<TChunk>;
  // A stream can also be cancelled by its reader, so it gets a signal of its own that follows the
  // client's; a whole answer needs only the client's.
  const abort = spec.stream ? new AbortController() : null;
  if (abort) options.signal.addEventListener("abort", () => abort.abort(), { once: true });
  const signal = abort?.signal ?? options.signal;
  try {
    const model = await resolveModel(deps, caller, spec.modelId, spec.endpoint);
    const promptTokens = spec.promptTokens(model);
    const maxTokens = outputBudget(model, promptTokens, spec.requestedMax, spec.maxParam);
    const admission = await admit(deps, caller, model, promptTokens, maxTokens);
    rateHeaders = admission.rateHeaders;
    tracker = new UsageTracker({
      deps,
      caller,
      model,
      endpoint: spec.endpoint,
      requestId,
      promptTokens,
      admission,
      startedMs,
      countTokens: spec.countTokens,
    });
    iterator = deps.engines
      .stream(model.backends, (engine) => spec.start(engine, model, maxTokens, signal))
      [Symbol.asyncIterator]();
  } catch (error) {
    // Refused before reaching a model (unknown model, limits, context length): metered at no cost.
    const failure = toGatewayError(error, requestId);
    recordRefusal(deps, caller, requestId, spec.modelId, spec.endpoint, failure.status, startedMs);
    return errorReply(failure, requestId);
  }

  const headers = { ...rateHeaders, "x-request-id": requestId };
  let first: IteratorResult<TChunk>;
  try {
    first = await iterator.next();
  } catch (error) {
    const failure = engineFailure(error) ?? toGatewayError(error, requestId);
    const cancelled = options.signal.aborted;
    await tracker.finish(cancelled ? "cancelled" : "error", failure.status);
    // A client that went away is metered as cancelled; only a failure of ours is logged.
    if (!(error instanceof EngineError) && !cancelled) deps.log.error("generation failed", { requestId, error: String(error) });
    return errorReply(failure, requestId, headers);
  }

  const { shape } = spec;
  let finish: FinishReason = "stop";
  const observe = (chunk: TChunk) => {
    tracker.onText(shape.textOf(chunk));
    tracker.onUsage(chunk.usage as never);
    finish = shape.finishOf(chunk) ?? finish;
  };

  if (!spec.stream) {
    const chunks: TChunk[] = [];
    try {
      for (let next = first; !next.done; next = await iterator.next()) {
        observe(next.value);
        chunks.push(next.value);
      }
    } catch (error) {
      const failure = engineFailure(error) ?? toGatewayError(error, requestId);
      await tracker.finish(options.signal.aborted ? "cancelled" : "error", failure.status);
      return errorReply(failure, requestId, headers);
    }
    await tracker.finish("ok", 200);
    return new JsonReply(shape.assemble(chunks, tracker.usage(), finish), 200, headers);
  }

  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let status: "ok" | "error" | "cancelled" = "ok";
      let httpStatus = 200;
      try {
        for (let next = first; !next.done; next = await iterator.next()) {
          observe(next.value);
          if (shape.isUsageOnly(next.value)) continue;
          controller.enqueue(sseEvent(shape.rewrite(next.value)));
        }
        if (spec.includeUsage) controller.enqueue(sseEvent(shape.usageChunk(tracker.usage())));
        controller.enqueue(sseEvent("[DONE]"));
      } catch (error) {
        if (signal.aborted) {
          status = "cancelled";
          httpStatus = 499;
        } else {
          const failure = engineFailure(error) ?? toGatewayError(error, requestId);
          status = "error";
          httpStatus = failure.status;
          // Headers are gone; OpenAI clients raise an APIError for an error event mid-stream.
          try {
            controller.enqueue(sseEvent(failure.toJSON()));
          } catch {
            // The client is already gone.
          }
        }
      } finally {
        await tracker.finish(status, httpStatus);
        try {
          controller.close();
        } catch {
          // Closed by a cancel.
        }
      }
    },
    cancel() {
      abort?.abort();
      void iterator.return?.(undefined);
    },
  });
  return new Response(body, { status: 200, headers: sseHeaders(headers) });
}

/** Chat parameters the gateway does not act on itself, forwarded to upstreams that support them. */
const PASSED_THROUGH = ["tools", "tool_choice", "parallel_tool_calls", "response_format", "logit_bias", "user"] as const;

export function createChatCompletion(
  deps: GatewayDeps,
  tokenizer: Tokenizer,
  caller: GatewayCaller,
  body: ChatCompletionBody,
  options: CallOptions,
): Promise<GatewayReply> {
  const created = Math.floor(deps.now().getTime() / 1000);
  const id = `chatcmpl-${options.requestId.slice(4)}`;
  const messages = body.messages.map((m) => (m.content == null ? { ...m, content: null } : m)) as ChatMessage[];
  const passThrough: Record<string, unknown> = {};
  for (const name of PASSED_THROUGH) if (body[name] != null) passThrough[name] = body[name];
  return generate<ChatChunk>(deps, caller, options, {
    endpoint: "chat",
    modelId: body.model,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    promptTokens: () => tokenizer.countChatTokens(messages),
    requestedMax: body.max_completion_tokens ?? body.max_tokens,
    maxParam: body.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens",
    countTokens: tokenizer.countTokens,
    start: (engine, model, maxTokens, signal) =>
      engine.chat(
        {
          ...samplingOf(body, model, maxTokens),
          messages,
          extra: passThrough,
        },
        { signal, stream: body.stream === true },
      ),
    shape: {
      textOf: (c) => c.choices[0]?.delta?.content ?? "",
      finishOf: (c) => c.choices[0]?.finish_reason ?? null,
      isUsageOnly: (c) => c.choices.length === 0,
      rewrite: (c) => ({ ...c, id, created, model: body.model, usage: undefined }),
      usageChunk: (usage) => ({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage }),
      assemble: (chunks, usage, finish) => {
        let content = "";
        const toolCalls: Array<{ id?: string; type?: string; function: { name: string; arguments: string } }> = [];
        for (const chunk of chunks) {
          const delta = chunk.choices[0]?.delta;
          if (!delta) continue;
          content += delta.content ?? "";
          for (const raw of (delta.tool_calls ?? []) as Array<{
            index: number;
            id?: string;
            type?: string;
            function?: { name?: string; arguments?: string };
          }>) {
            const call = (toolCalls[raw.index] ??= { function: { name: "", arguments: "" } });
            if (raw.id) call.id = raw.id;
            if (raw.type) call.type = raw.type;
            call.function.name += raw.function?.name ?? "";
            call.function.arguments += raw.function?.arguments ?? "";
          }
        }
        return {
          id,
          object: "chat.completion",
          created,
          model: body.model,
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: toolCalls.length > 0 && content === "" ? null : content,
                refusal: null,
                ...(toolCalls.length > 0 ? { tool_calls: toolCalls.filter(Boolean) } : {}),
              },
              logprobs: null,
              finish_reason: finish,
            },
          ],
          usage,
        };
      },
    },
  });
}

export function createCompletion(
  deps: GatewayDeps,
  tokenizer: Tokenizer,
  caller: GatewayCaller,
  body: CompletionBody,
  options: CallOptions,
): Promise<GatewayReply> {
  const created = Math.floor(deps.now().getTime() / 1000);
  const id = `cmpl-${options.requestId.slice(4)}`;
  const prompt = Array.isArray(body.prompt) ? body.prompt[0]! : body.prompt;
  return generate<CompletionChunk>(deps, caller, options, {
    endpoint: "completions",
    modelId: body.model,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    promptTokens: () => tokenizer.countTokens(prompt),
    requestedMax: body.max_tokens ?? (body.max_completion_tokens as number | null | undefined),
    maxParam: "max_tokens",
    countTokens: tokenizer.countTokens,
    start: (engine, model, maxTokens, signal) =>
      engine.complete({ ...samplingOf(body, model, maxTokens), prompt }, { signal, stream: body.stream === true }),
    shape: {
      textOf: (c) => c.choices[0]?.text ?? "",
      finishOf: (c) => c.choices[0]?.finish_reason ?? null,
      isUsageOnly: (c) => c.choices.length === 0,
      rewrite: (c) => ({ ...c, id, created, model: body.model, usage: undefined }),
      usageChunk: (usage) => ({ id, object: "text_completion", created, model: body.model, choices: [], usage }),
      assemble: (chunks, usage, finish) => ({
        id,
        object: "text_completion",
        created,
        model: body.model,
        choices: [
          {
            index: 0,
            text: (body.echo ? prompt : "") + chunks.map((c) => c.choices[0]?.text ?? "").join(""),
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage,
      }),
    },
  });
}
