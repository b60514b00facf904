/**
 * The reactions start without waiting for the retry index and the backorder book: built from a
 * long history (a first start, a lost read-models file) those would keep a new order waiting behind
 * it (`npm run bench:restart`: about 11 s on 1,000,000 events). Here they never finish loading,
 * and an order is still reserved and pushed; `caughtUp` waits for them.
 */
import { afterEach, expect, test } from 'vitest';
import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
import { orders } from '../../src/application/commands/aggregates.ts';
import { loadState } from '../../src/application/commands/handle-command.ts';
import { type HubWork, startHubWork } from '../../src/application/hub-work.ts';
import { placeOrder } from '../../src/application/outbound/place-order.ts';
import type { KeptReadModels } from '../../src/application/ports/kept-read-model.ts';
import { receiveStock } from '../../src/application/stock/count-stock.ts';
import { orderStreamName } from '../../src/domain/outbound-order/index.ts';
import { articleOrder } from '../domain/outbound-order/order-fixtures.ts';
import { depsOver } from '../support/memory-deps.ts';
import { MemoryCheckpoints } from '../support/memory-ports.ts';

/** Kept read models that never finish loading: the index and the book stay at their start. */
const stuck = (): Readonly<{ models: KeptReadModels; release: () => void }> => {
  let release: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (release = resolve));
  const models: KeptReadModels = {
    model: () => ({
      load: async () => {
        await loaded;
        return { rows: new Map(), after: undefined };
      },
      save: () => undefined,
      flush: async () => undefined,
    }),
  };
  return { models, release: () => release() };
};

/** Poll (bounded, by loop turns) until the condition holds. */
const eventually = async (what: string, condition: () => Promise<boolean>): Promise<void> => {
  for (let turn = 0; turn < 5_000; turn += 1) {
    if (await condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`never: ${what}`);
};

let work: HubWork | undefined;
afterEach(async () => {
  await work?.stop();
});

test('an order is reserved and pushed while the retry index and the backorder book are still loading', async () => {
  const { models, release } = stuck();
  const deps = { ...depsOver(new MemoryEventStore()), keptReadModels: models };
  await receiveStock(deps, { reference: 'PO1', warehouseCode: 'WH001', sku: 'SKU001', quantity: 10, condition: 'SELLABLE' });
  let caughtUp = false;
  const starting = startHubWork(deps, new MemoryCheckpoints()).then((started) => {
    work = started;
    void started.caughtUp.then(() => (caughtUp = true));
  });
  await placeOrder(deps, articleOrder({ orderNo: 'OMS1' }), 'place-OMS1');
  await eventually(
    'OMS1 pushed to the WMS',
    async () => (await loadState(deps, orders, orderStreamName('OMS1'))).status === 'PUSHED_TO_WMS',
  );
  await starting;
  expect(caughtUp).toBe(false);
  release();
  await work?.caughtUp;
  expect(work?.dueRetries.pending()).toEqual([]);
});
