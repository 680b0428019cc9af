/**
 * The decoding loop: picks units with the sampler, renders them to text, keeps an exact running
 * count of BPE tokens, and decides when the answer ends (`max_tokens`, or a natural end).
 *
 * Exact counting without re-encoding the whole output: o200k's pre-tokenizer never merges across
 * " word" (a space followed by a non-space), nor after a line break, so the output splits into
 * segments whose token counts add up. A segment is a word plus the punctuation and line breaks
 * attached to it; its count is cached by its text.
 */
import { NEWLINE, PUNCT, WORD, type NgramModel } from "./model";
import { mulberry32, type Rng } from "./rng";
import { Sampler, type SamplingSettings } from "./sampler";
import { countTokens } from "./tokenizer";

export interface GenerationSettings extends SamplingSettings {
  seed: number;
  maxTokens?: number;
  /** vLLM's `ignore_eos`: keep going until `max_tokens` (benchmarks want fixed-length answers). */
  ignoreEos: boolean;
  /** vLLM's `min_tokens`: no natural end before this many tokens. */
  minTokens: number;
}

export interface GenerationStart {
  /** The context (two unit ids) the first sampled unit is conditioned on. */
  context: [number, number];
  /** Units emitted before sampling starts (e.g. the topic word that opens a chat answer). */
  forced: number[];
  /** Render the first unit without its leading space (start of an answer, or after whitespace). */
  bare: boolean;
  /** Upper-case the first letter of the first word (an answer opening with a lower-case topic). */
  capitalize?: boolean;
}

/** Natural answers end at the first sentence end after a sampled length in this range. */
const MIN_NATURAL = 60;
const NATURAL_SPREAD = 140;
/** Greedy decoding can cycle without ever ending a sentence; give up this far past the target. */
const RAMBLE = 150;
/** The model's "context length": no answer is longer, whatever `max_tokens` asks. */
export const CONTEXT_LIMIT = 16_384;
const RESAMPLES = 8;

const segmentCounts = new Map<string, number>();
const SEGMENT_CACHE_LIMIT = 50_000;

function segmentTokens(text: string): number {
  let count = segmentCounts.get(text);
  if (count === undefined) {
    count = countTokens(text);
    if (segmentCounts.size >= SEGMENT_CACHE_LIMIT) segmentCounts.clear();
    segmentCounts.set(text, count);
  }
  return count;
}

export class TextGenerator {
  /** Tokens produced so far (exact BPE count of the concatenated output). */
  tokens = 0;
  finishReason: "stop" | "length" | null = null;
  private readonly sampler: Sampler;
  private readonly rng: Rng;
  private readonly target: number;
  private a: number;
  private b: number;
  private forced: number[];
  private bareNext: boolean;
  private capitalizeNext: boolean;
  private segment = "";
  private segmentCount = 0;
  private lastSentenceEnd = false;
  // The unit chosen by `measure`, so that `commit` does not redo the work.
  private pendingText = "";
  private pendingSegment = "";
  private pendingSegmentCount = 0;

  constructor(
    private readonly model: NgramModel,
    private readonly settings: GenerationSettings,
    start: GenerationStart,
  ) {
    this.rng = mulberry32(settings.seed);
    this.sampler = new Sampler(model, settings, this.rng);
    this.target = Math.max(settings.minTokens, MIN_NATURAL + Math.floor(this.rng() * NATURAL_SPREAD));
    [this.a, this.b] = start.context;
    this.forced = start.forced;
    this.bareNext = start.bare;
    this.capitalizeNext = start.capitalize ?? false;
  }

  /** The text of the next unit, or null once the answer is over (then `finishReason` is set). */
  next(): string | null {
    if (this.finishReason) return null;
    const { maxTokens, ignoreEos } = this.settings;
    const limit = maxTokens ?? (ignoreEos ? CONTEXT_LIMIT : Infinity);
    if (!ignoreEos && this.tokens >= this.target && (this.lastSentenceEnd || this.tokens >= this.target + RAMBLE)) {
      this.finishReason = "stop";
      return null;
    }
    if (this.tokens >= limit) {
      this.finishReason = "length";
      return null;
    }
    const remaining = limit - this.tokens;
    let id = this.forced.length > 0 ? this.forced.shift()! : this.sampler.sample(this.a, this.b);
    let cost = this.measure(id);
    // Near the limit, prefer another plausible unit that fits over overshooting `max_tokens`;
    // a one-token filler word always fits.
    for (let attempt = 0; cost > remaining && attempt < RESAMPLES; attempt++) {
      id = this.sampler.sample(this.a, this.b);
      cost = this.measure(id);
    }
    if (cost > remaining) cost = this.measure((id = this.model.fillerId));
    this.commit(id, cost);
    return this.pendingText;
  }

  /** Renders `id` after the current output and returns how many tokens it adds. */
  private measure(id: number): number {
    const m = this.model;
    const kind = m.kind[id]!;
    if (kind === WORD) {
      // A word starts a new segment: nothing before it can merge with it.
      this.pendingText = this.bareNext ? m.vocab[id]! : m.spaced[id]!;
      if (this.capitalizeNext) this.pendingText = this.pendingText.charAt(0).toUpperCase() + this.pendingText.slice(1);
      this.pendingSegment = this.pendingText;
      this.pendingSegmentCount = segmentTokens(this.pendingText);
      return this.pendingSegmentCount;
    }
    // Punctuation and line breaks merge with what precedes them in the segment (".\n\n" is one token).
    this.pendingText = m.vocab[id]!;
    this.pendingSegment = this.segment + this.pendingText;
    this.pendingSegmentCount = segmentTokens(this.pendingSegment);
    return this.pendingSegmentCount - this.segmentCount;
  }

  private commit(id: number, cost: number): void {
    const kind = this.model.kind[id]!;
    this.tokens += cost;
    this.segment = this.pendingSegment;
    this.segmentCount = this.pendingSegmentCount;
    if (kind === NEWLINE) {
      this.segment = "";
      this.segmentCount = 0;
    }
    this.bareNext = kind === NEWLINE;
    this.capitalizeNext = false;
    this.lastSentenceEnd = kind === PUNCT && this.model.sentenceEnd[id] === 1;
    this.sampler.observe(id);
    this.a = this.b;
    this.b = id;
  }
}
