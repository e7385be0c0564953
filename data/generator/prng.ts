/**
 * Seeded pseudo-random numbers. The generator must give byte-identical output for the same seed
 * in Node and in a browser worker, so it never touches the platform's random source or the clock.
 *
 * Core: sfc32 (Chris Doty-Humphrey's "Small Fast Counting" generator, from PractRand; 128-bit
 * state, passes PractRand to many TB, period ≥ 2^32). Seeds are spread by splitmix32
 * (a 32-bit variant of Steele, Lea & Flood's SplitMix) so that nearby seeds give unrelated
 * streams. See https://pracrand.sourceforge.net/ and https://github.com/bryc/code/blob/master/jshash/PRNGs.md.
 */

/** One step of splitmix32: a good 32-bit mixer for turning small integers into seeds. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Hashes a seed and a path of integers/labels into one 32-bit seed for an independent stream. */
export function deriveSeed(seed: number, ...path: (number | string)[]): number {
  let h = splitmix32(seed >>> 0);
  for (const part of path) {
    if (typeof part === 'number') {
      h = splitmix32(h ^ (part >>> 0));
      // Doubles above 2^32 (never expected, but cheap to respect) keep their high bits.
      if (part > 0xffffffff) h = splitmix32(h ^ Math.floor(part / 4294967296));
    } else {
      for (let i = 0; i < part.length; i++) h = splitmix32(h ^ part.charCodeAt(i));
    }
  }
  return h;
}

/** A stream of random numbers with the helpers the simulation needs. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = splitmix32(seed);
    this.#b = splitmix32(this.#a);
    this.#c = splitmix32(this.#b);
    this.#d = 1;
    // sfc32 needs a few rounds to decorrelate the first outputs from the seed.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** sfc32 step: uniform 32-bit unsigned integer. */
  nextU32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** Uniform real in [min, max). */
  range(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks an index by weight; weights need not sum to 1. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] ?? 0;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Poisson sample (Knuth's method; the means used here are small). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

/** An independent stream for one purpose (e.g. `streamFor(seed, 'customer', 17)`). */
export function streamFor(seed: number, ...path: (number | string)[]): Rng {
  return new Rng(deriveSeed(seed, ...path));
}
