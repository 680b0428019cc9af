/** Small, fast, seedable randomness: sampling must be reproducible for a given `seed`. */

export type Rng = () => number;

/** mulberry32: 32-bit state, good enough statistically for sampling and far cheaper than crypto. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Final avalanche of murmur3, so that nearby inputs (seeds 1, 2, 3…) give unrelated streams. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units of `s[start, end)`; no substring allocation. */
export function hashString(s: string, start = 0, end = s.length, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** OpenAI seeds are arbitrary (possibly 64-bit, possibly negative) integers; fold them into 32 bits. */
export function seedToState(seed: number): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / 4294967296) >>> 0;
  return fmix32(low ^ fmix32(high ^ 0x9e3779b9));
}

export function randomSeed(): number {
  return (Math.random() * 4294967296) >>> 0;
}
