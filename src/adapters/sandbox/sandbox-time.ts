/**
 * The sandbox's time, injected so that tests run it without waiting: `schedule` runs a function
 * later (default setTimeout; a test may run it at once or by hand), `now` reads the clock, and a
 * warehouse writes its times the way the article does, as local times without an offset.
 */
import { DateTime } from 'luxon';

export type Schedule = (delayMs: number, fn: () => void) => void;

export const timerSchedule: Schedule = (delayMs, fn) => {
  setTimeout(fn, delayMs);
};

export const waitOn =
  (schedule: Schedule) =>
  (delayMs: number): Promise<void> =>
    new Promise((resolve) => schedule(delayMs, resolve));

/** `2025-11-22T10:00:00`: the warehouse's wall clock, no offset (docs/contracts.md#warehouse-time). */
export const localTime = (now: number, zone: string): string => DateTime.fromMillis(now, { zone }).toFormat("yyyy-LL-dd'T'HH:mm:ss");

/** `20251122`: the day part of the warehouse's document numbers. */
export const dayStamp = (now: number, zone: string): string => DateTime.fromMillis(now, { zone }).toFormat('yyyyLLdd');
