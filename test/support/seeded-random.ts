import type { Random } from '../../src/application/ports/random.ts';

/**
 * A random source that gives the same fractions for the same seed (mulberry32), so a test of
 * jittered retries knows its schedule in advance and a failure can be replayed.
 */
export class SeededRandom implements Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  fraction(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
}

/** A random source that always gives the same fraction. */
export const fixedRandom = (fraction: number): Random => ({ fraction: () => fraction });
