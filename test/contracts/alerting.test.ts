/**
 * Every alerting adapter to the same rules (../../src/application/ports/alerting.ts): SQLite on a
 * file in a temporary directory, PostgreSQL in a database of its own on the run's embedded server
 * (a fresh one per test). An alert is stored and announced once per key; listed newest first,
 * filtered and limited alike; the first acknowledgement is kept; a second adapter on the same
 * file or database (a restart, another hub) sees the alerts and their keys. Then, on PostgreSQL
 * only, two hubs at once: two adapters with pools of their own on one database, raising and
 * acknowledging the same alerts together, store and announce each once, even when both have
 * found the key absent before either inserts it (held there by a third raise left uncommitted). Webhook delivery is
 * ../adapters/alerting/sqlite-alerting.test.ts's (the announcer both adapters share).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { WARN, capturedLog } from '../support/captured-log.ts';
import { newAlert as alert } from '../support/new-alert.ts';
import type { AlertingOptions } from '../../src/adapters/alerting/alert-announcer.ts';
import { PostgresAlerting } from '../../src/adapters/alerting/postgres-alerting.ts';
import { SqliteAlerting } from '../../src/adapters/alerting/sqlite-alerting.ts';
import type { Alerting } from '../../src/application/ports/alerting.ts';
import { testDatabase } from '../support/test-database.ts';

type ClosableAlerting = Alerting & Readonly<{ close(): Promise<void> }>;
/** Where an adapter keeps its alerts (a file, a database), and how to open one there. */
type Adapter = Readonly<{ place(): Promise<string>; open(place: string, options: AlertingOptions): ClosableAlerting }>;

const directory = mkdtempSync(join(tmpdir(), 'alerting-contract-'));
const opened: ClosableAlerting[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((alerting) => alerting.close()));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const adapters: ReadonlyArray<readonly [string, Adapter]> = [
  ['SQLite', { place: async () => join(directory, `${randomUUID()}.sqlite`), open: (path, options) => SqliteAlerting.open(path, options) }],
  ['PostgreSQL', { place: () => testDatabase('alerts'), open: (url, options) => PostgresAlerting.connect(url, options) }],
];

describe.each(adapters)('the %s alerting', (_, adapter) => {
  const open = async (place?: string) => {
    const log = capturedLog();
    const alerting = adapter.open(place ?? (await adapter.place()), { logger: log.logger });
    opened.push(alerting);
    return { alerting, lines: log.lines };
  };

  test('stores and announces an alert once per key: raising the key again changes nothing', async () => {
    const { alerting, lines } = await open();
    await alerting.raise(alert('order-OMS1/manual/1'));
    await alerting.raise(alert('order-OMS1/manual/1', { message: 'a redelivery says otherwise', details: { attempts: 6 } }));
    const stored = await alerting.list();
    expect(stored).toEqual([
      {
        id: expect.any(Number) as number,
        ...alert('order-OMS1/manual/1'),
        keyDigest: createHash('sha256').update('order-OMS1/manual/1').digest('hex').slice(0, 32),
        acknowledgedAt: null,
        acknowledgedBy: null,
      },
    ]);
    expect(lines.filter((line) => line.level === WARN)).toEqual([
      expect.objectContaining({ alertId: stored[0]?.id, key: 'order-OMS1/manual/1', msg: alert('order-OMS1/manual/1').message }),
    ]);
    expect(await alerting.get(stored[0]?.id ?? -1)).toEqual(stored[0]);
    expect(await alerting.get(404)).toBeUndefined();
  });

  test('list: newest first, filtered by acknowledgement and subject, limited', async () => {
    const { alerting } = await open();
    await alerting.raise(alert('a1', { subject: 'order-OMS1' }));
    await alerting.raise(alert('a2', { subject: 'order-OMS2', kind: 'ANOMALY' }));
    await alerting.raise(alert('a3', { subject: 'order-OMS1' }));
    await alerting.raise(alert('a4', { subject: 'inbound-IN1' }));
    const keys = async (filter?: Parameters<Alerting['list']>[0]) => (await alerting.list(filter)).map((each) => each.key);
    const idOf = async (key: string) => (await alerting.list()).find((each) => each.key === key)?.id ?? -1;
    expect(await alerting.acknowledge(await idOf('a3'), 'ops@hub', '2025-11-22T03:00:00.000Z')).toBe(true);

    expect(await keys()).toEqual(['a4', 'a3', 'a2', 'a1']);
    expect(await keys({ acknowledged: false })).toEqual(['a4', 'a2', 'a1']);
    expect(await keys({ acknowledged: true })).toEqual(['a3']);
    expect(await keys({ subject: 'order-OMS1' })).toEqual(['a3', 'a1']);
    expect(await keys({ subject: 'order-OMS1', acknowledged: false })).toEqual(['a1']);
    expect(await keys({ subject: 'return-R1' })).toEqual([]);
    expect(await keys({ limit: 2 })).toEqual(['a4', 'a3']);
    expect(await keys({ acknowledged: false, limit: 1 })).toEqual(['a4']);
    expect(await keys({ limit: 0 })).toEqual([]);
    await expect(alerting.list({ limit: -1 })).rejects.toThrow(RangeError);
    await expect(alerting.list({ limit: 1.5 })).rejects.toThrow(RangeError);
  });

  test('acknowledge: false for an unknown id; a second acknowledgement keeps the first, and is not logged', async () => {
    const { alerting, lines } = await open();
    expect(await alerting.acknowledge(404, 'ops@hub', '2025-11-22T03:00:00.000Z')).toBe(false);
    await alerting.raise(alert('a1'));
    const [raised] = await alerting.list();
    const id = raised?.id ?? -1;

    expect(await alerting.acknowledge(id, 'li.wei@hub', '2025-11-22T03:00:00.000+00:00')).toBe(true);
    expect(await alerting.acknowledge(id, 'someone.else@hub', '2025-11-22T04:00:00.000Z')).toBe(true);
    expect(await alerting.get(id)).toEqual(
      expect.objectContaining({ id, acknowledgedAt: '2025-11-22T03:00:00.000+00:00', acknowledgedBy: 'li.wei@hub' }),
    );
    expect(lines.filter((line) => line.msg === 'alert acknowledged')).toEqual([
      expect.objectContaining({ alertId: id, acknowledgedBy: 'li.wei@hub' }),
    ]);
  });

  test('details come back as the same value, unicode included; an absent value comes back as null', async () => {
    const { alerting } = await open();
    const details = {
      出库单: 'OB20251122001',
      note: '缺货补单 · réservation libérée 📦',
      items: [{ skuCode: 'SKU001', quantity: 2 }, null, true, 1.5, -3],
      nested: { empty: {}, list: [], quote: '"\\\n' },
    };
    await alerting.raise(alert('d1', { details, message: '人工介入：推送失败' }));
    await alerting.raise(alert('d2', { details: '缺货' }));
    await alerting.raise(alert('d3', { details: undefined }));
    const byKey = new Map((await alerting.list()).map((each) => [each.key, each]));
    expect(byKey.get('d1')?.details).toEqual(details);
    expect(byKey.get('d1')?.message).toBe('人工介入：推送失败');
    expect(byKey.get('d2')?.details).toBe('缺货');
    expect(byKey.get('d3')?.details).toBeNull();
  });

  test('a second adapter on the same place sees the alerts, and their keys still count', async () => {
    const place = await adapter.place();
    const { alerting: first } = await open(place);
    await first.raise(alert('k1'));
    await first.raise(alert('k2', { details: { 批次: 'B1' } }));
    const { alerting: second, lines } = await open(place);
    expect(await second.list()).toEqual(await first.list());
    await second.raise(alert('k1', { message: 'again, elsewhere' }));
    await second.raise(alert('k3'));
    expect((await first.list()).map((each) => [each.key, each.message])).toEqual([
      ['k3', alert('k3').message],
      ['k2', alert('k2').message],
      ['k1', alert('k1').message],
    ]);
    expect(lines.filter((line) => line.level === WARN).map((line) => line.key)).toEqual(['k3']);
  });
});

describe('PostgreSQL: two hubs on one database at once', () => {
  const twoHubs = (url: string) =>
    [capturedLog(), capturedLog()].map(({ lines, logger }) => {
      const alerting = PostgresAlerting.connect(url, { logger });
      opened.push(alerting);
      return { alerting, lines };
    });

  test('a key both raise after both found it absent is stored once, and announced by one hub only', async () => {
    const url = await testDatabase('alerts');
    const hubs = twoHubs(url);
    await Promise.all(hubs.map(({ alerting }) => alerting.list())); // the table is there
    // a third raise of the key, not yet committed: both hubs find no such alert, and wait at the insert
    const [third, watcher] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([third.connect(), watcher.connect()]);
    try {
      await third.query('BEGIN');
      await third.query(
        `INSERT INTO alerts (key, kind, subject, message, details, raised_at) VALUES ('k1', 'ANOMALY', 's', 'm', 'null', 't')`,
      );
      const raising = Promise.all(hubs.map(({ alerting }, hub) => alerting.raise(alert('k1', { message: `from hub ${hub}` }))));
      // both raises wait at the insert (polled, bounded by the test's timeout)
      const waitingAtInsert = async () =>
        (
          await watcher.query<{ n: number }>(
            `SELECT count(*)::integer AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0]?.n;
      while ((await waitingAtInsert()) !== 2) await new Promise((resolve) => setTimeout(resolve, 5));
      await third.query('ROLLBACK');
      await raising;
    } finally {
      await Promise.all([third.end(), watcher.end()]);
    }
    expect((await hubs[0]?.alerting.list())?.map((each) => each.key)).toEqual(['k1']);
    expect(hubs.flatMap(({ lines }) => lines.filter((line) => line.level === WARN))).toHaveLength(1);
  });

  test('the same keys raised by both together are stored once each and announced by one hub only; one acknowledgement is kept', async () => {
    const hubs = twoHubs(await testDatabase('alerts'));
    const keys = Array.from({ length: 20 }, (__, n) => `order-OMS${n}/manual/1`);
    await Promise.all(keys.flatMap((key) => hubs.map(({ alerting }, hub) => alerting.raise(alert(key, { message: `from hub ${hub}` })))));

    const stored = await hubs[0]?.alerting.list();
    expect(stored?.map((each) => each.key).sort()).toEqual([...keys].sort());
    expect(await hubs[1]?.alerting.list()).toEqual(stored);
    const announced = hubs.flatMap(({ lines }) => lines.filter((line) => line.level === WARN).map((line) => line.key));
    expect(announced.sort()).toEqual([...keys].sort());

    const id = stored?.[0]?.id ?? -1;
    const acknowledged = await Promise.all(
      hubs.map(({ alerting }, hub) => alerting.acknowledge(id, `ops${hub}@hub`, `2025-11-22T03:00:0${hub}.000Z`)),
    );
    expect(acknowledged).toEqual([true, true]);
    const logged = hubs.flatMap(({ lines }) => lines.filter((line) => line.msg === 'alert acknowledged'));
    expect(logged).toHaveLength(1);
    expect(await hubs[1]?.alerting.get(id)).toEqual(expect.objectContaining({ acknowledgedBy: logged[0]?.acknowledgedBy }));
  });
});
