/**
 * The `oms` command, as an operator runs it: the real bin/oms (a child process, from another
 * working directory) against a real SQLite file written by the real hub. The hub plays the
 * article's order on a manual clock: placed and pushed at 10:00 Shanghai time, shipped by the
 * warehouse's callback at 11:00; the warehouse's shelves then hold 3 fewer than the hub's ledger, which a
 * reconciliation records as a variance. Then the store is read back, exported, verified, and tampered with.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { articleOutboundCallback, articleOutboundCreate } from '../support/article-payloads.ts';
import { startTestHub, waitFor } from '../support/test-hub.ts';

const OMS = resolve(import.meta.dirname, '../../bin/oms');
const made: string[] = [];
const scratch = (prefix: string): string => {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  made.push(directory);
  return directory;
};
const elsewhere = scratch('oms-cwd-');

type Run = Readonly<{ code: number; stdout: string; stderr: string }>;
const oms = (dataDir: string, ...args: string[]): Promise<Run> =>
  new Promise((done) => {
    const env = { PATH: process.env.PATH ?? '', OMS_DATA_DIR: dataDir, WAREHOUSE_ZONE: 'Asia/Shanghai' };
    execFile(OMS, args, { cwd: elsewhere, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });

let dataDir: string;
let eventCount: number;

/** A copy of the hub's store, to tamper with. */
const copyOfStore = (): string => {
  const copy = scratch('oms-tampered-');
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(join(dataDir, `events.sqlite${suffix}`)))
      copyFileSync(join(dataDir, `events.sqlite${suffix}`), join(copy, `events.sqlite${suffix}`));
  }
  return copy;
};

beforeAll(async () => {
  const t = await startTestHub({ env: { SANDBOX_MODE: 'manual' } }); // the clock reads 2025-11-22T02:00:00Z
  dataDir = t.dataDir;
  made.push(dataDir);
  expect(
    (
      await fetch(`${t.hub.url}/api/oms/orders`, {
        method: 'POST',
        body: articleOutboundCreate,
        headers: { 'content-type': 'application/json' },
      })
    ).status,
  ).toBe(201);
  const pushed = await t.orderReaches('OMS202511220001', 'PUSHED_TO_WMS');
  t.clock.set('2025-11-22T03:00:00.000Z');
  const callback = await fetch(`${t.hub.url}/api/oms/outbound/callback`, {
    method: 'POST',
    body: articleOutboundCallback.replace('WMS202511220001', pushed.outboundNo),
    headers: { 'content-type': 'application/json' },
  });
  expect(callback.status).toBe(200);
  await waitFor(
    'the hand-off to transport',
    async () => (await t.get('/api/oms/shipments/SF/SF1234567890')).body.data?.status === 'HANDED_OFF',
  );
  await waitFor('the deduction', async () => (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0]?.onHand === 98);
  // the sandbox (manual: it shipped nothing itself) holds 100; a person there loses 5, so its shelves hold 95
  const lost = await fetch(`${t.hub.sandbox?.wmsUrl ?? ''}/sandbox/stock/WH001/SKU001/lose`, {
    method: 'POST',
    body: JSON.stringify({ quantity: 5 }),
    headers: { 'content-type': 'application/json' },
  });
  expect(lost.status).toBe(200);
  const reconciled = await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH001' });
  expect(reconciled.body.data.variances).toEqual([
    { sku: 'SKU001', condition: 'SELLABLE', hubFigure: 98, warehouseFigure: 95, difference: -3 },
  ]);
  await t.stop();
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  eventCount = db.prepare<[], number>('SELECT count(*) FROM events').pluck().get() ?? 0;
  db.close();
}, 30_000);

afterAll(() => {
  for (const directory of made) rmSync(directory, { recursive: true, force: true });
});

describe('oms history', () => {
  test('now: the order as it stands, and every event with its correlation, causation and the raw callback', async () => {
    const run = await oms(dataDir, 'history', 'OMS202511220001');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^order OMS202511220001 as of now: SHIPPED/);
    expect(run.stdout).toContain('SKU001 (BATCH001)  ordered 2  shipped 2  backordered 0  cancelled 0');
    expect(run.stdout).toMatch(/#0 {2}2025-11-22T02:00:00\.000Z {2}OrderPlaced/);
    expect(run.stdout).toMatch(/causation {4}caused by order-OMS202511220001 #\d+ StockReserved/);
    expect(run.stdout).toContain('callback     POST /api/oms/outbound/callback {"orderNo":"OMS202511220001"');
    expect(run.stdout).toContain('"shippedTime":"2025-11-22T10:00:00"');
  });

  test('--at a local time (read in WAREHOUSE_ZONE), a UTC time, a time with an offset', async () => {
    const local = await oms(dataDir, 'history', 'OMS202511220001', '--at', '2025-11-22T10:30:00');
    expect(local.code).toBe(0);
    expect(local.stdout).toMatch(/^order OMS202511220001 as of 2025-11-22T10:30:00\.000\+08:00 \(Asia\/Shanghai\): PUSHED_TO_WMS/);
    expect(local.stdout).toMatch(/events up to then: \d+ \(\d+ recorded later, not shown\)/);
    expect(local.stdout).not.toContain('ShipmentRecorded');
    const utc = await oms(dataDir, 'history', 'OMS202511220001', '--at', '2025-11-22T02:30:00Z', '--json');
    expect(utc.code).toBe(0);
    const answer = JSON.parse(utc.stdout);
    expect(answer).toMatchObject({ orderNo: 'OMS202511220001', at: '2025-11-22T02:30:00.000Z', view: { status: 'PUSHED_TO_WMS' } });
    expect(answer.events.map((e: { type: string }) => e.type)).toEqual([
      'OrderPlaced',
      'ReservationRequested',
      'StockReserved',
      'PushStarted',
      'PushSucceeded',
    ]);
    expect(answer.events[2].causedBy).toEqual({ stream: 'order-OMS202511220001', revision: '1', type: 'ReservationRequested' });
    const offset = await oms(dataDir, 'history', 'OMS202511220001', '--at', '2025-11-22T11:00:00+08:00', '--json');
    expect(JSON.parse(offset.stdout).view.status).toBe('SHIPPED');
  });

  test('before the order existed: exit 1; a time that is not one, or no store at all: exit 2', async () => {
    const early = await oms(dataDir, 'history', 'OMS202511220001', '--at', '2025-11-22T09:00:00');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/no order OMS202511220001 at 2025-11-22T09:00:00\.000\+08:00/);
    const nonsense = await oms(dataDir, 'history', 'OMS202511220001', '--at', 'yesterday');
    expect(nonsense).toMatchObject({ code: 2, stderr: expect.stringContaining('--at "yesterday": not a date-time') });
    const nowhere = await oms(join(elsewhere, 'no-such-dir'), 'history', 'OMS1');
    expect(nowhere).toMatchObject({ code: 2, stderr: expect.stringContaining('no event store at') });
  });
});

describe('oms export', () => {
  test('every event as NDJSON on stdout; the SHA-256 on stderr is the hash of exactly those bytes', async () => {
    const run = await oms(dataDir, 'export', '--from', '0');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(eventCount);
    const events = lines.map((line) => JSON.parse(line));
    expect(Object.keys(events[0])).toEqual(['stream', 'revision', 'position', 'id', 'type', 'data', 'metadata']);
    expect(events.map((e) => Number(e.position.split('/')[0]))).toEqual(
      [...events.map((e) => Number(e.position.split('/')[0]))].sort((a, b) => a - b),
    );
    expect(events.find((e) => e.type === 'ShipmentRecorded')?.metadata.callback.endpoint).toBe('/api/oms/outbound/callback');
    const sha256 = /sha256 ([0-9a-f]{64})/.exec(run.stderr)?.[1];
    expect(sha256).toBe(createHash('sha256').update(run.stdout, 'utf8').digest('hex'));
    expect(run.stderr).toContain(`exported ${eventCount} events`);
  });

  test('--from a local time --to a position, into a file with its .sha256 beside it; the same range twice gives the same bytes', async () => {
    const out = join(scratch('oms-export-'), 'audit.ndjson');
    const run = await oms(dataDir, 'export', '--from', '2025-11-22T10:30:00', '--to', String(eventCount - 2), '--out', out);
    expect(run.code).toBe(0);
    const written = readFileSync(out);
    const [sha256, name] = readFileSync(`${out}.sha256`, 'utf8').trim().split(/\s+/);
    expect(name).toBe('audit.ndjson');
    expect(sha256).toBe(createHash('sha256').update(written).digest('hex'));
    const events = written
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(
      events.every((e) => e.metadata.recordedAt >= '2025-11-22T02:30:00.000Z' && Number(e.position.split('/')[0]) <= eventCount - 2),
    ).toBe(true);
    expect(events[0].type).toBe('ShipmentRecorded');
    const again = await oms(dataDir, 'export', '--from', '2025-11-22T10:30:00', '--to', String(eventCount - 2));
    expect(again.stdout).toBe(written.toString('utf8'));
  });

  test('a bound that is neither a position nor a time, or none at all: exit 2', async () => {
    expect((await oms(dataDir, 'export', '--from', 'soon')).code).toBe(2);
    const missing = await oms(dataDir, 'export');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--from <position|time>' not specified");
  });
});

describe('oms verify', () => {
  test('a store as the hub wrote it: every stream intact, exit 0', async () => {
    const run = await oms(dataDir, 'verify', '--no-projections');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^events: ${eventCount} in \\d+ streams \\(message 1, order 1, shipment 1, stock \\d+\\)`));
    expect(run.stdout).toContain('every stream intact');
  });

  test('a quantity changed in the events table: exit 1, the order stream named with the rule it breaks', async () => {
    const copy = copyOfStore();
    const db = new Database(join(copy, 'events.sqlite'));
    const changed = db
      .prepare(
        "UPDATE events SET data = json_set(data, '$.items[0].quantity', 5) WHERE stream = 'order-OMS202511220001' AND type = 'ShipmentRecorded'",
      )
      .run().changes;
    db.close();
    expect(changed).toBe(1);
    const run = await oms(copy, 'verify', '--no-projections');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /BROKEN order-OMS202511220001 \(\d+ events\)\n {2}revision \d+ ShipmentRecorded \(position \d+\/\d+\): \[shipped ≤ ordered\] waybill SF1234567890 ships SKU001×5 but 2 was open/,
    );
    expect(run.stdout).toContain('events: 1 stream broken');
  });

  test('an event deleted: exit 1, the revision gap named; a stock figure changed: its ledger named', async () => {
    const copy = copyOfStore();
    const db = new Database(join(copy, 'events.sqlite'));
    db.prepare("DELETE FROM events WHERE stream = 'order-OMS202511220001' AND revision = 2").run();
    db.prepare(
      "UPDATE events SET data = json_set(data, '$.quantity', 500) WHERE stream = 'stock-WH001.SKU001' AND type = 'StockReserved'",
    ).run();
    db.close();
    const run = await oms(copy, 'verify', '--no-projections', '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout).events;
    expect(report.broken.map((s: { stream: string }) => s.stream)).toEqual(['order-OMS202511220001', 'stock-WH001.SKU001']);
    expect(report.broken[0].findings[0]).toMatchObject({
      revision: '3',
      rule: 'revisions contiguous from 0',
      message: expect.stringContaining('revision 2 is missing'),
    });
    expect(report.broken[1].findings[0]).toMatchObject({ type: 'StockReserved', rule: 'reserve only what is available' });
  });
});

describe('oms variance', () => {
  test('per warehouse, SKU and condition: the hub’s figure, the warehouse’s, the difference and when (in WAREHOUSE_ZONE)', async () => {
    const run = await oms(dataDir, 'variance');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [heading, columns, row, ...rest] = run.stdout.trimEnd().split('\n');
    expect(heading).toBe(
      'stock variances, the latest per warehouse, SKU and condition (difference = warehouse − hub; ! more than 10 units apart, alerted):',
    );
    expect(columns?.split(/\s+/).filter((cell) => cell !== '')).toEqual([
      'warehouse',
      'sku',
      'condition',
      'hub',
      'warehouse',
      'difference',
      'when',
      'source',
      'variances',
      'net',
    ]);
    expect(row?.split(/\s+/).filter((cell) => cell !== '')).toEqual([
      'WH001',
      'SKU001',
      'SELLABLE',
      '98',
      '95',
      '-3',
      '2025-11-22T11:00:00+08:00',
      'RECONCILIATION',
      '1',
      '-3',
    ]);
    expect(rest).toEqual([]);
  });

  test('--json; --warehouse and --sku narrow it; none at all is said so', async () => {
    const json = await oms(dataDir, 'variance', '--json', '--sku', 'SKU001');
    expect(JSON.parse(json.stdout)).toEqual({
      alertAbove: 10,
      variances: [expect.objectContaining({ warehouseCode: 'WH001', sku: 'SKU001', hubFigure: 98, warehouseFigure: 95, difference: -3 })],
    });
    const none = await oms(dataDir, 'variance', '--warehouse', 'WH002');
    expect(none).toMatchObject({
      code: 0,
      stdout: 'no stock variances: the warehouses have never said their shelves differ from the ledgers\n',
    });
  });
});

describe('oms projections rebuild, and verify against the projections', () => {
  test('rebuild prints its rate; verify then finds the live projections equal to a scratch rebuild; rows changed by hand are named', async () => {
    const copy = copyOfStore();
    const before = await oms(copy, 'verify');
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/projections: 1 difference from a rebuild\n {2}no projections file at/);
    const rebuilt = await oms(copy, 'projections', 'rebuild');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(
      new RegExp(`^rebuilt [a-z, -]+ from ${eventCount} events in [\\d.]+ s: [\\d,]+ events/s; swapped in at `),
    );
    const clean = await oms(copy, 'verify');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('projections: identical to a rebuild from the events');
    const db = new Database(join(copy, 'projections.sqlite'));
    const tables = db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'projection_checkpoints' ORDER BY name")
      .pluck()
      .all();
    const emptied = tables.find((table) => (db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number) > 0) as string;
    db.prepare(`DELETE FROM "${emptied}"`).run();
    db.close();
    const tampered = await oms(copy, 'verify');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('events: every stream intact');
    expect(tampered.stdout).toMatch(/projections: \d+ differences? from a rebuild/);
    expect(tampered.stdout).toContain(emptied);
    const unknown = await oms(copy, 'projections', 'rebuild', 'no-such-projection');
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown projection no-such-projection; known: ') });
  });
});

describe('the command itself', () => {
  test('--help from any directory; an unknown command exits 2', async () => {
    const help = await oms(dataDir, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: oms \[options\] \[command\]/);
    for (const command of ['history', 'projections', 'verify', 'export', 'variance']) expect(help.stdout).toContain(command);
    const unknown = await oms(dataDir, 'replay');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'replay'");
  });
});
