/**
 * Validation of OpenAI request bodies into the Engine contract's requests. Known fields are checked
 * with OpenAI's limits and error wording style; unknown fields travel in `extra` (e.g. vLLM's
 * `ignore_eos` and `min_tokens`, which the local engine honours).
 */
import type { ChatMessage, ChatRequest, CompletionRequest, EmbeddingRequest, SamplingParams } from "../services/inference/types";
import { decodeTokens } from "../services/inference/local/tokenizer";
import { HttpError } from "./http";

type Body = Record<string, unknown>;

export interface StreamOptions {
  stream: boolean;
  includeUsage: boolean;
}

const SAMPLING_FIELDS = new Set([
  "model",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "stream",
  "stream_options",
  "n",
]);
const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);
const MAX_STOPS = 4;
const MAX_EMBEDDING_INPUTS = 2048;

const bad = (param: string, message: string) => new HttpError(400, message, param, "invalid_value");
const present = (value: unknown) => value !== undefined && value !== null;

export function asObject(body: unknown): Body {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "The request body must be a JSON object.");
  }
  return body as Body;
}

function model(body: Body): string {
  if (typeof body.model !== "string" || body.model.length === 0) {
    throw new HttpError(400, "you must provide a model parameter", "model", "missing_required_parameter");
  }
  return body.model;
}

function number(body: Body, param: string, min: number, max: number, integer = false): number | undefined {
  const value = body[param];
  if (!present(value)) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw bad(param, `'${param}' must be ${integer ? "an integer" : "a number"}.`);
  }
  if (value < min || value > max) throw bad(param, `'${param}' must be between ${min} and ${max}, got ${value}.`);
  return value;
}

function stops(body: Body): string[] | undefined {
  const value = body.stop;
  if (!present(value)) return undefined;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== "string")) {
    throw bad("stop", "'stop' must be a string or an array of strings.");
  }
  if (list.length > MAX_STOPS) throw bad("stop", `'stop' accepts at most ${MAX_STOPS} sequences.`);
  return list as string[];
}

function sampling(body: Body): SamplingParams & StreamOptions {
  const n = number(body, "n", 1, 128, true);
  if (n !== undefined && n !== 1) throw bad("n", "This engine supports only n=1.");
  if (present(body.stream) && typeof body.stream !== "boolean") throw bad("stream", "'stream' must be a boolean.");
  const options = body.stream_options;
  if (present(options) && (typeof options !== "object" || Array.isArray(options))) {
    throw bad("stream_options", "'stream_options' must be an object.");
  }
  const includeUsage = (options as Body | null | undefined)?.include_usage;
  if (present(includeUsage) && typeof includeUsage !== "boolean") {
    throw bad("stream_options.include_usage", "'stream_options.include_usage' must be a boolean.");
  }
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!SAMPLING_FIELDS.has(key) && key !== "messages" && key !== "prompt") extra[key] = value;
  }
  return {
    model: model(body),
    max_tokens: number(body, "max_completion_tokens", 1, 1_000_000, true) ?? number(body, "max_tokens", 1, 1_000_000, true),
    temperature: number(body, "temperature", 0, 2),
    top_p: number(body, "top_p", 0, 1),
    stop: stops(body),
    seed: number(body, "seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true),
    presence_penalty: number(body, "presence_penalty", -2, 2),
    frequency_penalty: number(body, "frequency_penalty", -2, 2),
    extra,
    stream: body.stream === true,
    includeUsage: includeUsage === true,
  };
}

/** Drops the keys whose value is undefined, so engines see absent rather than undefined fields. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

function messages(body: Body): ChatMessage[] {
  const list = body.messages;
  if (!Array.isArray(list) || list.length === 0) {
    throw new HttpError(400, "'messages' must be a non-empty array.", "messages", "invalid_value");
  }
  return list.map((message: unknown, i) => {
    if (typeof message !== "object" || message === null) throw bad(`messages[${i}]`, `'messages[${i}]' must be an object.`);
    const { role, content } = message as Body;
    if (typeof role !== "string" || !ROLES.has(role)) {
      throw bad(`messages[${i}].role`, `'messages[${i}].role' must be one of ${[...ROLES].join(", ")}.`);
    }
    if (present(content) && typeof content !== "string" && !Array.isArray(content)) {
      throw bad(`messages[${i}].content`, `'messages[${i}].content' must be a string or an array of content parts.`);
    }
    return message as ChatMessage;
  });
}

export function parseChat(body: Body): { request: ChatRequest; options: StreamOptions } {
  const { stream, includeUsage, ...params } = sampling(body);
  return { request: compact({ ...params, messages: messages(body) }), options: { stream, includeUsage } };
}

const isTokenList = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((item) => Number.isInteger(item) && item >= 0);

function decoded(tokens: number[], param: string): string {
  try {
    return decodeTokens(tokens);
  } catch {
    throw bad(param, `'${param}' contains an unknown token id.`);
  }
}

function prompt(body: Body): string {
  const value = body.prompt;
  if (typeof value === "string") return value;
  if (isTokenList(value)) return decoded(value, "prompt");
  if (Array.isArray(value) && value.length === 1) {
    const only: unknown = value[0];
    if (typeof only === "string") return only;
    if (isTokenList(only)) return decoded(only, "prompt");
  }
  if (Array.isArray(value) && value.length > 1) throw bad("prompt", "This engine accepts one prompt per request.");
  throw new HttpError(400, "'prompt' must be a string.", "prompt", "invalid_value");
}

export function parseCompletion(body: Body): { request: CompletionRequest; options: StreamOptions } {
  const { stream, includeUsage, ...params } = sampling(body);
  return { request: compact({ ...params, prompt: prompt(body) }), options: { stream, includeUsage } };
}

export function parseEmbedding(body: Body): { request: EmbeddingRequest; encoding: "float" | "base64" } {
  const value = body.input;
  let input: string[];
  if (typeof value === "string") input = [value];
  else if (isTokenList(value)) input = [decoded(value, "input")];
  else if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string")) input = value as string[];
  else if (Array.isArray(value) && value.length > 0 && value.every(isTokenList)) input = value.map((item) => decoded(item, "input"));
  else throw new HttpError(400, "'input' must be a string, an array of strings, or token arrays.", "input", "invalid_value");
  if (input.length > MAX_EMBEDDING_INPUTS) throw bad("input", `'input' accepts at most ${MAX_EMBEDDING_INPUTS} items.`);
  if (input.some((text) => text.length === 0)) throw bad("input", "'input' cannot contain empty strings.");
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") throw bad("encoding_format", "'encoding_format' must be 'float' or 'base64'.");
  const dimensions = number(body, "dimensions", 1, 65_536, true);
  return { request: compact({ model: model(body), input, dimensions }), encoding: format };
}
