import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, afterEach, beforeEach, describe, expect, vi } from 'vitest';
import { MemoryEventStore } from '../../../src/adapters/event-store/memory/memory-event-store.ts';
import { SqliteEventStore } from '../../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { RandomIds } from '../../../src/adapters/ids/random-ids.ts';
import {
  EventStoreInventory,
  type EventStoreInventoryOptions,
  INVENTORY_MODEL,
} from '../../../src/adapters/inventory/event-store-inventory.ts';
import { stockLevelCodec } from '../../../src/adapters/inventory/stock-level-codec.ts';
import { SqliteKeptReadModels } from '../../../src/adapters/projections/sqlite-kept-read-models.ts';
import { MemorySnapshotStore } from '../../../src/adapters/snapshots/memory-snapshot-store.ts';
import { newFlow } from '../../../src/application/commands/cause.ts';
import { handleCommand } from '../../../src/application/commands/handle-command.ts';
import type { EventStore } from '../../../src/application/ports/event-store.ts';
import type { StockLevel } from '../../../src/application/ports/inventory.ts';
import { stockLedgers } from '../../../src/application/commands/aggregates.ts';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { readerOf } from '../../support/decode.ts';
import { Refused } from '../../../src/domain/kernel/refused.ts';
import {
  type StockCommand,
  type StockCondition,
  available,
  stockLedgerDecider,
  stockStreamName,
} from '../../../src/domain/stock-ledger/index.ts';

const now = '2025-11-22T02:00:00.000Z';
/** how `vi.waitFor` checks that the live view has heard the latest appends */
const eventually = { interval: 1, timeout: 5_000 };
const directory = mkdtempSync(join(tmpdir(), 'hub-inventory-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

type OpenStore = () => { store: EventStore; close: () => Promise<void> };
let files = 0;
const stores: readonly (readonly [string, OpenStore])[] = [
  [
    'SQLite file',
    () => {
      const store = SqliteEventStore.open(join(directory, `events-${(files += 1)}.db`));
      return { store, close: () => store.close() };
    },
  ],
  ['memory', () => ({ store: new MemoryEventStore(), close: async () => undefined })],
];

/** Sends a command to its ledger as the application does; a refusal comes back as a value. */
const send = async (store: EventStore, command: StockCommand): Promise<Refused | null> => {
  try {
    await handleCommand(
      { store, events: readerOf(store), ids: new RandomIds() },
      stockLedgers,
      stockStreamName(command.data.warehouseCode, command.data.sku),
      command,
      newFlow('test', now),
    );
    return null;
  } catch (error) {
    if (error instanceof Refused) return error;
    throw error;
  }
};

const receive = (
  warehouseCode: string,
  sku: string,
  quantity: number,
  reference: string,
  condition: StockCondition = 'SELLABLE',
): StockCommand => ({
  type: 'ReceiveStock',
  data: { reference, warehouseCode, sku, quantity, condition, now },
});
const reserve = (warehouseCode: string, sku: string, quantity: number, reference: string): StockCommand => ({
  type: 'ReserveStock',
  data: { reference, warehouseCode, sku, quantity, now },
});
const release = (warehouseCode: string, sku: string, reservation: string, quantity: number | 'ALL', reference: string): StockCommand => ({
  type: 'ReleaseStock',
  data: { reference, warehouseCode, sku, reservation, quantity, now },
});
const deduct = (warehouseCode: string, sku: string, quantity: number, reference: string, reservation?: string): StockCommand => ({
  type: 'DeductStock',
  data: { reference, warehouseCode, sku, quantity, reservation, now },
});

const level = (warehouseCode: string, sku: string, onHand: number, reserved: number, defective = 0): StockLevel => ({
  warehouseCode,
  sku,
  onHand,
  reserved,
  available: onHand - reserved,
  defective,
});

describe.each(stores)('EventStoreInventory over %s', (_name, open) => {
  let opened: ReturnType<OpenStore>;
  let inventory: EventStoreInventory | undefined;
  beforeEach(() => {
    opened = open();
  });
  afterEach(async () => {
    await inventory?.stop();
    inventory = undefined;
    await opened.close();
  });
  const given = async (...commands: StockCommand[]) => {
    for (const command of commands) expect(await send(opened.store, command)).toBeNull();
  };
  const start = async (options: EventStoreInventoryOptions = {}) => {
    const started = new EventStoreInventory(readerOf(opened.store), options);
    inventory = started;
    await started.start();
    return started;
  };

  test('level follows every step of a ledger at once: receive, reserve, deduct, release', async () => {
    const stock = await start();
    await given(receive('WH001', 'SKU001', 10, 'PO1'), receive('WH001', 'SKU001', 2, 'RT1', 'DEFECTIVE'));
    expect(await stock.level('WH001', 'SKU001')).toEqual(level('WH001', 'SKU001', 10, 0, 2));
    await given(reserve('WH001', 'SKU001', 3, 'OMS1#1'));
    expect(await stock.level('WH001', 'SKU001')).toEqual(level('WH001', 'SKU001', 10, 3, 2));
    await given(deduct('WH001', 'SKU001', 2, 'SF1', 'OMS1#1'));
    expect(await stock.level('WH001', 'SKU001')).toEqual(level('WH001', 'SKU001', 8, 1, 2));
    await given(release('WH001', 'SKU001', 'OMS1#1', 'ALL', 'OMS1#1/cancel'));
    expect(await stock.level('WH001', 'SKU001')).toEqual(level('WH001', 'SKU001', 8, 0, 2));
  });

  test('after a restart, level and the view fold a long ledger from its newest snapshot, not from its first event', async () => {
    const snapshots = { store: new MemorySnapshotStore(), every: 10, onError: () => undefined };
    const stream = stockStreamName('WH001', 'SKU001');
    const deps = { store: opened.store, events: readerOf(opened.store), ids: new RandomIds(), snapshots };
    const sendKept = (command: StockCommand) => handleCommand(deps, stockLedgers, stream, command, newFlow('test', now));
    for (let i = 0; i < 45; i += 1) await sendKept(receive('WH001', 'SKU001', 1, `PO${i}`));
    const models = SqliteKeptReadModels.open(join(directory, `kept-${(files += 1)}.sqlite`));
    const kept = models.model(INVENTORY_MODEL, stockLevelCodec);
    const first = new EventStoreInventory(readerOf(opened.store), { kept });
    await first.start();
    await first.stop();
    // restarted: a fresh reader that counts what it reads of the ledger, the kept view, the snapshots
    const read: bigint[] = [];
    const counting: EventStore = Object.assign(Object.create(opened.store) as EventStore, {
      readStream: async (name: string, options?: Parameters<EventStore['readStream']>[1]) => {
        const events = await opened.store.readStream(name, options);
        if (name === stream) read.push(...events.map((event) => event.revision));
        return events;
      },
    });
    const ledgers = { events: readerOf(counting), snapshots };
    const stock = await start({ kept, ledgers });
    expect(await stock.level('WH001', 'SKU001')).toEqual(level('WH001', 'SKU001', 45, 0));
    // the snapshot at revision 39 (the 40th event), read again to check it, and what came after
    expect(read).toEqual([39n, 40n, 41n, 42n, 43n, 44n]);
    read.length = 0;
    const afterRestart = new EventStoreInventory(readerOf(counting), { kept, ledgers: { events: readerOf(counting), snapshots } });
    inventory = afterRestart;
    await afterRestart.start();
    await stock.stop();
    await sendKept(receive('WH001', 'SKU001', 2, 'PO-LATE'));
    await vi.waitFor(async () => expect(await afterRestart.levels()).toEqual([level('WH001', 'SKU001', 47, 0)]), eventually);
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((revision) => revision >= 39n)).toBe(true);
    await afterRestart.stop();
    inventory = undefined;
    models.close();
  });

  test('a ledger with no events has nothing on hand', async () => {
    const stock = await start();
    expect(await stock.level('WH404', 'SKU404')).toEqual(level('WH404', 'SKU404', 0, 0));
  });

  test('the view is rebuilt from the events at start, then follows new events', async () => {
    await given(receive('WH002', 'SKU001', 4, 'PO1'), receive('WH001', 'SKU002', 6, 'PO2'), receive('WH001', 'SKU001', 5, 'PO3'));
    await given(reserve('WH001', 'SKU001', 2, 'OMS1#1'));
    const stock = await start();
    expect(await stock.levels()).toEqual([level('WH001', 'SKU001', 5, 2), level('WH001', 'SKU002', 6, 0), level('WH002', 'SKU001', 4, 0)]);

    await given(deduct('WH001', 'SKU001', 2, 'SF1', 'OMS1#1'), receive('WH003', 'SKU003', 1, 'RT1', 'DEFECTIVE'));
    await vi.waitFor(
      async () => expect(await stock.levels({ warehouseCode: 'WH003' })).toEqual([level('WH003', 'SKU003', 0, 0, 1)]),
      eventually,
    );
    expect(await stock.levels({ warehouseCode: 'WH001' })).toEqual([level('WH001', 'SKU001', 3, 0), level('WH001', 'SKU002', 6, 0)]);
    expect(await stock.levels({ sku: 'SKU001' })).toEqual([level('WH001', 'SKU001', 3, 0), level('WH002', 'SKU001', 4, 0)]);
    expect(await stock.levels({ warehouseCode: 'WH002', sku: 'SKU001' })).toEqual([level('WH002', 'SKU001', 4, 0)]);
    expect(await stock.levels({ warehouseCode: 'WH002', sku: 'SKU002' })).toEqual([]);
  });

  test('the view answers only once started, and a second start changes nothing', async () => {
    await given(receive('WH001', 'SKU001', 1, 'PO1'));
    const stock = new EventStoreInventory(readerOf(opened.store));
    inventory = stock;
    await expect(stock.levels()).rejects.toThrow('start()');
    await expect(stock.warehouseCovering([{ sku: 'SKU001', quantity: 1 }], [])).rejects.toThrow('start()');
    await stock.start();
    await stock.start();
    expect(await stock.levels()).toEqual([level('WH001', 'SKU001', 1, 0)]);
  });

  test('a view whose subscription failed answers with the failure, not with stale figures', async () => {
    const broken = new Error('the store went away');
    const failing: EventStore = Object.assign(Object.create(opened.store) as EventStore, {
      subscribe: () => ({ caughtUp: Promise.resolve(), done: Promise.reject(broken), stop: async () => undefined }),
    });
    const stock = new EventStoreInventory(readerOf(failing));
    await stock.start();
    await expect(stock.levels()).rejects.toThrow('stopped following the ledgers');
    await expect(stock.warehouseCovering([{ sku: 'A', quantity: 1 }], [])).rejects.toMatchObject({ cause: broken });
  });

  describe('warehouseCovering', () => {
    // WH001: A 5, B 5 (total 10)   WH002: A 10, B 1 (total 11)   WH003: A 3   WH004: defective A only
    const stocked = async () => {
      await given(
        receive('WH001', 'A', 5, 'PO1'),
        receive('WH001', 'B', 5, 'PO1'),
        receive('WH002', 'A', 10, 'PO2'),
        receive('WH002', 'B', 1, 'PO2'),
        receive('WH003', 'A', 3, 'PO3'),
        receive('WH004', 'A', 50, 'RT4', 'DEFECTIVE'),
      );
    };

    test('of the warehouses that cover every line, the one with most available across the lines', async () => {
      await stocked();
      const stock = await start();
      expect(
        await stock.warehouseCovering(
          [
            { sku: 'A', quantity: 3 },
            { sku: 'B', quantity: 1 },
          ],
          [],
        ),
      ).toBe('WH002');
      expect(await stock.warehouseCovering([{ sku: 'A', quantity: 3 }], [])).toBe('WH002');
      expect(await stock.warehouseCovering([{ sku: 'B', quantity: 2 }], [])).toBe('WH001');
    });

    test('excluded warehouses are passed over', async () => {
      await stocked();
      const stock = await start();
      expect(
        await stock.warehouseCovering(
          [
            { sku: 'A', quantity: 3 },
            { sku: 'B', quantity: 1 },
          ],
          ['WH002'],
        ),
      ).toBe('WH001');
      expect(await stock.warehouseCovering([{ sku: 'A', quantity: 3 }], ['WH002', 'WH001'])).toBe('WH003');
      expect(await stock.warehouseCovering([{ sku: 'A', quantity: 3 }], ['WH001', 'WH002', 'WH003'])).toBeNull();
    });

    test('null when no warehouse covers every line; defective goods cover nothing', async () => {
      await stocked();
      const stock = await start();
      expect(await stock.warehouseCovering([{ sku: 'A', quantity: 11 }], [])).toBeNull();
      expect(
        await stock.warehouseCovering(
          [
            { sku: 'A', quantity: 10 },
            { sku: 'B', quantity: 2 },
          ],
          [],
        ),
      ).toBeNull();
      expect(await stock.warehouseCovering([{ sku: 'C', quantity: 1 }], [])).toBeNull();
      expect(await stock.warehouseCovering([{ sku: 'A', quantity: 1 }], ['WH001', 'WH002', 'WH003'])).toBeNull();
    });

    test('lines of the same SKU are summed before they are compared', async () => {
      await stocked();
      const stock = await start();
      // 4 + 4 of A: WH001 (5 of A) covers neither line's sum; only WH002 does
      expect(
        await stock.warehouseCovering(
          [
            { sku: 'A', quantity: 4, batchNo: 'B1' },
            { sku: 'A', quantity: 4, batchNo: 'B2' },
          ],
          ['WH002'],
        ),
      ).toBeNull();
      expect(
        await stock.warehouseCovering(
          [
            { sku: 'A', quantity: 4, batchNo: 'B1' },
            { sku: 'A', quantity: 4, batchNo: 'B2' },
          ],
          [],
        ),
      ).toBe('WH002');
    });

    test('reserved stock is not available, and the choice follows the live view', async () => {
      await stocked();
      const stock = await start();
      await given(reserve('WH002', 'A', 8, 'OMS1#1'));
      // WH002 now has A 2 available: WH001 is the only one left with 4 of A
      await vi.waitFor(async () => expect(await stock.warehouseCovering([{ sku: 'A', quantity: 4 }], [])).toBe('WH001'), eventually);
      await given(release('WH002', 'A', 'OMS1#1', 'ALL', 'OMS1#1/undo'));
      await vi.waitFor(async () => expect(await stock.warehouseCovering([{ sku: 'A', quantity: 4 }], [])).toBe('WH002'), eventually);
    });

    test('a tie goes to the lowest warehouse code', async () => {
      await given(
        receive('WH009', 'A', 4, 'PO1'),
        receive('WH005', 'A', 4, 'PO1'),
        receive('WH007', 'A', 4, 'PO1'),
        receive('WH006', 'A', 3, 'PO1'),
      );
      const stock = await start();
      expect(await stock.warehouseCovering([{ sku: 'A', quantity: 2 }], [])).toBe('WH005');
      expect(await stock.warehouseCovering([{ sku: 'A', quantity: 2 }], ['WH005'])).toBe('WH007');
    });

    test('a known warehouse with no stock yet is a candidate that does not cover, until its stock arrives', async () => {
      const stock = await start({ knownWarehouses: ['WH000', 'WH001'] });
      expect(await stock.warehouseCovering([{ sku: 'A', quantity: 1 }], [])).toBeNull();
      expect(await stock.levels()).toEqual([]);
      await given(receive('WH001', 'A', 1, 'PO1'));
      await vi.waitFor(async () => expect(await stock.warehouseCovering([{ sku: 'A', quantity: 1 }], [])).toBe('WH001'), eventually);
    });
  });
});

// A few warehouses and SKUs, small pools of references so that commands collide and are redelivered.
const warehouseCode = fc.constantFrom('WH001', 'WH002', 'WH003');
const sku = fc.constantFrom('A', 'B');
const reference = fc.constantFrom('R1', 'R2', 'R3');
const reservation = fc.constantFrom('OMS1#1', 'OMS2#1');
const quantity = fc.integer({ min: 1, max: 6 });
const ledgerCommand: fc.Arbitrary<StockCommand> = fc.oneof(
  fc
    .record({
      warehouseCode,
      sku,
      reference,
      quantity: quantity.map((q) => q * 2),
      condition: fc.constantFrom<StockCondition>('SELLABLE', 'DEFECTIVE'),
    })
    .map((data): StockCommand => ({ type: 'ReceiveStock', data: { ...data, now } })),
  fc
    .record({ warehouseCode, sku, reference: reservation, quantity })
    .map((data): StockCommand => ({ type: 'ReserveStock', data: { ...data, now } })),
  fc
    .record({ warehouseCode, sku, reference, reservation, quantity: fc.oneof(quantity, fc.constant('ALL' as const)) })
    .map((data): StockCommand => ({ type: 'ReleaseStock', data: { ...data, now } })),
  fc
    .record({ warehouseCode, sku, reference, reservation: fc.option(reservation, { nil: undefined }), quantity })
    .map((data): StockCommand => ({ type: 'DeductStock', data: { ...data, now } })),
  fc
    .record({ warehouseCode, sku, reference, countedOnHand: fc.integer({ min: 0, max: 12 }) })
    .map((data): StockCommand => ({ type: 'AdjustStock', data: { ...data, now } })),
);

/** Every ledger in the store, each folded from its own stream. */
const foldedLedgers = async (store: EventStore): Promise<StockLevel[]> => {
  const streams = new Set((await store.readAll({ category: 'stock' })).map((event) => event.stream));
  const levels = await Promise.all(
    [...streams].map(async (stream) => {
      const events = await readerOf(store).readStream('stock', stream);
      const state = fold(stockLedgerDecider, events);
      const [first] = events;
      if (first === undefined) throw new Error(`${stream} is empty`);
      const { warehouseCode: wh, sku: item } = first.data;
      return {
        warehouseCode: wh,
        sku: item,
        onHand: state.onHand,
        reserved: state.reserved,
        available: available(state),
        defective: state.defective,
      };
    }),
  );
  return levels.sort((a, b) => a.warehouseCode.localeCompare(b.warehouseCode) || a.sku.localeCompare(b.sku));
};

describe.each(stores)('the view over %s', (_name, open) => {
  test.prop([fc.array(ledgerCommand, { maxLength: 30 }), fc.nat()], { numRuns: 100 })(
    'equals folding each ledger directly, after any ledger commands, whether heard while catching up or live',
    async (commands, split) => {
      const { store, close } = open();
      const live = new EventStoreInventory(readerOf(store));
      try {
        const startAt = split % (commands.length + 1);
        for (const command of commands.slice(0, startAt)) await send(store, command);
        await live.start();
        for (const command of commands.slice(startAt)) await send(store, command);
        const expected = await foldedLedgers(store);
        await vi.waitFor(async () => expect(await live.levels()).toEqual(expected), eventually);
        for (const each of expected) expect(await live.level(each.warehouseCode, each.sku)).toEqual(each);

        const rebuilt = new EventStoreInventory(readerOf(store));
        await rebuilt.start();
        expect(await rebuilt.levels()).toEqual(expected);
        await rebuilt.stop();
      } finally {
        await live.stop();
        await close();
      }
    },
  );
});
