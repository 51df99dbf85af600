import seedrandom from 'seedrandom';

/**
 * A seeded pseudo-random generator. Every random choice in the engine goes through one of these;
 * `Math.random()` is never used in `src/`.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [low, high] (both inclusive). */
  int(low: number, high: number): number;
  /** Standard normal deviate. */
  normal(): number;
  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
  /** A 32-bit unsigned integer, for seeding child generators. */
  uint32(): number;
}

/** Creates a generator from a seed (number or string); the same seed gives the same stream. */
export function createRng(seed: number | string): Rng {
  const prng = seedrandom.alea(String(seed));
  const next = (): number => prng();
  let spare: number | undefined;
  return {
    next,
    int(low, high) {
      return low + Math.floor(next() * (high - low + 1));
    },
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      let v = 0;
      let r = 0;
      do {
        u = next() * 2 - 1;
        v = next() * 2 - 1;
        r = u * u + v * v;
      } while (r >= 1 || r === 0);
      const f = Math.sqrt((-2 * Math.log(r)) / r);
      spare = v * f;
      return u * f;
    },
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = items[i]!;
        items[i] = items[j]!;
        items[j] = t;
      }
      return items;
    },
    uint32() {
      return prng.int32() >>> 0;
    },
  };
}

/**
 * Derives a seed from a parent seed and a path of labels, e.g. `deriveSeed(studySeed, 'trial', 17)`.
 * The result depends only on its inputs, never on scheduling or on how many values were drawn.
 */
export function deriveSeed(seed: number | string, ...labels: (string | number)[]): string {
  return [String(seed), ...labels.map(String)].join('/');
}

/** The generator for trial `n` of a study with seed `seed`: independent of worker count and resume. */
export function trialRng(seed: number | string, n: number | string, purpose = 'sample'): Rng {
  return createRng(deriveSeed(seed, 'trial', n, purpose));
}
