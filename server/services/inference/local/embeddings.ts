/**
 * Deterministic embeddings by signed feature hashing: words, word pairs, character trigrams and BPE
 * tokens are hashed into buckets with a ±1 sign, then the vector is L2-normalised. Texts sharing
 * words and word pieces get a higher cosine similarity than unrelated texts, which is all that
 * search and clustering demos need, without any weights.
 */
import { fmix32, hashString } from "./rng";
import { encodeTokens } from "./tokenizer";

const WORD_WEIGHT = 1;
const PAIR_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.25;
const TOKEN_WEIGHT = 0.25;
const WORD_PATTERN = /[\p{L}\p{N}]+/gu;

function add(vector: Float64Array, hash: number, weight: number) {
  const mixed = fmix32(hash);
  // The bucket and the sign come from different bits, so colliding features tend to cancel out.
  vector[mixed % vector.length]! += mixed & 0x80000000 ? -weight : weight;
}

export interface Embedded {
  vector: number[];
  tokens: number;
}

export function embedText(text: string, dimensions: number): Embedded {
  const vector = new Float64Array(dimensions);
  const tokens = encodeTokens(text);
  for (const token of tokens) add(vector, token ^ 0x5bd1e995, TOKEN_WEIGHT);

  const lower = text.toLowerCase();
  let previous = 0;
  for (const match of lower.matchAll(WORD_PATTERN)) {
    const word = match[0];
    const hash = hashString(word);
    add(vector, hash, WORD_WEIGHT);
    if (previous !== 0) add(vector, Math.imul(previous, 31) ^ hash ^ 0x27d4eb2f, PAIR_WEIGHT);
    previous = hash;
    // Trigrams of "#word#" make "gpu" and "gpus" close even though they are different words.
    const padded = `#${word}#`;
    for (let i = 0; i + 3 <= padded.length; i++) add(vector, hashString(padded, i, i + 3, 0x9747b28c), TRIGRAM_WEIGHT);
  }

  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += vector[i]! * vector[i]!;
  const result = new Array<number>(dimensions);
  if (norm === 0) {
    // Empty or featureless text still gets a unit vector, the same one every time.
    result.fill(0);
    result[fmix32(0x1b873593) % dimensions] = 1;
    return { vector: result, tokens: tokens.length };
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) result[i] = vector[i]! * scale;
  return { vector: result, tokens: tokens.length };
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
