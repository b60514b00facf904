/**
 * Snapshots of stock ledgers (src/application/commands/snapshots.ts): a snapshot is the fold of the
 * events up to its revision, nothing else; a command after a restart reads only the events after
 * it and decides as it would have from the whole stream; a snapshot that cannot be read (another
 * shape, a broken store) is passed over and the stream folded from its start.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
import { RandomIds } from '../../src/adapters/ids/random-ids.ts';
import { MemorySnapshotStore } from '../../src/adapters/snapshots/memory-snapshot-store.ts';
import { onStock, stockLedgers } from '../../src/application/commands/aggregates.ts';
import { type CommandDeps, loadState } from '../../src/application/commands/handle-command.ts';
import { SnapshotNotOnStream, type Snapshots } from '../../src/application/commands/snapshots.ts';
import { StateCache } from '../../src/application/commands/state-cache.ts';
import { stockLedgerStateCodec } from '../../src/application/commands/stock-ledger-state-codec.ts';
import type { EventStore } from '../../src/application/ports/event-store.ts';
import type { SnapshotStore } from '../../src/application/ports/snapshot-store.ts';
import { fold } from '../../src/domain/kernel/decider.ts';
import { Refused } from '../../src/domain/kernel/refused.ts';
import { type StockCommand, type StockLedgerState, stockLedgerDecider, stockStreamName } from '../../src/domain/stock-ledger/index.ts';
import { instantArb, run } from '../support/arbitraries-decider.ts';
import { readerOf } from '../support/decode.ts';

const ledger = { warehouseCode: 'WH001', sku: 'SKU001' };
const stream = stockStreamName(ledger.warehouseCode, ledger.sku);
const cause = { correlationId: 'c', causationId: 'c', recordedAt: '2025-11-22T02:00:00.000Z' };

// a few references repeat (redeliveries), many do not (so that the ledger's sets grow several levels deep)
const reference = fc.oneof(
  fc.constantFrom('R1', 'R2'),
  fc.nat({ max: 400 }).map((n) => `R${n}`),
);
const reservation = fc.oneof(
  fc.constantFrom('OMS1/R1', 'OMS2/R1'),
  fc.nat({ max: 60 }).map((n) => `OMS${n}/R1`),
);
const quantity = fc.integer({ min: 1, max: 6 });
const batchNo = fc.option(fc.constantFrom('B1', 'B2', 'B3'), { nil: undefined });
const date = fc.option(fc.constantFrom('2025-01-31', '2026-06-30', '2027-12-31'), { nil: undefined });

const command: fc.Arbitrary<StockCommand> = fc.oneof(
  fc
    .record({
      reference,
      quantity: quantity.map((q) => q * 3),
      condition: fc.constantFrom('SELLABLE' as const, 'DEFECTIVE' as const),
      now: instantArb,
      batchNo,
      productionDate: date,
      expiryDate: date,
    })
    .map((data): StockCommand => ({ type: 'ReceiveStock', data: { ...ledger, ...data } })),
  fc
    .record({ reference: reservation, quantity, now: instantArb, batchNo })
    .map((data): StockCommand => ({ type: 'ReserveStock', data: { ...ledger, ...data } })),
  fc
    .record({ reference, reservation, quantity: fc.oneof(quantity, fc.constant('ALL' as const)), now: instantArb })
    .map((data): StockCommand => ({ type: 'ReleaseStock', data: { ...ledger, ...data } })),
  fc
    .record({ reference, reservation: fc.option(reservation, { nil: undefined }), quantity, now: instantArb })
    .map((data): StockCommand => ({ type: 'DeductStock', data: { ...ledger, ...data } })),
  fc
    .record({ reference, countedOnHand: fc.integer({ min: 0, max: 12 }), now: instantArb })
    .map((data): StockCommand => ({ type: 'AdjustStock', data: { ...ledger, ...data } })),
  fc
    .record({
      reference,
      source: fc.constantFrom('WMS_SHORTAGE' as const, 'WAREHOUSE_CHANGE' as const, 'RECONCILIATION' as const),
      condition: fc.constantFrom('SELLABLE' as const, 'DEFECTIVE' as const),
      shelf: fc.oneof(
        fc.integer({ min: 0, max: 12 }).map((q) => ({ kind: 'COUNTED' as const, quantity: q })),
        fc.integer({ min: 1, max: 6 }).map((q) => ({ kind: 'CHANGED_BY' as const, quantity: -q })),
      ),
      reason: fc.constant('DAMAGED'),
      batchNo: fc.constantFrom(null, 'B1'),
      alertAbove: fc.integer({ min: 0, max: 5 }),
      now: instantArb,
    })
    .map((data): StockCommand => ({ type: 'RecordVariance', data: { ...ledger, ...data } })),
);
const commands = fc.array(command, { maxLength: 150, size: 'large' });

const receive = (reference: string): StockCommand => ({
  type: 'ReceiveStock',
  data: { ...ledger, reference, quantity: 1, condition: 'SELLABLE', now: cause.recordedAt },
});

/** Sends a command; a refusal is an answer like any other (it changes nothing). */
const send = async (deps: CommandDeps, stock: StockCommand) => {
  try {
    return (await onStock(deps, stock, cause)).events;
  } catch (error) {
    if (error instanceof Refused) return [];
    throw error;
  }
};

/** A store that records how many events each read of a stream returned. */
const counting = (store: EventStore) => {
  const reads: number[] = [];
  const wrapped: EventStore = {
    append: (s, e, x) => store.append(s, e, x),
    readStream: async (s, o) => {
      const events = await store.readStream(s, o);
      reads.push(events.length);
      return events;
    },
    readAll: (o) => store.readAll(o),
    subscribe: (o) => store.subscribe(o),
  };
  return { store: wrapped, reads };
};

const reporting = (store: SnapshotStore, every: number) => {
  const errors: unknown[] = [];
  const snapshots: Snapshots = { store, every, onError: (error) => errors.push(error) };
  return { snapshots, errors };
};

/** A hub's command dependencies over these stores; `cache` false: every command folds from a snapshot or the start, as after a restart. */
const depsOf = (store: EventStore, snapshots: Snapshots | undefined, cache = true): CommandDeps => ({
  store,
  events: readerOf(store),
  ids: new RandomIds(),
  ...(cache ? { stateCache: new StateCache() } : {}),
  snapshots,
});

/** The ledger folded from its first event, up to `revision` (all of it when absent). */
const foldedFromScratch = async (store: EventStore, revision?: bigint): Promise<StockLedgerState> => {
  const events = await readerOf(store).readStream('stock', stream);
  return fold(
    stockLedgerDecider,
    events.filter((event) => revision === undefined || event.revision <= revision),
  );
};

const decoded = async (store: SnapshotStore) => {
  const stored = await store.load(stream, stockLedgerStateCodec.schema);
  return stored === undefined
    ? undefined
    : { revision: stored.revision, lastEventId: stored.lastEventId, state: stockLedgerStateCodec.decode(stored.state) };
};

/** The id of the ledger's event at `revision`. */
const idAt = async (store: EventStore, revision: bigint): Promise<string | undefined> =>
  (await store.readStream(stream, { fromRevision: revision, maxCount: 1 }))[0]?.id;

describe('stock ledger snapshots', () => {
  test.prop([commands], { numRuns: 100 })('the codec reads back, through JSON, every state a ledger can reach', (sent) => {
    for (const { after } of run(stockLedgerDecider, sent)) {
      const written = JSON.parse(JSON.stringify(stockLedgerStateCodec.encode(after)));
      expect(stockLedgerStateCodec.decode(written)).toEqual(after);
    }
  });

  test('a snapshot whose handled references are not a key set is not read (a lookup in it would miss)', () => {
    const after = run(stockLedgerDecider, [receive('R1')])[0]?.after ?? stockLedgerDecider.initialState;
    const written = JSON.parse(JSON.stringify(stockLedgerStateCodec.encode(after)));
    expect(stockLedgerStateCodec.decode(written)).toEqual(after);
    for (const handled of [
      { sorted: 'b\na\n', recent: [] },
      { sorted: 'a\n', recent: ['a'] },
      { sorted: 'a', recent: [] },
      { sorted: 'a\n', recent: [1] },
      ['SELLABLE:R1'],
    ]) {
      expect(stockLedgerStateCodec.decode({ ...written, handled: { ...written.handled, received: handled } })).toBeUndefined();
    }
  });

  test.prop([commands, fc.integer({ min: 1, max: 8 }), fc.boolean()], { numRuns: 100 })(
    'every snapshot kept is the fold of the events up to its revision, and commands decide as they would without snapshots',
    async (sent, every, cache) => {
      const events = new MemoryEventStore();
      const kept = new MemorySnapshotStore();
      const { snapshots, errors } = reporting(kept, every);
      const deps = depsOf(events, snapshots, cache);
      const expected = run(stockLedgerDecider, sent);
      for (const [i, stock] of sent.entries()) {
        expect(await send(deps, stock)).toEqual(expected[i]?.events);
        const snapshot = await decoded(kept);
        if (snapshot === undefined) continue;
        expect(snapshot.state).toEqual(await foldedFromScratch(events, snapshot.revision));
        expect(snapshot.lastEventId).toBe(await idAt(events, snapshot.revision));
      }
      expect(await loadState(depsOf(events, snapshots, false), stockLedgers, stream)).toEqual(await foldedFromScratch(events));
      expect(errors).toEqual([]);
    },
  );

  test('after a restart, a command reads only the events after the newest snapshot', async () => {
    const { store, reads } = counting(new MemoryEventStore());
    const kept = new MemorySnapshotStore();
    const before = depsOf(store, reporting(kept, 10).snapshots);
    for (let i = 0; i < 23; i += 1) await send(before, receive(`R${i}`));
    // 23 events: kept at the 10th and the 20th (revision 19); three come after it
    expect((await kept.load(stream, stockLedgerStateCodec.schema))?.revision).toBe(19n);
    reads.length = 0;
    const restarted = depsOf(store, reporting(kept, 10).snapshots);
    const handled = await onStock(restarted, receive('R23'), cause);
    // the snapshot's own last event (to check the ledger still has it there), then the three after it
    expect(reads).toEqual([4]);
    expect(handled.state).toEqual(await foldedFromScratch(store));
    expect(handled.state.onHand).toBe(24);
  });

  test('a ledger that has no snapshot yet gets one from the first command that had to fold as many events', async () => {
    const store = new MemoryEventStore();
    const kept = new MemorySnapshotStore();
    const unsnapshotted = depsOf(store, undefined);
    for (let i = 0; i < 7; i += 1) await send(unsnapshotted, receive(`R${i}`));
    // a redelivery decides nothing, and still keeps what its fold read
    expect(await send(depsOf(store, reporting(kept, 5).snapshots), receive('R3'))).toEqual([]);
    expect(await decoded(kept)).toEqual({ revision: 6n, lastEventId: await idAt(store, 6n), state: await foldedFromScratch(store) });
  });

  test('a snapshot the codec cannot read is passed over: the ledger is folded from its first event, and a good snapshot replaces it', async () => {
    const { store, reads } = counting(new MemoryEventStore());
    const kept = new MemorySnapshotStore();
    for (let i = 0; i < 6; i += 1) await send(depsOf(store, undefined), receive(`R${i}`));
    await kept.save({
      stream,
      schema: stockLedgerStateCodec.schema,
      revision: 4n,
      lastEventId: (await idAt(store, 4n)) ?? '',
      state: { onHand: 'many' },
    });
    reads.length = 0;
    const handled = await onStock(depsOf(store, reporting(kept, 5).snapshots), receive('R6'), cause);
    expect(reads).toEqual([6]);
    expect(handled.state.onHand).toBe(7);
    expect(await decoded(kept)).toEqual({ revision: 6n, lastEventId: await idAt(store, 6n), state: handled.state });
  });

  test('a snapshot of another schema is never read', async () => {
    const { store, reads } = counting(new MemoryEventStore());
    const kept = new MemorySnapshotStore();
    for (let i = 0; i < 6; i += 1) await send(depsOf(store, undefined), receive(`R${i}`));
    const older = await foldedFromScratch(store, 4n);
    await kept.save({
      stream,
      schema: 'stock-ledger/0',
      revision: 4n,
      lastEventId: (await idAt(store, 4n)) ?? '',
      state: stockLedgerStateCodec.encode(older),
    });
    reads.length = 0;
    await onStock(depsOf(store, reporting(kept, 100).snapshots), receive('R6'), cause);
    expect(reads).toEqual([6]);
  });

  test.each([
    ['another event at its revision', 4n, 'an-event-of-another-store'],
    ['a revision the stream has not reached', 9n, 'an-event-of-another-store'],
  ])(
    'a snapshot whose last event is not on the stream (%s: a store restored from a backup) is reported and passed over',
    async (_, revision, lastEventId) => {
      const { store, reads } = counting(new MemoryEventStore());
      const kept = new MemorySnapshotStore();
      for (let i = 0; i < 6; i += 1) await send(depsOf(store, undefined), receive(`R${i}`));
      // a snapshot of a ledger that had received more: read as it is, it would count those units
      await kept.save({
        stream,
        schema: stockLedgerStateCodec.schema,
        revision,
        lastEventId,
        state: stockLedgerStateCodec.encode(await foldedFromScratch(store)),
      });
      reads.length = 0;
      const { snapshots, errors } = reporting(kept, 100);
      const handled = await onStock(depsOf(store, snapshots), receive('R6'), cause);
      // after the snapshot's revision was read and found wanting: the whole ledger
      expect(reads.at(-1)).toBe(6);
      expect(handled.state).toEqual(await foldedFromScratch(store));
      expect(handled.state.onHand).toBe(7);
      expect(errors).toEqual([expect.any(SnapshotNotOnStream)]);
    },
  );

  test.each([0, -1, 1.5, Number.NaN])(
    'every %s events: no snapshot is kept, and commands are handled as without snapshots',
    async (every) => {
      const store = new MemoryEventStore();
      const kept = new MemorySnapshotStore();
      const deps = depsOf(store, reporting(kept, every).snapshots);
      for (let i = 0; i < 4; i += 1) await send(deps, receive(`R${i}`));
      expect((await loadState(deps, stockLedgers, stream)).onHand).toBe(4);
      expect(await decoded(kept)).toBeUndefined();
    },
  );

  test('a snapshot store that fails is reported, and the command is handled from the events', async () => {
    const store = new MemoryEventStore();
    const broken: SnapshotStore = {
      load: async () => {
        throw new Error('snapshots unreachable');
      },
      save: async () => {
        throw new Error('snapshots unreachable');
      },
    };
    const { snapshots, errors } = reporting(broken, 1);
    const deps = depsOf(store, snapshots, false);
    await send(deps, receive('R0'));
    const handled = await onStock(deps, receive('R1'), cause);
    expect(handled.state.onHand).toBe(2);
    expect(errors.map((error) => (error instanceof Error ? error.message : error))).toEqual([
      'snapshots unreachable', // load, first command
      'snapshots unreachable', // save
      'snapshots unreachable', // load, second command
      'snapshots unreachable', // save
    ]);
  });
});
