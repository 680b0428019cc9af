/**
 * A word-level trigram language model with Witten-Bell-style interpolation towards bigrams (and
 * unigrams when a word was never followed by anything). It is trained once per process from the
 * bundled corpus and frozen into flat typed arrays, so that sampling a word costs a Map lookup and
 * a binary search.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** A word (rendered with a leading space), attached punctuation, or a line/paragraph break. */
export const WORD = 0;
export const PUNCT = 1;
export const NEWLINE = 2;

/** Successors kept per context: the long tail adds little but would make every sampling step slow. */
export const MAX_SUCCESSORS = 48;

/**
 * How strongly a trigram context defers to its bigram: the weight of the bigram is
 * BACKOFF * types / (count + BACKOFF * types). Below 1 the output copies longer runs of the corpus
 * (more readable); above 1 it wanders more.
 */
const BACKOFF = 0.6;

export const LINE_BREAK = "\n";
export const PARAGRAPH_BREAK = "\n\n";

export interface NgramModel {
  /** Unit text without any leading space. */
  readonly vocab: readonly string[];
  /** `" " + vocab[id]` for words, `vocab[id]` for attached units: the usual rendering. */
  readonly spaced: readonly string[];
  readonly kind: Uint8Array;
  /** 1 when the unit ends a sentence ("." "!" "?" and runs of them). */
  readonly sentenceEnd: Uint8Array;
  readonly index: ReadonlyMap<string, number>;
  /** Successor lists of every context, concatenated; `cum` is cumulative within each list. */
  readonly next: Int32Array;
  readonly cum: Float64Array;
  /** Bigram context `a` owns next[biStart[a], biStart[a + 1]). */
  readonly biStart: Uint32Array;
  /** Trigram context (a, b) has number `triIndex.get(a * V + b)`, owning next[triStart[c], triStart[c + 1]). */
  readonly triIndex: ReadonlyMap<number, number>;
  readonly triStart: Uint32Array;
  /** Weight of the trigram list versus the bigram list, per trigram context, in [0, 1]. */
  readonly triWeight: Float64Array;
  readonly uniStart: number;
  readonly uniEnd: number;
  readonly paragraphId: number;
  readonly lineId: number;
  readonly periodId: number;
  /** A one-token word that is always acceptable; used to fill the last slots of `max_tokens`. */
  readonly fillerId: number;
  readonly trainMs: number;
}

const SENTENCE_PUNCT = /^[.,;:!?]+$/;
const TRAILING_PUNCT = /^(.*?[^.,;:!?])([.,;:!?]+)$/;

/**
 * Split text into model units. Words keep any non-sentence punctuation they carry ("(for", "`npm"),
 * trailing sentence punctuation becomes its own attached unit, blank lines become paragraph breaks.
 */
export function splitUnits(text: string): string[] {
  const units: string[] = [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let blank = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.length === 0) {
      blank++;
      continue;
    }
    if (units.length > 0) units.push(blank > 0 ? PARAGRAPH_BREAK : LINE_BREAK);
    blank = 0;
    for (const chunk of line.split(/\s+/)) {
      const m = TRAILING_PUNCT.exec(chunk);
      if (m) units.push(m[1]!, m[2]!);
      else units.push(chunk);
    }
  }
  return units;
}

function unitKind(unit: string): number {
  if (unit === LINE_BREAK || unit === PARAGRAPH_BREAK) return NEWLINE;
  return SENTENCE_PUNCT.test(unit) ? PUNCT : WORD;
}

/** Counts of successors per context, as they are gathered during training. */
type Counts = Map<number, Map<number, number>>;

function bump(counts: Counts, key: number, next: number) {
  let successors = counts.get(key);
  if (!successors) counts.set(key, (successors = new Map()));
  successors.set(next, (successors.get(next) ?? 0) + 1);
}

export function trainModel(text: string): NgramModel {
  const started = performance.now();
  const units = splitUnits(text);
  // Surround the corpus with paragraph breaks so that (break, break) is a valid "start" context.
  units.unshift(PARAGRAPH_BREAK);
  units.push(PARAGRAPH_BREAK);
  const index = new Map<string, number>();
  const vocab: string[] = [];
  const ids = new Int32Array(units.length);
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    let id = index.get(unit);
    if (id === undefined) {
      id = vocab.length;
      index.set(unit, id);
      vocab.push(unit);
    }
    ids[i] = id;
  }
  const V = vocab.length;
  const unigram = new Map<number, number>();
  const bigram: Counts = new Map();
  const trigram: Counts = new Map();
  for (let i = 1; i < ids.length; i++) {
    const b = ids[i - 1]!;
    const w = ids[i]!;
    unigram.set(w, (unigram.get(w) ?? 0) + 1);
    bump(bigram, b, w);
    if (i >= 2) bump(trigram, ids[i - 2]! * V + b, w);
  }

  const next: number[] = [];
  const cum: number[] = [];
  /** Appends a successor list, most frequent first, truncated; returns its number of types. */
  const append = (successors: Map<number, number>) => {
    const sorted = [...successors].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, MAX_SUCCESSORS);
    let total = 0;
    for (const [id, count] of sorted) {
      total += count;
      next.push(id);
      cum.push(total);
    }
    return { types: sorted.length, total };
  };

  const biStart = new Uint32Array(V + 1);
  for (let a = 0; a < V; a++) {
    biStart[a] = next.length;
    const successors = bigram.get(a);
    if (successors) append(successors);
  }
  biStart[V] = next.length;

  const triIndex = new Map<number, number>();
  const triStart = new Uint32Array(trigram.size + 1);
  const triWeight = new Float64Array(trigram.size);
  let c = 0;
  for (const [key, successors] of trigram) {
    triIndex.set(key, c);
    triStart[c] = next.length;
    const { types, total } = append(successors);
    triWeight[c] = total / (total + BACKOFF * types);
    c++;
  }
  triStart[c] = next.length;

  const uniStart = next.length;
  append(unigram);
  const uniEnd = next.length;

  const kind = new Uint8Array(V);
  const sentenceEnd = new Uint8Array(V);
  const spaced: string[] = [];
  for (let id = 0; id < V; id++) {
    const unit = vocab[id]!;
    kind[id] = unitKind(unit);
    sentenceEnd[id] = kind[id] === PUNCT && /[.!?]/.test(unit) ? 1 : 0;
    spaced.push(kind[id] === WORD ? " " + unit : unit);
  }
  const idOf = (unit: string) => {
    const id = index.get(unit);
    if (id === undefined) throw new Error(`local engine corpus has no "${JSON.stringify(unit)}"`);
    return id;
  };

  return {
    vocab,
    spaced,
    kind,
    sentenceEnd,
    index,
    next: Int32Array.from(next),
    cum: Float64Array.from(cum),
    biStart,
    triIndex,
    triStart,
    triWeight,
    uniStart,
    uniEnd,
    paragraphId: idOf(PARAGRAPH_BREAK),
    lineId: idOf(LINE_BREAK),
    periodId: idOf("."),
    fillerId: idOf("and"),
    trainMs: performance.now() - started,
  };
}

/**
 * Where the corpus lives. Next.js bundles server code elsewhere, where `import.meta.url` no longer
 * points next to this file, so the source tree under the working directory is the fallback.
 */
export function corpusDirectory(): string {
  const candidates: string[] = [];
  if (process.env.LOCAL_ENGINE_CORPUS_DIR) candidates.push(process.env.LOCAL_ENGINE_CORPUS_DIR);
  try {
    candidates.push(path.join(path.dirname(fileURLToPath(import.meta.url)), "corpus"));
  } catch {
    // Not a file: URL (bundled); the working-directory candidate below still applies.
  }
  candidates.push(path.join(process.cwd(), "server", "services", "inference", "local", "corpus"));
  const found = candidates.find((dir) => existsSync(path.join(dir, "README.md")));
  if (!found) throw new Error(`local engine corpus not found (looked in ${candidates.join(", ")})`);
  return found;
}

export function readCorpus(dir = corpusDirectory()): string {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".txt"))
    .sort()
    .map((name) => readFileSync(path.join(dir, name), "utf8"))
    .join("\n\n");
}

let shared: NgramModel | undefined;

/** The model of this process, trained on first use. */
export function getModel(): NgramModel {
  shared ??= trainModel(readCorpus());
  return shared;
}
