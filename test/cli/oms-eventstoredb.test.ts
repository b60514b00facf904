/**
 * The same `oms` against EventStoreDB (EVENT_STORE=eventstoredb): the real bin/oms in a child
 * process, the real `@eventstore/db-client` over a socket, to the in-process protocol double
 * (test/support/esdb-protocol-server.ts). The events are the deciders' own, appended through the
 * hub's EventStoreDB adapter as the command handler would.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EventStoreDbEventStore } from '../../src/adapters/event-store/eventstoredb/eventstoredb-event-store.ts';
import type { DomainMessage } from '../../src/application/ports/event-store.ts';
import { outboundOrder } from '../../src/domain/outbound-order/index.ts';
import { type StockCommand, stockLedgerDecider } from '../../src/domain/stock-ledger/index.ts';
import { articleOrderLife, at } from '../domain/outbound-order/order-fixtures.ts';
import { eventsOf, run } from '../support/arbitraries-decider.ts';
import { EsdbProtocolServer } from '../support/esdb-protocol-server.ts';

const OMS = resolve(import.meta.dirname, '../../bin/oms');
const elsewhere = mkdtempSync(join(tmpdir(), 'oms-cwd-'));
let server: EsdbProtocolServer;
let store: EventStoreDbEventStore;

type Run = Readonly<{ code: number; stdout: string; stderr: string }>;
const oms = (...args: string[]): Promise<Run> =>
  new Promise((done) => {
    const env = {
      PATH: process.env.PATH ?? '',
      EVENT_STORE: 'eventstoredb',
      ESDB_CONNECTION_STRING: server.connectionString,
      OMS_DATA_DIR: join(elsewhere, 'unused'),
    };
    execFile(OMS, args, { cwd: elsewhere, env }, (error, stdout, stderr) =>
      done({ code: error === null ? 0 : Number(error.code ?? -1), stdout, stderr }),
    );
  });

let sequence = 0;
const append = async (stream: string, events: readonly DomainMessage[], recordedAt: (i: number) => string, flow: string) => {
  const stored = await store.readStream(stream);
  await store.append(
    stream,
    events.map((event, i) => ({
      ...event,
      id: `00000000-0000-4000-8000-${String((sequence += 1)).padStart(12, '0')}`,
      metadata: { correlationId: flow, causationId: flow, recordedAt: recordedAt(i) },
    })),
    stored.at(-1)?.revision ?? 'no_stream',
  );
};

beforeAll(async () => {
  server = await EsdbProtocolServer.start({ advertiseBatchAppend: true });
  store = EventStoreDbEventStore.connect(server.connectionString);
  const ledger = { warehouseCode: 'WH001', sku: 'SKU001' } as const;
  await append(
    'stock-WH001.SKU001',
    eventsOf(
      run(stockLedgerDecider, [
        { type: 'ReceiveStock', data: { ...ledger, reference: 'PO1', quantity: 100, condition: 'SELLABLE', now: at(-60) } },
      ] satisfies StockCommand[]),
    ),
    () => at(-60),
    'po-1',
  );
  const order = eventsOf(run(outboundOrder, articleOrderLife({ pushed: at(1), recorded: at(60) })));
  await append('order-OMS202511220001', order.slice(0, 2), () => at(0), 'req-1');
  await append('order-OMS202511220001', order.slice(2, 4), () => at(1), 'req-1');
  await append('order-OMS202511220001', order.slice(4), () => at(60), 'callback:SF1');
});
afterAll(async () => {
  await store.close();
  await server.stop();
  rmSync(elsewhere, { recursive: true, force: true });
});

describe('oms against EventStoreDB', () => {
  test('history --at: the order as it stood, read from EventStoreDB', async () => {
    const run = await oms('history', 'OMS202511220001', '--at', '2025-11-22T10:30:00');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^order OMS202511220001 as of 2025-11-22T10:30:00\.000\+08:00 \(Asia\/Shanghai\): PUSHED_TO_WMS/);
    expect((await oms('history', 'OMS202511220001')).stdout).toMatch(/as of now: SHIPPED/);
  });

  test('export: every event, by EventStoreDB positions (commit/prepare), checksum on stderr; a position bound starts there', async () => {
    const all = await oms('export', '--from', '0');
    expect(all.code).toBe(0);
    const events = all.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => `${e.stream}#${e.revision}`)).toEqual([
      'stock-WH001.SKU001#0',
      ...[0, 1, 2, 3, 4].map((r) => `order-OMS202511220001#${r}`),
    ]);
    expect(/sha256 ([0-9a-f]{64})/.exec(all.stderr)?.[1]).toBe(createHash('sha256').update(all.stdout).digest('hex'));
    const third = events[2].position as string;
    const fromThird = await oms('export', '--from', third);
    expect(
      fromThird.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).position),
    ).toEqual(events.slice(2).map((e) => e.position));
  });

  test('verify: intact, then a stream that breaks a rule is named (exit 1)', async () => {
    const clean = await oms('verify', '--no-projections');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^events: 6 in 2 streams \(order 1, stock 1\)/);
    await append(
      'stock-WH001.SKU001',
      [{ type: 'StockReserved', data: { reference: 'X/R1', warehouseCode: 'WH001', sku: 'SKU001', quantity: 1000, reservedAt: at(2) } }],
      () => at(2),
      'forged',
    );
    const broken = await oms('verify', '--no-projections');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      /BROKEN stock-WH001\.SKU001 \(2 events\)\n {2}revision 1 StockReserved .*\[reserve only what is available\] X\/R1 reserves 1000, 100 was available/,
    );
  });
});
