/**
 * A small seeded PRNG (mulberry32) with the helpers the generator needs. The generator never uses
 * Math.random or the clock, so one seed always yields byte-identical cities.
 */

/** A seeded source of pseudo-random numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** One key, chosen with probability proportional to its weight. */
  weighted<T extends string>(weights: Readonly<Record<T, number>>): T;
}

/** mulberry32: 32-bit state, good enough statistical quality for test data, and fast. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mix 32-bit values into one well-spread seed (murmur3 finalizer), so nearby keys give unrelated streams. */
export function mixSeed(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const k of keys) {
    h ^= Math.imul((k >>> 0) ^ ((k / 4294967296) >>> 0), 0x85ebca6b);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * An independent stream for (seed, ...keys). Giving every branch its own stream keeps generation
 * streaming (branch i never depends on branches before it) and makes a branch's data stable when the
 * city grows.
 */
export function rngFor(seed: number, ...keys: number[]): Rng {
  const next = mulberry32(mixSeed(seed, ...keys));
  const rng: Rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (weights) => {
      const entries = Object.entries(weights) as [keyof typeof weights, number][];
      let total = 0;
      for (const [, w] of entries) total += w;
      let r = next() * total;
      for (const [k, w] of entries) {
        r -= w;
        if (r < 0) return k;
      }
      return entries[entries.length - 1]![0];
    },
  };
  return rng;
}
