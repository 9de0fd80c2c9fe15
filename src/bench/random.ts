/**
 * A small, fast, seeded pseudo-random generator (mulberry32) so the generated province-year is
 * the same for the same seed on every machine. Not for anything secret.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A generator for one sub-stream (e.g. one class), independent of the order streams are used. */
  static derive(seed: number, ...keys: number[]): Random {
    let hash = seed >>> 0;
    for (const key of keys) {
      hash = Math.imul(hash ^ (key >>> 0), 0x85ebca6b) >>> 0;
      hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0;
      hash = (hash ^ (hash >>> 16)) >>> 0;
    }
    return new Random(hash);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Index chosen by weight (weights need not sum to 1). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const weight of weights) total += weight;
    let roll = this.next() * total;
    for (let index = 0; index < weights.length; index += 1) {
      roll -= weights[index]!;
      if (roll < 0) return index;
    }
    return weights.length - 1;
  }
}
