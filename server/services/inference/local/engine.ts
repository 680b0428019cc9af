/**
 * The `local` engine: a CPU n-gram model behind the Engine contract, so the embedded default, the
 * playground and the tests have a real (if babbling) model to call, offline and without weights.
 */
import { randomUUID } from "node:crypto";
import {
  EngineError,
  type ChatChunk,
  type ChatMessage,
  type ChatRequest,
  type CompletionChunk,
  type CompletionRequest,
  type Engine,
  type EngineCallOptions,
  type EmbeddingRequest,
  type EmbeddingResult,
  type FinishReason,
  type SamplingParams,
} from "../types";
import { embedText } from "./embeddings";
import { CONTEXT_LIMIT, TextGenerator, type GenerationSettings, type GenerationStart } from "./generate";
import { getModel, splitUnits, WORD, type NgramModel } from "./model";
import { abortReason, Pacer } from "./pacing";
import { hashString, randomSeed, seedToState } from "./rng";
import { StopMatcher } from "./stop";
import { countChatTokens, countTokens, messageText } from "./tokenizer";

export interface LocalEngineOptions {
  /** Streaming pace; 0 (the default) generates as fast as the CPU allows. */
  tokensPerSecond?: number;
  /** Default and maximum embedding size; requests may ask for fewer with `dimensions`. */
  embeddingDimensions?: number;
}

export const DEFAULT_EMBEDDING_DIMENSIONS = 768;
const FINGERPRINT = "fp_local_ngram";

const clamp = (value: number | undefined, low: number, high: number, fallback: number) =>
  typeof value === "number" && Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : fallback;

function settingsFor(request: SamplingParams, promptKey: string): GenerationSettings {
  const temperature = clamp(request.temperature, 0, 2, 1);
  const extra = request.extra ?? {};
  const maxTokens = typeof request.max_tokens === "number" ? Math.min(CONTEXT_LIMIT, Math.max(0, Math.floor(request.max_tokens))) : undefined;
  // Greedy answers must not depend on an unseeded choice either (their length is sampled too).
  const seed =
    typeof request.seed === "number" && Number.isFinite(request.seed)
      ? seedToState(request.seed)
      : temperature === 0
        ? hashString(promptKey)
        : randomSeed();
  return {
    temperature,
    topP: clamp(request.top_p, 0, 1, 1),
    presencePenalty: clamp(request.presence_penalty, -2, 2, 0),
    frequencyPenalty: clamp(request.frequency_penalty, -2, 2, 0),
    seed,
    maxTokens,
    ignoreEos: extra.ignore_eos === true,
    minTokens: clamp(extra.min_tokens as number | undefined, 0, maxTokens ?? CONTEXT_LIMIT, 0),
  };
}

/** Words too common to tell what a question is about. */
const STOPWORDS = new Set(
  "the and for are but not you your yours with what which who whom this that these those there their from have has had was were will would could should can about into over under than then them they how why when where does did done tell give show write explain describe please some any more most much many very just also like make made get got want need know think let its it's our out use using".split(
    " ",
  ),
);

function lookup(model: NgramModel, word: string): number | undefined {
  const capitalised = word.charAt(0).toUpperCase() + word.slice(1);
  const lower = word.toLowerCase();
  return (
    model.index.get(capitalised) ??
    model.index.get(word) ??
    model.index.get(lower) ??
    model.index.get(lower.charAt(0).toUpperCase() + lower.slice(1))
  );
}

/** A chat answer opens with the last telling word of the user's last message, if the model knows it. */
function chatStart(model: NgramModel, messages: readonly ChatMessage[]): GenerationStart {
  const lastUser = [...messages].reverse().find((message) => message.role === "user");
  const words = messageText(lastUser?.content ?? "").match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i]!;
    if (word.length < 3 || STOPWORDS.has(word.toLowerCase())) continue;
    const id = lookup(model, word);
    if (id !== undefined && model.kind[id] === WORD) {
      return { context: [model.paragraphId, model.paragraphId], forced: [id], bare: true, capitalize: true };
    }
  }
  return { context: [model.periodId, model.paragraphId], forced: [], bare: true };
}

/** A completion continues from the last units of the prompt that the model knows. */
function completionStart(model: NgramModel, prompt: string): GenerationStart {
  const units = splitUnits(prompt);
  if (/\n[^\S\n]*\n\s*$/.test(prompt)) units.push("\n\n");
  else if (/\n\s*$/.test(prompt)) units.push("\n");
  const context: number[] = [];
  for (let i = units.length - 1; i >= 0 && context.length < 2; i--) {
    const id = model.index.get(units[i]!) ?? lookup(model, units[i]!);
    if (id !== undefined) context.unshift(id);
  }
  while (context.length < 2) context.unshift(context.length === 0 ? model.paragraphId : model.periodId);
  return { context: [context[0]!, context[1]!], forced: [], bare: prompt.length === 0 || /\s$/.test(prompt) };
}

/** The generated text as it may be sent: stop sequences applied, and the usage it amounts to. */
class TextRun {
  private readonly stop: StopMatcher | null;
  private sent = "";
  private done = false;

  constructor(
    private readonly generator: TextGenerator,
    stops: readonly string[] | undefined,
  ) {
    const matcher = new StopMatcher(stops ?? []);
    this.stop = matcher.active ? matcher : null;
  }

  get tokens(): number {
    return this.generator.tokens;
  }

  /** The next text to send ("" while a possible stop sequence is held back), or null at the end. */
  next(): string | null {
    if (this.done) return null;
    const unit = this.generator.next();
    if (unit === null) {
      this.done = true;
      const rest = this.stop?.flush() ?? "";
      this.sent += rest;
      return rest.length > 0 ? rest : null;
    }
    if (!this.stop) return unit;
    const out = this.stop.push(unit);
    this.sent += out;
    if (this.stop.stopped) this.done = true;
    return out;
  }

  get finishReason(): FinishReason {
    return this.stop?.stopped ? "stop" : (this.generator.finishReason ?? "stop");
  }

  /** Exact BPE count of what was sent; truncation at a stop sequence can split a segment. */
  get completionTokens(): number {
    return this.stop?.stopped ? countTokens(this.sent) : this.generator.tokens;
  }
}

const newId = (prefix: string) => `${prefix}-${randomUUID().replaceAll("-", "")}`;

export function createLocalEngine(options: LocalEngineOptions = {}): Engine {
  const tokensPerSecond = Math.max(0, options.tokensPerSecond ?? 0);
  const maxDimensions = options.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
  if (!Number.isInteger(maxDimensions) || maxDimensions < 1) {
    throw new Error(`embeddingDimensions must be a positive integer, got ${maxDimensions}`);
  }
  const model = getModel();

  async function* chat(request: ChatRequest, { signal }: EngineCallOptions): AsyncGenerator<ChatChunk> {
    if (signal.aborted) throw abortReason(signal);
    const promptTokens = countChatTokens(request.messages);
    const key = request.messages.map((m) => `${m.role}\u0000${messageText(m.content)}`).join("\u0001");
    const run = new TextRun(new TextGenerator(model, settingsFor(request, key), chatStart(model, request.messages)), request.stop);
    const pacer = new Pacer(tokensPerSecond);
    const base = { id: newId("chatcmpl"), object: "chat.completion.chunk" as const, created: Math.floor(Date.now() / 1000), model: request.model, system_fingerprint: FINGERPRINT };
    yield { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null, logprobs: null }] };
    for (let delta = run.next(); delta !== null; delta = run.next()) {
      const due = pacer.due(run.tokens, signal);
      if (due) await due;
      if (delta.length > 0) yield { ...base, choices: [{ index: 0, delta: { content: delta }, finish_reason: null, logprobs: null }] };
    }
    yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: run.finishReason, logprobs: null }] };
    const completionTokens = run.completionTokens;
    yield { ...base, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } };
  }

  async function* complete(request: CompletionRequest, { signal }: EngineCallOptions): AsyncGenerator<CompletionChunk> {
    if (signal.aborted) throw abortReason(signal);
    const promptTokens = countTokens(request.prompt);
    const run = new TextRun(new TextGenerator(model, settingsFor(request, request.prompt), completionStart(model, request.prompt)), request.stop);
    const pacer = new Pacer(tokensPerSecond);
    const base = { id: newId("cmpl"), object: "text_completion" as const, created: Math.floor(Date.now() / 1000), model: request.model };
    for (let delta = run.next(); delta !== null; delta = run.next()) {
      const due = pacer.due(run.tokens, signal);
      if (due) await due;
      if (delta.length > 0) yield { ...base, choices: [{ index: 0, text: delta, finish_reason: null, logprobs: null }] };
    }
    yield { ...base, choices: [{ index: 0, text: "", finish_reason: run.finishReason, logprobs: null }] };
    const completionTokens = run.completionTokens;
    yield { ...base, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } };
  }

  async function embed(request: EmbeddingRequest, { signal }: EngineCallOptions): Promise<EmbeddingResult> {
    if (signal.aborted) throw abortReason(signal);
    const dimensions = request.dimensions ?? maxDimensions;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > maxDimensions) {
      throw new EngineError(`dimensions must be an integer between 1 and ${maxDimensions}`, 400, false);
    }
    const vectors: number[][] = [];
    let promptTokens = 0;
    for (const input of request.input) {
      if (signal.aborted) throw abortReason(signal);
      const { vector, tokens } = embedText(input, dimensions);
      vectors.push(vector);
      promptTokens += tokens;
    }
    return { vectors, promptTokens };
  }

  return { chat, complete, embed };
}
