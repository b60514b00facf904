/**
 * A worker's calls to the WMS and TMS under a lease (src/adapters/outside-call/lease-fenced-calls.ts):
 * made while a renewal sent less than a time to live ago succeeded, refused with `LeaseLost` the
 * moment the worker's own clock says otherwise, as a worker paused past its lease (SIGSTOP, a long
 * pause) finds on waking, before any tick of its keeper has dropped the work.
 */
import { expect, test } from 'vitest';
import { LeaseKeeper, type LeasedWork } from '../../../src/adapters/leases/lease-keeper.ts';
import { LocalLeases } from '../../../src/adapters/leases/local-leases.ts';
import { leaseFencedTransport, leaseFencedWarehouse } from '../../../src/adapters/outside-call/lease-fenced-calls.ts';
import { LeaseLost } from '../../../src/application/ports/lease.ts';
import { FaultyWarehouse } from '../../support/faulty-warehouse.ts';
import { RecordingTransport } from '../../support/recording-transport.ts';
import { articleOrder } from '../../domain/outbound-order/order-fixtures.ts';

const { consignee, policy: _policy, ...article } = articleOrder({ warehouseCode: 'WH1', items: [{ sku: 'SKU1', quantity: 1 }] });
const instruction = (orderNo: string) => ({ ...article, orderNo, consignee });
const shipment = {
  waybillNo: 'SF1',
  orderNo: 'OMS1',
  carrier: 'SF',
  consignee,
  items: [{ sku: 'SKU1', quantity: 1 }],
  shippedAt: '2025-11-22T02:00:00.000Z',
};

test('calls go through while the lease is fresh by the worker’s clock, and are refused once a time to live has passed without a renewal', async () => {
  let now = 0;
  const ttlMs = 1_000;
  const work: LeasedWork = { name: 'push-outbound-when-reserved', start: async () => ({ stop: async () => undefined }) };
  const keeper = new LeaseKeeper(new LocalLeases({ ttlMs, now: () => now }), [work], {
    holder: 'worker-1',
    ttlMs,
    now: () => now,
    onError: (error) => {
      throw error;
    },
  });
  await keeper.start();
  const lease = keeper.leaseOf(work.name);
  if (lease === undefined) throw new Error('the keeper holds no lease');
  const warehouse = new FaultyWarehouse();
  const transport = new RecordingTransport();
  const stillHeld = () => keeper.stillHolds(lease);
  const fencedWarehouse = leaseFencedWarehouse(warehouse, lease, stillHeld);
  const fencedTransport = leaseFencedTransport(transport, lease, stillHeld);

  now = ttlMs - 1;
  expect((await fencedWarehouse.createOutbound(instruction('OMS1'))).ok).toBe(true);
  expect((await fencedTransport.pushShipment(shipment)).ok).toBe(true);

  // the worker was paused: its clock jumped past the lease with no renewal in between
  now = ttlMs;
  await expect(fencedWarehouse.createOutbound(instruction('OMS2'))).rejects.toBeInstanceOf(LeaseLost);
  await expect(
    fencedWarehouse.cancelOutbound({ orderNo: 'OMS1', warehouseCode: 'WH1', outboundNo: null, reason: 'x' }),
  ).rejects.toBeInstanceOf(LeaseLost);
  await expect(
    fencedWarehouse.createInbound({
      inboundNo: 'IN1',
      kind: 'PURCHASE',
      warehouseCode: 'WH1',
      supplier: null,
      poNumber: null,
      returnNo: null,
      lines: [],
    }),
  ).rejects.toBeInstanceOf(LeaseLost);
  await expect(fencedTransport.pushShipment({ ...shipment, waybillNo: 'SF2' })).rejects.toBeInstanceOf(LeaseLost);
  expect(warehouse.createCalls.map((call) => call.orderNo)).toEqual(['OMS1']);
  expect(transport.calls.map((call) => call.waybillNo)).toEqual(['SF1']);
  await keeper.stop();
});

test('a lease the keeper no longer holds, or holds under another token, fences every call', async () => {
  const ttlMs = 60_000;
  const work: LeasedWork = { name: 'hand-off-when-shipment-registered', start: async () => ({ stop: async () => undefined }) };
  const leases = new LocalLeases({ ttlMs });
  const keeper = new LeaseKeeper(leases, [work], { holder: 'worker-1', ttlMs, onError: () => undefined });
  await keeper.start();
  const lease = keeper.leaseOf(work.name);
  if (lease === undefined) throw new Error('the keeper holds no lease');
  expect(keeper.stillHolds(lease)).toBe(true);
  expect(keeper.stillHolds({ ...lease, token: lease.token + 1n })).toBe(false);
  await keeper.stop();
  expect(keeper.stillHolds(lease)).toBe(false);
  const transport = new RecordingTransport();
  await expect(leaseFencedTransport(transport, lease, () => keeper.stillHolds(lease)).pushShipment(shipment)).rejects.toBeInstanceOf(
    LeaseLost,
  );
  expect(transport.calls).toEqual([]);
});
