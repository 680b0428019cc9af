/**
 * One sampling step of the n-gram model under OpenAI's sampling parameters. The default settings
 * (temperature 1, top_p 1, no penalties) sample the interpolated distribution directly from the
 * precomputed cumulative counts; anything else materialises the (at most 2 × MAX_SUCCESSORS)
 * candidates into preallocated buffers, so a step allocates nothing.
 */
import { MAX_SUCCESSORS, type NgramModel } from "./model";
import type { Rng } from "./rng";

export interface SamplingSettings {
  /** 0 means greedy (argmax), which is deterministic whatever the seed. */
  temperature: number;
  topP: number;
  presencePenalty: number;
  frequencyPenalty: number;
}

const CAPACITY = 2 * MAX_SUCCESSORS;

/** Scratch space shared by all samplers of a model: a step runs synchronously, never interleaved. */
interface Scratch {
  ids: Int32Array;
  weights: Float64Array;
  sorted: Float64Array;
  /** stamp[id] === generation marks ids already among the candidates; slot[id] says where. */
  stamp: Uint32Array;
  slot: Int32Array;
  generation: number;
}

const scratches = new WeakMap<NgramModel, Scratch>();

function scratchFor(model: NgramModel): Scratch {
  let scratch = scratches.get(model);
  if (!scratch) {
    const V = model.vocab.length;
    scratch = {
      ids: new Int32Array(CAPACITY),
      weights: new Float64Array(CAPACITY),
      sorted: new Float64Array(CAPACITY),
      stamp: new Uint32Array(V),
      slot: new Int32Array(V),
      generation: 0,
    };
    scratches.set(model, scratch);
  }
  return scratch;
}

export class Sampler {
  private readonly fast: boolean;
  private readonly scratch: Scratch;
  /** How often each unit was produced, for presence/frequency penalties (only kept when used). */
  private readonly occurrences: Map<number, number> | null;

  constructor(
    private readonly model: NgramModel,
    private readonly settings: SamplingSettings,
    private readonly rng: Rng,
  ) {
    const penalised = settings.presencePenalty !== 0 || settings.frequencyPenalty !== 0;
    this.occurrences = penalised ? new Map() : null;
    this.fast = !penalised && settings.temperature === 1 && settings.topP >= 1;
    this.scratch = scratchFor(model);
  }

  observe(id: number): void {
    if (this.occurrences) this.occurrences.set(id, (this.occurrences.get(id) ?? 0) + 1);
  }

  /** The next unit after context (a, b). */
  sample(a: number, b: number): number {
    return this.fast ? this.sampleDirect(a, b) : this.sampleShaped(a, b);
  }

  /** Picks from a successor list in proportion to its counts (binary search over `cum`). */
  private pick(start: number, end: number): number {
    const { cum, next } = this.model;
    const r = this.rng() * cum[end - 1]!;
    let lo = start;
    let hi = end - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return next[lo]!;
  }

  private sampleDirect(a: number, b: number): number {
    const m = this.model;
    const c = m.triIndex.get(a * m.vocab.length + b);
    if (c !== undefined && this.rng() < m.triWeight[c]!) return this.pick(m.triStart[c]!, m.triStart[c + 1]!);
    const start = m.biStart[b]!;
    const end = m.biStart[b + 1]!;
    return start < end ? this.pick(start, end) : this.pick(m.uniStart, m.uniEnd);
  }

  /** Adds a successor list with total weight `mass` to the candidates; returns the new count. */
  private gather(start: number, end: number, mass: number, n: number): number {
    const { cum, next } = this.model;
    const { ids, weights, stamp, slot, generation } = this.scratch;
    const scale = mass / cum[end - 1]!;
    for (let j = start; j < end; j++) {
      const id = next[j]!;
      const p = (cum[j]! - (j > start ? cum[j - 1]! : 0)) * scale;
      if (stamp[id] === generation) {
        weights[slot[id]!]! += p;
      } else {
        stamp[id] = generation;
        slot[id] = n;
        ids[n] = id;
        weights[n] = p;
        n++;
      }
    }
    return n;
  }

  private sampleShaped(a: number, b: number): number {
    const m = this.model;
    const s = this.scratch;
    const { ids, weights } = s;
    s.generation = (s.generation + 1) >>> 0 || 1;
    const c = m.triIndex.get(a * m.vocab.length + b);
    const triMass = c === undefined ? 0 : m.triWeight[c]!;
    let n = 0;
    if (c !== undefined) n = this.gather(m.triStart[c]!, m.triStart[c + 1]!, triMass, n);
    const start = m.biStart[b]!;
    const end = m.biStart[b + 1]!;
    n = start < end ? this.gather(start, end, 1 - triMass, n) : this.gather(m.uniStart, m.uniEnd, 1 - triMass, n);

    const { temperature, topP, presencePenalty, frequencyPenalty } = this.settings;
    const occurrences = this.occurrences;
    if (occurrences) {
      // OpenAI's definition: logit -= frequency × count + presence × [count > 0].
      for (let i = 0; i < n; i++) {
        const count = occurrences.get(ids[i]!) ?? 0;
        weights[i] = Math.log(weights[i]!) - (count > 0 ? frequencyPenalty * count + presencePenalty : 0);
      }
    } else {
      for (let i = 0; i < n; i++) weights[i] = Math.log(weights[i]!);
    }
    let best = 0;
    for (let i = 1; i < n; i++) if (weights[i]! > weights[best]!) best = i;
    if (temperature === 0) return ids[best]!;

    const max = weights[best]!;
    const inverse = 1 / temperature;
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i] = Math.exp((weights[i]! - max) * inverse);
    if (topP < 1) {
      // The best candidate alone is the nucleus: pick it as greedy decoding would (ties included).
      if (weights[best]! >= total * topP) return ids[best]!;
      total = this.nucleus(n, total * topP);
    }

    let r = this.rng() * total;
    for (let i = 0; i < n; i++) {
      r -= weights[i]!;
      if (r < 0) return ids[i]!;
    }
    return ids[best]!;
  }

  /** Zeroes the candidates outside the smallest set holding `mass`; returns the kept total. */
  private nucleus(n: number, mass: number): number {
    const { weights, sorted } = this.scratch;
    const view = sorted.subarray(0, n);
    view.set(weights.subarray(0, n));
    view.sort();
    let kept = 0;
    let threshold = 0;
    for (let i = n - 1; i >= 0; i--) {
      threshold = view[i]!;
      kept += threshold;
      if (kept >= mass) break;
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (weights[i]! < threshold) weights[i] = 0;
      else total += weights[i]!;
    }
    return total;
  }
}
