
import { admit, resolveModel } from "./admission";
import { invalidRequest, upstreamError } from "./errors";
import { errorReply, JsonReply, toGatewayError, type GatewayReply } from "./http";
import type { EmbeddingBody } from "./schemas";
import type { CallOptions, Tokenizer } from "./generate";
import { recordRefusal, UsageTracker } from "./tracker";
import type { GatewayCaller, GatewayDeps } from "./types";
import { EngineError } from "../types";

export async function createEmbeddings(
  deps: GatewayDeps,
  tokenizer: Tokenizer,
  caller: GatewayCaller,
  body: EmbeddingBody,
  options: CallOptions,
): Promise<GatewayReply> {
  const startedMs = deps.now().getTime();
  const { requestId } = options;
  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  let tracker: UsageTracker | null = null;
  let headers: Record<string, string> = { "x-request-id": requestId };
  try {
    const model = await resolveModel(deps, caller, body.model, "embeddings");
    if (body.dimensions && model.embeddingDimensions && body.dimensions > model.embeddingDimensions) {
      throw invalidRequest(`dimensions must be at most ${model.embeddingDimensions} for this model.`, "dimensions");
    }
    const promptTokens = inputs.reduce((sum, text) => sum + tokenizer.countTokens(text), 0);
    const tooLong = inputs.findIndex((text) => tokenizer.countTokens(text) > model.contextWindow);
    if (tooLong !== -1) {
      throw invalidRequest(
        `input[${tooLong}] is longer than this model's ${model.contextWindow}-token limit.`,
        "input",
        "context_length_exceeded",
      );
    }
    const admission = await admit(deps, caller, model, promptTokens, 0);
    headers = { ...admission.rateHeaders, ...headers };
    tracker = new UsageTracker({
      deps,
      caller,
      model,
      endpoint: "embeddings",
      requestId,
      promptTokens,
      admission,
      startedMs,
      countTokens: tokenizer.countTokens,
    });
    const result = await deps.engines.once(model.backends, (engine) =>
      engine.embed({ model: model.id, input: inputs, dimensions: body.dimensions }, { signal: options.signal }),
    );
    tracker.onUsage({ prompt_tokens: result.promptTokens || promptTokens, completion_tokens: 0, total_tokens: result.promptTokens || promptTokens });
    tracker.outputTokensOverride = 0;
    await tracker.finish("ok", 200);
    const usage = tracker.usage();
    return new JsonReply(
      {
        object: "list",
        data: result.vectors.map((vector, index) => ({
          object: "embedding",
          index,
          embedding: body.encoding_format === "base64" ? toBase64(vector) : vector,
        })),
        model: body.model,
        usage: { prompt_tokens: usage.prompt_tokens, total_tokens: usage.prompt_tokens },
      },
      200,
      headers,
    );
  } catch (error) {
    const failure =
      error instanceof EngineError
        ? error.status >= 502
          ? upstreamError(error.status as 502 | 503 | 504, error.message)
          : invalidRequest(error.message)
        : toGatewayError(error, requestId);
    if (tracker) await tracker.finish(options.signal.aborted ? "cancelled" : "error", failure.status);
    else recordRefusal(deps, caller, requestId, body.model, "embeddings", failure.status, startedMs);
    if (failure.status === 500) deps.log.error("embeddings failed", { requestId, error: String(error) });
    return errorReply(failure, requestId, headers);
  }
}


/** OpenAI's base64 encoding: the vector's float32 values, little-endian, as base64. */
function toBase64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}
