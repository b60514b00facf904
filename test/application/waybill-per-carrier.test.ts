/**
 * A waybill number is unique per carrier only: two orders shipped at one warehouse, of one SKU,
 * by two carriers that printed the same number, are two shipments. Run through the real use cases
 * and reactions over the memory store: each is deducted (its reservation consumed), each reaches
 * the TMS on its own hand-off stream, and the integrity check behind `oms verify` finds nothing.
 */
import { afterEach, expect, test } from 'vitest';
import { validateMetadata } from '../../src/adapters/event-codec/metadata.ts';
import { ZodEventDecoder } from '../../src/adapters/event-codec/zod-event-decoder.ts';
import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
import { checkIntegrity } from '../../src/application/audit/integrity-check.ts';
import { handOffs, orders, stockLedgers } from '../../src/application/commands/aggregates.ts';
import { loadState } from '../../src/application/commands/handle-command.ts';
import { type HubWork, startHubWork } from '../../src/application/hub-work.ts';
import { placeOrder } from '../../src/application/outbound/place-order.ts';
import { recordShipment } from '../../src/application/outbound/warehouse-reports.ts';
import { receiveStock } from '../../src/application/stock/count-stock.ts';
import { type OrderState, orderStreamName } from '../../src/domain/outbound-order/index.ts';
import { stockStreamName } from '../../src/domain/stock-ledger/index.ts';
import { shipmentStreamName } from '../../src/domain/transport-handoff/index.ts';
import { articleOrder } from '../domain/outbound-order/order-fixtures.ts';
import { depsOver } from '../support/memory-deps.ts';
import { MemoryAlerting, MemoryCheckpoints } from '../support/memory-ports.ts';
import { RecordingTransport } from '../support/recording-transport.ts';

let work: HubWork | undefined;
afterEach(async () => {
  await work?.stop();
});

/** Poll (bounded, by loop turns) until the condition holds. */
const eventually = async (what: string, condition: () => Promise<boolean>): Promise<void> => {
  for (let turn = 0; turn < 5_000; turn += 1) {
    if (await condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`never: ${what}`);
};

test('one waybill number, two carriers, two orders at one warehouse: both deducted, both handed to the TMS, the store verifies', async () => {
  const store = new MemoryEventStore();
  const transport = new RecordingTransport();
  const alerting = new MemoryAlerting();
  const deps = { ...depsOver(store), transport, alerting };
  await receiveStock(deps, { reference: 'PO1', warehouseCode: 'WH001', sku: 'SKU001', quantity: 10, condition: 'SELLABLE' });
  work = await startHubWork(deps, new MemoryCheckpoints());
  await work.caughtUp;

  const orderOf = (orderNo: string): Promise<OrderState> => loadState(deps, orders, orderStreamName(orderNo));
  for (const orderNo of ['OMS1', 'OMS2']) await placeOrder(deps, articleOrder({ orderNo }), `place-${orderNo}`);
  await eventually('both orders at the WMS', async () =>
    (await Promise.all(['OMS1', 'OMS2'].map(orderOf))).every((order) => order.status === 'PUSHED_TO_WMS'),
  );

  const waybills = [
    { orderNo: 'OMS1', carrier: 'SF', waybillNo: '7700123456' },
    { orderNo: 'OMS2', carrier: 'YTO', waybillNo: '7700123456' },
  ];
  for (const { orderNo, carrier, waybillNo } of waybills) {
    const order = await orderOf(orderNo);
    const shipped = await recordShipment(
      deps,
      {
        orderNo,
        outboundNo: order.outboundNo ?? '',
        waybillNo,
        carrier,
        items: [{ sku: 'SKU001', quantity: 2 }],
        shippedAt: deps.clock.now(),
      },
      `callback-${orderNo}`,
    );
    expect(shipped).toMatchObject({ changed: true, state: { status: 'SHIPPED' } });
  }

  const ledger = stockStreamName('WH001', 'SKU001');
  await eventually('both deductions', async () => (await loadState(deps, stockLedgers, ledger)).onHand === 6);
  expect(await loadState(deps, stockLedgers, ledger)).toMatchObject({ onHand: 6, reserved: 0 });
  await eventually('both hand-offs', async () =>
    (await Promise.all(waybills.map((w) => loadState(deps, handOffs, shipmentStreamName(w))))).every((h) => h.status === 'HANDED_OFF'),
  );
  for (const w of waybills)
    expect((await loadState(deps, handOffs, shipmentStreamName(w))).shipment).toMatchObject({ orderNo: w.orderNo, carrier: w.carrier });
  expect(transport.calls.map(({ orderNo, carrier, waybillNo }) => ({ orderNo, carrier, waybillNo }))).toEqual(waybills);
  expect(alerting.alerts).toEqual([]);

  const report = checkIntegrity(await store.readAll(), new ZodEventDecoder(), validateMetadata);
  expect(report.broken).toEqual([]);
  expect(report.categories).toMatchObject({ order: 2, shipment: 2, stock: 1 });
});
