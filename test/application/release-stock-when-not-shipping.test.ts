/** A new reservation round gives back what the round it supersedes still holds. */
import { expect, test } from 'vitest';
import { stockLedgers } from '../../src/application/commands/aggregates.ts';
import { handleCommand, loadState } from '../../src/application/commands/handle-command.ts';
import { releaseStockWhenNotShipping } from '../../src/application/reactions/release-stock-when-not-shipping.ts';
import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
import { stockStreamName } from '../../src/domain/stock-ledger/index.ts';
import { deliver } from '../support/decode.ts';
import { depsOver } from '../support/memory-deps.ts';
import { ManualClock } from '../support/manual-clock.ts';

test('ReservationRequested #2 superseding #1 at WH1 releases what OMS1/R1 still holds there, once', async () => {
  const store = new MemoryEventStore();
  const clock = new ManualClock();
  const deps = depsOver(store, clock);
  const cause = { correlationId: 'c', causationId: 'c', recordedAt: clock.now() };
  const ledger = stockStreamName('WH1', 'SKU1');
  const onLedger = { warehouseCode: 'WH1', sku: 'SKU1', now: clock.now() };
  await handleCommand(
    deps,
    stockLedgers,
    ledger,
    { type: 'ReceiveStock', data: { ...onLedger, reference: 'PO1', quantity: 5, condition: 'SELLABLE' } },
    cause,
  );
  await handleCommand(
    deps,
    stockLedgers,
    ledger,
    { type: 'ReserveStock', data: { ...onLedger, reference: 'OMS1/R1', quantity: 2 } },
    cause,
  );
  const metadata = cause;
  await store.append(
    'order-OMS1',
    [
      {
        id: 'placed',
        type: 'OrderPlaced',
        metadata,
        data: {
          orderNo: 'OMS1',
          warehouseCode: 'WH1',
          priority: 'NORMAL',
          timeRequirement: 'STANDARD',
          items: [{ sku: 'SKU1', quantity: 2 }],
          consignee: { name: 'n', phone: 'p', province: 'p', city: 'c', district: 'd', address: 'a' },
          policy: { allowPartialShip: false, allowCancel: false },
          placedAt: clock.now(),
        },
      },
      {
        id: 'r1',
        type: 'ReservationRequested',
        metadata,
        data: { reservationNo: 1, warehouseCode: 'WH1', lines: [{ sku: 'SKU1', quantity: 2 }], supersedes: null },
      },
      {
        id: 'r2',
        type: 'ReservationRequested',
        metadata,
        data: {
          reservationNo: 2,
          warehouseCode: 'WH1',
          lines: [{ sku: 'SKU1', quantity: 2 }],
          supersedes: { reservationNo: 1, warehouseCode: 'WH1', skus: ['SKU1'] },
        },
      },
    ],
    'no_stream',
  );
  const [, first, second] = await store.readStream('order-OMS1');
  const reaction = releaseStockWhenNotShipping(deps);
  expect(await deliver(reaction, first!)).toBe(true);
  expect((await loadState(deps, stockLedgers, ledger)).reserved).toBe(2);
  expect(await deliver(reaction, second!)).toBe(true);
  await deliver(reaction, second!);
  const after = await loadState(deps, stockLedgers, ledger);
  expect(after).toMatchObject({ onHand: 5, reserved: 0 });
  expect((await store.readStream(ledger)).filter((e) => e.type === 'StockReleased')).toHaveLength(1);
});
