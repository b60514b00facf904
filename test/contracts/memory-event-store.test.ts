import { describe, expect, test } from 'vitest';
import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
import { eventStoreContract } from './event-store-contract.ts';

eventStoreContract('memory', async () => ({ store: new MemoryEventStore(), close: async () => undefined }));

describe('the memory store itself', () => {
  test("keeps its own copy: changing the caller's event after the append changes nothing stored", async () => {
    const store = new MemoryEventStore();
    const data = { lines: [{ sku: 'SKU001', quantity: 2 }] };
    await store.append(
      'order-M1',
      [{ id: 'e1', type: 'OrderPlaced', data, metadata: { correlationId: 'c', causationId: 'c', recordedAt: '2025-11-22T02:00:00.000Z' } }],
      'no_stream',
    );
    data.lines[0]!.quantity = 99;
    const [stored] = await store.readStream('order-M1');
    expect(stored?.data).toEqual({ lines: [{ sku: 'SKU001', quantity: 2 }] });
  });
});
