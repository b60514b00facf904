import type { Random } from '../../application/ports/random.ts';

/** The platform's generator (`Math.random`): enough to spread retries, not meant for secrets. */
export class PlatformRandom implements Random {
  fraction(): number {
    return Math.random();
  }
}
