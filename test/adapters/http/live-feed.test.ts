/**
 * The live feed (src/adapters/http/live-feed.ts) on the in-memory store: one subscription shared
 * by every listener; what was stored before it caught up goes to nobody; a listener hears what is
 * appended while it listens; when the subscription fails, or the hub stops, every listener is ended
 * and new ones are refused.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../src/adapters/event-store/memory/memory-event-store.ts';
import { HttpProblem } from '../../../src/adapters/http/answer.ts';
import { LiveFeed } from '../../../src/adapters/http/live-feed.ts';
import type { EventStore, StoredEvent } from '../../../src/application/ports/event-store.ts';

const append = (store: EventStore, stream: string, type: string) =>
  store.append(
    stream,
    [
      {
        id: crypto.randomUUID(),
        type,
        data: {},
        metadata: { correlationId: 'c', causationId: 'c', recordedAt: '2025-11-22T02:00:00.000Z' },
      },
    ],
    'any',
  );

/** A listener that keeps what it heard, and whether it was ended. */
const listener = () => {
  const heard: string[] = [];
  let ended = false;
  return {
    heard,
    ended: () => ended,
    listener: { appended: (event: StoredEvent) => heard.push(`${event.stream} ${event.type}`), ended: () => (ended = true) },
  };
};

const turns = async (n = 20) => {
  for (let i = 0; i < n; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('the live feed', () => {
  it('hands each listener what is appended while it listens, and nothing stored before', async () => {
    const store = new MemoryEventStore();
    await append(store, 'order-OLD', 'OrderPlaced');
    const feed = new LiveFeed(store, () => undefined);
    await feed.start(undefined);
    const first = listener();
    const second = listener();
    const stopFirst = feed.listen(first.listener);
    feed.listen(second.listener);
    expect(feed.listening).toBe(2);
    await append(store, 'order-NEW', 'OrderPlaced');
    await turns();
    stopFirst();
    expect(feed.listening).toBe(1);
    await append(store, 'stock-WH001.SKU001', 'StockReceived');
    await turns();
    expect(first.heard).toEqual(['order-NEW OrderPlaced']);
    expect(second.heard).toEqual(['order-NEW OrderPlaced', 'stock-WH001.SKU001 StockReceived']);
    await feed.stop();
    expect(second.ended()).toBe(true);
    expect(feed.listening).toBe(0);
    expect(() => feed.listen(listener().listener)).toThrow(HttpProblem);
  });

  it('refuses one listener more than its most (503), and takes one again once another has gone', async () => {
    const feed = new LiveFeed(new MemoryEventStore(), () => undefined, 2);
    await feed.start(undefined);
    feed.listen(listener().listener);
    const stopSecond = feed.listen(listener().listener);
    expect(() => feed.listen(listener().listener)).toThrow(expect.objectContaining({ status: 503 }));
    expect(feed.listening).toBe(2);
    stopSecond();
    feed.listen(listener().listener);
    expect(feed.listening).toBe(2);
    await feed.stop();
  });

  it('a subscription that fails ends every listener, says so, and refuses new ones with 503', async () => {
    let fail: (error: unknown) => void = () => undefined;
    const done = new Promise<void>((_resolve, reject) => {
      fail = reject;
    });
    const inner = new MemoryEventStore();
    const failing: EventStore = {
      append: (stream, events, expected) => inner.append(stream, events, expected),
      readStream: (stream, options) => inner.readStream(stream, options),
      readAll: (options) => inner.readAll(options),
      subscribe: () => ({ caughtUp: Promise.resolve(), done, stop: async () => undefined }),
    };
    const errors: unknown[] = [];
    const feed = new LiveFeed(failing, (error) => errors.push(error));
    await feed.start(undefined);
    const one = listener();
    feed.listen(one.listener);
    fail(new Error('the store went away'));
    await turns();
    expect(errors).toEqual([new Error('the store went away')]);
    expect(one.ended()).toBe(true);
    expect(feed.listening).toBe(0);
    let refused: unknown;
    try {
      feed.listen(listener().listener);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(HttpProblem);
    expect(refused).toMatchObject({ status: 503 });
  });
});
