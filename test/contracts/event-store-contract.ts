/**
 * The behaviour every EventStore adapter owes the hub, as one suite: `eventStoreContract(name,
 * open)` registers it for an adapter. The store is opened once per suite and shared by its
 * tests, so every test writes to streams (and categories) of its own: the same suite then runs
 * against a real EventStoreDB that already holds other events.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  type DomainMessage,
  type EventStore,
  type EventToAppend,
  type StoredEvent,
  comparePositions,
  positionFromString,
  positionToString,
} from '../../src/application/ports/event-store.ts';
import { StreamConflict } from '../../src/application/ports/stream-conflict.ts';
import { numberIn } from '../support/payload.ts';

export type OpenedStore = Readonly<{ store: EventStore; close: () => Promise<void> }>;

type OrderPlaced = Readonly<{ type: 'OrderPlaced'; data: { orderNo: string; line: number; consignee?: { address: string } } }>;

/** A category no other test (nor an earlier run against the same server) uses; no dash in it. */
const freshCategory = (name: string): string => `${name}${randomUUID().replaceAll('-', '').slice(0, 12)}`;

const placed = (orderNo: string, line = 1, correlationId = randomUUID()): EventToAppend<OrderPlaced> => ({
  id: randomUUID(),
  type: 'OrderPlaced',
  data: { orderNo, line },
  metadata: { correlationId, causationId: correlationId, recordedAt: '2025-11-22T02:00:00.000Z' },
});

const ids = (events: readonly { id: string }[]): string[] => events.map((event) => event.id);

const conflictOf = async (attempt: Promise<unknown>): Promise<StreamConflict> => {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StreamConflict);
  return error as StreamConflict;
};

export const eventStoreContract = (name: string, open: () => Promise<OpenedStore>): void => {
  describe(`EventStore contract: ${name}`, () => {
    let opened: OpenedStore;
    let store: EventStore;
    beforeAll(async () => {
      opened = await open();
      store = opened.store;
    });
    afterAll(async () => {
      await opened?.close();
    });

    describe('append and read one stream', () => {
      test('a new stream starts at revision 0; events come back as they were appended, with stream, revision and position', async () => {
        const stream = `${freshCategory('order')}-OMS1`;
        const events = [placed('OMS1', 1), placed('OMS1', 2), placed('OMS1', 3)];
        const result = await store.append(stream, events, 'no_stream');
        expect(result.nextExpectedRevision).toBe(2n);

        const read = await store.readStream(stream);
        expect(read.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }))).toEqual(events);
        expect(read.map((event) => event.stream)).toEqual([stream, stream, stream]);
        expect(read.map((event) => event.revision)).toEqual([0n, 1n, 2n]);
        expect(read.at(-1)?.position).toEqual(result.position);
        const positions = read.map((event) => event.position);
        positions.slice(1).forEach((position, index) => expect(comparePositions(position, positions[index] as typeof position)).toBe(1));
      });

      test('appending continues at the next revision', async () => {
        const stream = `${freshCategory('order')}-OMS2`;
        await store.append(stream, [placed('OMS2')], 'no_stream');
        const second = await store.append(stream, [placed('OMS2', 2), placed('OMS2', 3)], 0n);
        expect(second.nextExpectedRevision).toBe(2n);
        expect((await store.readStream(stream)).map((event) => event.revision)).toEqual([0n, 1n, 2n]);
      });

      test('a stream that does not exist reads as empty, both ways', async () => {
        const stream = `${freshCategory('order')}-nothing`;
        expect(await store.readStream(stream)).toEqual([]);
        expect(await store.readStream(stream, { direction: 'backwards' })).toEqual([]);
      });

      test('reads forwards and backwards from a revision, with maxCount', async () => {
        const stream = `${freshCategory('order')}-OMS3`;
        const events = Array.from({ length: 10 }, (_, line) => placed('OMS3', line));
        await store.append(stream, events, 'no_stream');
        const revisions = (read: readonly StoredEvent[]) => read.map((event) => event.revision);

        expect(revisions(await store.readStream(stream, { fromRevision: 4n }))).toEqual([4n, 5n, 6n, 7n, 8n, 9n]);
        expect(revisions(await store.readStream(stream, { fromRevision: 4n, maxCount: 3 }))).toEqual([4n, 5n, 6n]);
        expect(revisions(await store.readStream(stream, { fromRevision: 10n }))).toEqual([]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', maxCount: 3 }))).toEqual([9n, 8n, 7n]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', fromRevision: 2n }))).toEqual([2n, 1n, 0n]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', fromRevision: 5n, maxCount: 2 }))).toEqual([5n, 4n]);
      });

      test('an append with no events is refused', async () => {
        await expect(store.append(`${freshCategory('order')}-empty`, [], 'any')).rejects.toThrow(RangeError);
      });
    });

    describe('expected revision', () => {
      test('no_stream: holds for a new stream, conflicts once the stream has events', async () => {
        const stream = `${freshCategory('order')}-E1`;
        await store.append(stream, [placed('E1')], 'no_stream');
        const conflict = await conflictOf(store.append(stream, [placed('E1')], 'no_stream'));
        expect(conflict).toMatchObject({ stream, expected: 'no_stream', actual: 0n });
      });

      test('an exact revision: holds when it is the last revision, conflicts otherwise, with stream, expected and actual', async () => {
        const stream = `${freshCategory('order')}-E2`;
        await store.append(stream, [placed('E2'), placed('E2', 2)], 'no_stream');
        for (const expected of [0n, 2n, 7n]) {
          const conflict = await conflictOf(store.append(stream, [placed('E2', 3)], expected));
          expect(conflict).toMatchObject({ stream, expected, actual: 1n });
        }
        expect((await store.append(stream, [placed('E2', 3)], 1n)).nextExpectedRevision).toBe(2n);
      });

      test('an exact revision on a stream that does not exist conflicts with actual no_stream', async () => {
        const stream = `${freshCategory('order')}-E3`;
        const conflict = await conflictOf(store.append(stream, [placed('E3')], 0n));
        expect(conflict).toMatchObject({ stream, expected: 0n, actual: 'no_stream' });
        expect(await store.readStream(stream)).toEqual([]);
      });

      test('stream_exists: conflicts on a new stream, holds once it has events', async () => {
        const stream = `${freshCategory('order')}-E4`;
        const conflict = await conflictOf(store.append(stream, [placed('E4')], 'stream_exists'));
        expect(conflict).toMatchObject({ stream, expected: 'stream_exists', actual: 'no_stream' });
        await store.append(stream, [placed('E4')], 'no_stream');
        expect((await store.append(stream, [placed('E4', 2)], 'stream_exists')).nextExpectedRevision).toBe(1n);
      });

      test('any: holds whatever the stream', async () => {
        const stream = `${freshCategory('order')}-E5`;
        expect((await store.append(stream, [placed('E5')], 'any')).nextExpectedRevision).toBe(0n);
        expect((await store.append(stream, [placed('E5', 2)], 'any')).nextExpectedRevision).toBe(1n);
      });

      test('of two writers expecting the same revision, one wins and the other gets a conflict; nothing of the loser is stored', async () => {
        const stream = `${freshCategory('order')}-E6`;
        await store.append(stream, [placed('E6')], 'no_stream');
        const first = [placed('E6', 2), placed('E6', 3)];
        const second = [placed('E6', 4)];
        const outcomes = await Promise.allSettled([store.append(stream, first, 0n), store.append(stream, second, 0n)]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
        expect(rejected?.reason).toBeInstanceOf(StreamConflict);
        const stored = await store.readStream(stream);
        expect(stored.map((event) => event.revision)).toEqual(stored.map((_, index) => BigInt(index)));
        expect([3, 2]).toContain(stored.length);
      });
    });

    describe('idempotent re-append', () => {
      test('the same event ids at the same expected revision write nothing again and return the first result', async () => {
        const stream = `${freshCategory('order')}-I1`;
        await store.append(stream, [placed('I1')], 'no_stream');
        const batch = [placed('I1', 2), placed('I1', 3)];
        const first = await store.append(stream, batch, 0n);
        const again = await store.append(stream, batch, 0n);
        expect(again).toEqual(first);
        const stored = await store.readStream(stream);
        expect(stored).toHaveLength(3);
        expect(ids(stored.slice(1))).toEqual(ids(batch));
        expect(stored.at(-1)?.position).toEqual(first.position);
      });

      test('also for the first append of a stream (no_stream), even after the stream moved on', async () => {
        const stream = `${freshCategory('order')}-I2`;
        const batch = [placed('I2')];
        const first = await store.append(stream, batch, 'no_stream');
        await store.append(stream, [placed('I2', 2)], 0n);
        expect(await store.append(stream, batch, 'no_stream')).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      test('ids that only partly match what is stored are a conflict, and nothing is written', async () => {
        const stream = `${freshCategory('order')}-I3`;
        const batch = [placed('I3'), placed('I3', 2)];
        await store.append(stream, batch, 'no_stream');
        await conflictOf(store.append(stream, [batch[0] as EventToAppend, placed('I3', 3)], 'no_stream'));
        expect(ids(await store.readStream(stream))).toEqual(ids(batch));
      });
    });

    describe('read everything ($all)', () => {
      test('from a position (exclusive), in position order, with maxCount', async () => {
        const category = freshCategory('order');
        const marker = await store.append(`${category}-A0`, [placed('A0')], 'no_stream');
        const streams = ['A1', 'A2', 'A3'].map((id) => `${category}-${id}`);
        for (const stream of streams) await store.append(stream, [placed(stream), placed(stream, 2)], 'no_stream');

        const after = (await store.readAll({ after: marker.position })).filter((event) => event.stream.startsWith(`${category}-`));
        expect(after.map((event) => [event.stream, event.revision])).toEqual(
          streams.flatMap((stream) => [
            [stream, 0n],
            [stream, 1n],
          ]),
        );
        const page = await store.readAll({ after: marker.position, maxCount: 2 });
        expect(page).toHaveLength(2);
        expect(comparePositions(page[0]?.position ?? marker.position, marker.position)).toBe(1);
        const next = await store.readAll({ after: page[1]?.position ?? marker.position, category, maxCount: 10 });
        expect(ids(next)).toEqual(ids(after.slice(2)));
        const last = after.at(-1);
        if (!last) throw new Error('expected events after the marker');
        expect(await store.readAll({ after: last.position, category })).toEqual([]);
        expect(ids(await store.readAll({ after: marker.position, category, maxCount: 1 }))).toEqual(ids(after.slice(0, 1)));
      });

      test('filtered by category: only streams whose name before the first dash is the category', async () => {
        const order = freshCategory('order');
        const others = [`${order}s-1`, `${order}line-1`, `x${order}-1`, `${freshCategory('inbound')}-1`];
        await store.append(`${order}-C1`, [placed('C1')], 'no_stream');
        for (const stream of others) await store.append(stream, [placed(stream)], 'no_stream');
        await store.append(`${order}-C2-part`, [placed('C2')], 'no_stream');
        await store.append(order, [placed('C3')], 'no_stream'); // no dash: the stream is its own category

        const read = await store.readAll({ category: order });
        expect(read.map((event) => event.stream)).toEqual([`${order}-C1`, `${order}-C2-part`, order]);
      });

      test('positions round-trip through their string form and keep their order', async () => {
        const category = freshCategory('order');
        await store.append(`${category}-P1`, [placed('P1'), placed('P1', 2)], 'no_stream');
        const [one, two] = await store.readAll({ category });
        if (!one || !two) throw new Error('expected two events');
        expect(positionFromString(positionToString(one.position))).toEqual(one.position);
        expect(comparePositions(one.position, two.position)).toBe(-1);
        expect(comparePositions(two.position, one.position)).toBe(1);
        expect(comparePositions(one.position, positionFromString(positionToString(one.position)))).toBe(0);
      });
    });

    describe('subscriptions', () => {
      test('catch up on what is stored, then go live, with no gap and no duplicate at the seam', async () => {
        const category = freshCategory('order');
        const before = Array.from({ length: 40 }, (_, index) => `${category}-S${index}`);
        for (const stream of before) await store.append(stream, [placed(stream)], 'no_stream');

        const seen: StoredEvent[] = [];
        let seenAtCaughtUp = -1;
        let running = 0;
        let mostAtOnce = 0;
        const during: Promise<unknown>[] = [];
        const subscription = store.subscribe({
          category,
          onEvent: async (event) => {
            running += 1;
            mostAtOnce = Math.max(mostAtOnce, running);
            await Promise.resolve(); // a handler that awaits: the next event must wait for it
            running -= 1;
            seen.push(event);
            // appends while catching up: they land around the seam between stored and live
            if (seen.length % 10 === 0 && seen.length <= 40)
              during.push(store.append(`${category}-D${seen.length}`, [placed('D')], 'no_stream'));
          },
        });
        await subscription.caughtUp;
        seenAtCaughtUp = seen.length;
        const after = Array.from({ length: 10 }, (_, index) => `${category}-L${index}`);
        await Promise.all(during);
        for (const stream of after) await store.append(stream, [placed(stream)], 'no_stream');

        const expected = await store.readAll({ category });
        expect(expected).toHaveLength(54);
        await vi.waitFor(() => expect(seen).toHaveLength(54), { timeout: 10_000, interval: 5 });
        await subscription.stop();
        expect(ids(seen)).toEqual(ids(expected));
        expect(seen).toEqual(expected); // stream, revision, position, data and metadata as readAll has them
        expect(mostAtOnce).toBe(1);
        expect(seenAtCaughtUp).toBeGreaterThanOrEqual(40);
        seen.slice(1).forEach((event, index) => expect(comparePositions(event.position, (seen[index] as StoredEvent).position)).toBe(1));
      });

      test('start after a checkpoint (exclusive) and hear only the category asked for, while catching up and live', async () => {
        const category = freshCategory('order');
        const lookalikes = (suffix: string) => [
          `${category}s-${suffix}`,
          `${category}line-${suffix}`,
          `x${category}-${suffix}`,
          `${freshCategory('stock')}-${suffix}`,
        ];
        await store.append(`${category}-K1`, [placed('K1'), placed('K1', 2), placed('K1', 3)], 'no_stream');
        for (const stream of lookalikes('before')) await store.append(stream, [placed(stream)], 'no_stream');
        await store.append(category, [placed('K0')], 'no_stream'); // no dash: the stream is its own category
        const [, checkpoint] = await store.readAll({ category });
        const seen: StoredEvent[] = [];
        const subscription = store.subscribe({ category, after: checkpoint?.position, onEvent: (event) => void seen.push(event) });
        await subscription.caughtUp;
        expect(seen.map((event) => [event.stream, event.revision])).toEqual([
          [`${category}-K1`, 2n],
          [category, 0n],
        ]);
        for (const stream of lookalikes('live')) await store.append(stream, [placed(stream)], 'no_stream');
        await store.append(`${category}-K2`, [placed('K2')], 'no_stream');
        await store.append(category, [placed('K0', 2)], 0n);
        const expected = [`${category}-K1`, category, `${category}-K2`, category];
        await vi.waitFor(() => expect(seen.map((event) => event.stream)).toEqual(expected), { timeout: 10_000, interval: 5 });
        await subscription.stop();
        expect(seen.map((event) => event.stream)).toEqual(expected);
      });

      test('without a category, a subscription from a position hears every stream', async () => {
        const category = freshCategory('order');
        const start = await store.append(`${category}-W0`, [placed('W0')], 'no_stream');
        const seen: StoredEvent[] = [];
        const subscription = store.subscribe({ after: start.position, onEvent: (event) => void seen.push(event) });
        await subscription.caughtUp;
        const inbound = `${freshCategory('inbound')}-W1`;
        await store.append(inbound, [placed('W1')], 'no_stream');
        await vi.waitFor(() => expect(seen.map((event) => event.stream)).toContain(inbound), { timeout: 10_000, interval: 5 });
        await subscription.stop();
        expect(seen.map((event) => event.stream)).not.toContain(`${category}-W0`);
      });

      test('after stop, nothing more is delivered', async () => {
        const category = freshCategory('order');
        const stopped: StoredEvent[] = [];
        const first = store.subscribe({ category, onEvent: (event) => void stopped.push(event) });
        await first.caughtUp;
        await first.stop();
        await first.done;
        await store.append(`${category}-X1`, [placed('X1')], 'no_stream');
        const witness: StoredEvent[] = [];
        const second = store.subscribe({ category, onEvent: (event) => void witness.push(event) });
        await vi.waitFor(() => expect(witness).toHaveLength(1), { timeout: 10_000, interval: 5 });
        await second.stop();
        expect(stopped).toEqual([]);
      });

      test('a handler that throws ends the subscription with that error', async () => {
        const category = freshCategory('order');
        await store.append(`${category}-F1`, [placed('F1')], 'no_stream');
        const subscription = store.subscribe({
          category,
          onEvent: () => {
            throw new Error('projection failed');
          },
        });
        await expect(subscription.done).rejects.toThrow('projection failed');
      });
    });

    describe('payloads', () => {
      test('metadata round-trips: correlation, causation, recordedAt and free keys', async () => {
        const stream = `${freshCategory('order')}-M1`;
        const metadata = {
          correlationId: randomUUID(),
          causationId: randomUUID(),
          recordedAt: '2025-11-22T10:00:00.000+08:00',
          source: 'wms-callback',
          attempt: 3,
          replayed: false,
          trace: { span: 'a1b2', tags: ['outbound', '出库'] },
          nothing: null,
        };
        const event = { ...placed('M1'), metadata };
        await store.append(stream, [event], 'no_stream');
        const [stored] = await store.readStream(stream);
        expect(stored?.metadata).toEqual(metadata);
        const [fromAll] = await store.readAll({ category: stream.split('-')[0] });
        expect(fromAll?.metadata).toEqual(metadata);
      });

      test('big payloads (256 KiB of JSON, multi-byte characters in it) come back whole, from every read', async () => {
        const category = freshCategory('order');
        const stream = `${category}-B1`;
        const note = `收货地址：北京市朝阳区XX街道XX号 ${'x'.repeat(17)}`.repeat(4_096); // 64 bytes of UTF-8, 4,096 times
        const big: EventToAppend<DomainMessage> = { ...placed('B1'), data: { orderNo: 'B1', note } };
        expect(Buffer.byteLength(JSON.stringify(big.data))).toBeGreaterThan(256 * 1024);
        await store.append(stream, [big, placed('B1', 2)], 'no_stream');
        const [stored] = await store.readStream(stream);
        expect(stored?.data).toEqual({ orderNo: 'B1', note });
        const [fromAll] = await store.readAll({ category });
        expect(fromAll?.data).toEqual({ orderNo: 'B1', note });
        const heard: StoredEvent[] = [];
        const subscription = store.subscribe({ category, onEvent: (event) => void heard.push(event) });
        await subscription.caughtUp;
        await subscription.stop();
        expect(heard.map((event) => event.data)).toEqual([{ orderNo: 'B1', note }, placed('B1', 2).data]);
      });

      test('unicode in data, metadata and stream names (Chinese addresses)', async () => {
        const category = freshCategory('order');
        const stream = `${category}-北京-OMS9`;
        const consignee = { name: '张三', phone: '13800138000', address: '北京市朝阳区XX街道XX号', remark: '请勿折叠 📦' };
        const event = {
          ...placed('OMS9'),
          data: { orderNo: 'OMS9', line: 1, consignee },
          metadata: { ...placed('OMS9').metadata, operator: '李四' },
        };
        await store.append(stream, [event], 'no_stream');
        const [stored] = await store.readStream(stream);
        expect(stored?.data).toEqual({ orderNo: 'OMS9', line: 1, consignee });
        expect(stored?.metadata).toEqual(event.metadata);
        expect((await store.readAll({ category })).map((read) => read.stream)).toEqual([stream]);
      });

      test('many streams: each keeps its own contiguous revisions, the category keeps the global order', async () => {
        const category = freshCategory('order');
        const streams = Array.from({ length: 150 }, (_, index) => `${category}-N${index}`);
        for (let round = 0; round < 3; round += 1) {
          await Promise.all(
            streams.map((stream) => store.append(stream, [placed(stream, round)], round === 0 ? 'no_stream' : BigInt(round - 1))),
          );
        }
        for (const stream of [streams[0], streams[77], streams[149]] as string[]) {
          const read = await store.readStream(stream);
          expect(read.map((event) => [event.revision, numberIn(event, 'line')])).toEqual([
            [0n, 0],
            [1n, 1],
            [2n, 2],
          ]);
        }
        const all = await store.readAll({ category });
        expect(all).toHaveLength(450);
        all.slice(1).forEach((event, index) => expect(comparePositions(event.position, (all[index] as StoredEvent).position)).toBe(1));
        const rounds = all.map((event) => numberIn(event, 'line'));
        expect(rounds.slice(0, 150).every((line) => line === 0)).toBe(true);
        expect(rounds.slice(300).every((line) => line === 2)).toBe(true);
      });
    });
  });
};
