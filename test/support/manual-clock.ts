import { DateTime } from 'luxon';
import type { Clock } from '../../src/application/ports/clock.ts';
import { isInstant } from '../../src/domain/kernel/instant.ts';

/** A clock that moves only when the test moves it. It keeps the offset it was set with. */
export class ManualClock implements Clock {
  private current: DateTime;

  constructor(start = '2025-11-22T02:00:00.000Z') {
    this.current = ManualClock.parse(start);
  }

  now(): string {
    return this.current.toISO() as string;
  }

  set(instant: string): void {
    this.current = ManualClock.parse(instant);
  }

  advance(by: Readonly<{ seconds?: number; milliseconds?: number }>): void {
    this.current = this.current.plus({ seconds: by.seconds ?? 0, milliseconds: by.milliseconds ?? 0 });
  }

  private static parse(instant: string): DateTime {
    if (!isInstant(instant)) throw new RangeError(`not an ISO-8601 instant with an offset: ${JSON.stringify(instant)}`);
    return DateTime.fromISO(instant, { setZone: true });
  }
}
