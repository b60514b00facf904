import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { AlertingOptions } from '../../../src/adapters/alerting/alert-announcer.ts';
import { SqliteAlerting } from '../../../src/adapters/alerting/sqlite-alerting.ts';
import type { NewAlert } from '../../../src/application/ports/alerting.ts';

const directory = mkdtempSync(join(tmpdir(), 'hub-alerts-'));
let files = 0;
const newFile = () => join(directory, `alerts-${(files += 1)}.db`);

type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A pino logger writing into an array, one parsed object per line. */
const capturedLog = () => {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { lines, logger };
};

const WARN = 40;
const ERROR = 50;

const alert = (key: string, overrides: Partial<NewAlert> = {}): NewAlert => ({
  key,
  kind: 'MANUAL_INTERVENTION',
  subject: 'order-OMS1',
  message: `push of OMS1 failed 5 times (${key})`,
  details: { attempts: 5 },
  raisedAt: '2025-11-22T02:00:00.000Z',
  ...overrides,
});

const opened: SqliteAlerting[] = [];
const open = (path: string, options: AlertingOptions) => {
  const alerting = SqliteAlerting.open(path, options);
  opened.push(alerting);
  return alerting;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((alerting) => alerting.close()));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('SqliteAlerting', () => {
  test('an alert is stored once per key: raising the same key again changes nothing', async () => {
    const { logger } = capturedLog();
    const alerting = open(newFile(), { logger });
    await alerting.raise(alert('order-OMS1/manual/1'));
    await alerting.raise(alert('order-OMS1/manual/1', { message: 'a redelivery says otherwise', details: { attempts: 6 } }));
    expect(await alerting.list()).toEqual([
      {
        id: expect.any(Number) as number,
        ...alert('order-OMS1/manual/1'),
        keyDigest: createHash('sha256').update('order-OMS1/manual/1').digest('hex').slice(0, 32),
        acknowledgedAt: null,
        acknowledgedBy: null,
      },
    ]);
  });

  test('each new alert writes one warn line with its kind, subject, key and message; a repeat writes none', async () => {
    const { lines, logger } = capturedLog();
    const alerting = open(newFile(), { logger });
    await alerting.raise(
      alert('callback/abc', { kind: 'UNAPPLIED_CALLBACK', subject: 'callback', message: 'callback for unknown order OMS9' }),
    );
    await alerting.raise(
      alert('callback/abc', { kind: 'UNAPPLIED_CALLBACK', subject: 'callback', message: 'callback for unknown order OMS9' }),
    );
    const [stored] = await alerting.list();
    expect(lines).toEqual([
      expect.objectContaining({
        level: WARN,
        kind: 'UNAPPLIED_CALLBACK',
        subject: 'callback',
        key: 'callback/abc',
        alertId: stored?.id,
        msg: 'callback for unknown order OMS9',
      }),
    ]);
  });

  test('list: newest first, filtered by acknowledgement and subject, limited', async () => {
    const { logger } = capturedLog();
    const alerting = open(newFile(), { logger });
    await alerting.raise(alert('a1', { subject: 'order-OMS1' }));
    await alerting.raise(alert('a2', { subject: 'order-OMS2', kind: 'ANOMALY' }));
    await alerting.raise(alert('a3', { subject: 'order-OMS1' }));
    await alerting.raise(alert('a4', { subject: 'inbound-IN1' }));
    const keys = async (filter?: Parameters<SqliteAlerting['list']>[0]) => (await alerting.list(filter)).map((each) => each.key);
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

  test('acknowledge: false for an unknown id; a second acknowledgement keeps the first', async () => {
    const { lines, logger } = capturedLog();
    const alerting = open(newFile(), { logger });
    expect(await alerting.acknowledge(404, 'ops@hub', '2025-11-22T03:00:00.000Z')).toBe(false);
    await alerting.raise(alert('a1'));
    const [raised] = await alerting.list();
    const id = raised?.id ?? -1;

    expect(await alerting.acknowledge(id, 'li.wei@hub', '2025-11-22T03:00:00.000+00:00')).toBe(true);
    expect(await alerting.acknowledge(id, 'someone.else@hub', '2025-11-22T04:00:00.000Z')).toBe(true);
    expect(await alerting.list()).toEqual([
      expect.objectContaining({ id, acknowledgedAt: '2025-11-22T03:00:00.000+00:00', acknowledgedBy: 'li.wei@hub' }),
    ]);
    expect(lines.filter((line) => line.msg === 'alert acknowledged')).toEqual([
      expect.objectContaining({ alertId: id, acknowledgedBy: 'li.wei@hub' }),
    ]);
  });

  test('details come back as the same value, unicode included; an absent value comes back as null', async () => {
    const { logger } = capturedLog();
    const alerting = open(newFile(), { logger });
    const details = {
      出库单: 'OB20251122001',
      运单号: 'SF1234567890',
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

  test('the alerts are still there when the file is opened again, and their keys still count', async () => {
    const path = newFile();
    const { logger } = capturedLog();
    const first = SqliteAlerting.open(path, { logger });
    await first.raise(alert('k1'));
    await first.raise(alert('k2', { details: { 批次: 'B1' } }));
    const before = await first.list();
    await first.close();

    const reopened = open(path, { logger });
    expect(await reopened.list()).toEqual(before);
    await reopened.raise(alert('k1', { message: 'again, after a restart' }));
    await reopened.raise(alert('k3'));
    expect((await reopened.list()).map((each) => [each.key, each.message])).toEqual([
      ['k3', alert('k3').message],
      ['k2', alert('k2').message],
      ['k1', alert('k1').message],
    ]);
  });
});

describe('SqliteAlerting webhook', () => {
  const received: Readonly<{ path: string; contentType: string | undefined; body: unknown }>[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.post('/hooks/:token', (request, response) => {
      received.push({ path: request.path, contentType: request.headers['content-type'], body: request.body as unknown });
      response.status(request.params.token === 'broken' ? 500 : 204).end();
    });
    app.post('/hangs', () => undefined);
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    received.length = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('a new alert is POSTed as JSON; a repeat is not', async () => {
    const { lines, logger } = capturedLog();
    const alerting = open(newFile(), { logger, webhook: { url: `${base}/hooks/s3cret` } });
    await alerting.raise(alert('w1', { details: { 运单号: 'SF1234567890' } }));
    await alerting.raise(alert('w1'));
    await alerting.flush();
    const [stored] = await alerting.list();
    expect(received).toEqual([{ path: '/hooks/s3cret', contentType: 'application/json', body: stored }]);
    expect(lines.filter((line) => line.level >= ERROR)).toEqual([]);
  });

  test('a webhook answering 500 is logged, never thrown', async () => {
    const { lines, logger } = capturedLog();
    const alerting = open(newFile(), { logger, webhook: { url: `${base}/hooks/broken` } });
    await expect(alerting.raise(alert('w2'))).resolves.toBeUndefined();
    await alerting.flush();
    expect(received).toHaveLength(1);
    const failures = lines.filter((line) => line.level === ERROR);
    expect(failures).toEqual([expect.objectContaining({ key: 'w2', webhook: base, msg: 'alert webhook delivery failed' })]);
    expect(JSON.stringify(failures)).toContain('HTTP 500');
    expect(JSON.stringify(failures)).not.toContain('/hooks/broken');
    expect(await alerting.list()).toHaveLength(1);
  });

  test('an unreachable webhook is logged, never thrown', async () => {
    const closed = express().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const { lines, logger } = capturedLog();
    const alerting = open(newFile(), { logger, webhook: { url: `http://127.0.0.1:${port}/hook` } });
    await expect(alerting.raise(alert('w3'))).resolves.toBeUndefined();
    await alerting.flush();
    expect(lines.filter((line) => line.level === ERROR)).toEqual([
      expect.objectContaining({ key: 'w3', msg: 'alert webhook delivery failed' }),
    ]);
  });

  test('a webhook that never answers does not hold up raise, and is given up after the timeout', async () => {
    const { lines, logger } = capturedLog();
    const alerting = open(newFile(), { logger, webhook: { url: `${base}/hangs`, timeoutMs: 100 } });
    await alerting.raise(alert('w4'));
    // raise has returned while the delivery is still under way
    expect(lines.map((line) => line.level)).toEqual([WARN]);
    await alerting.flush();
    expect(lines.filter((line) => line.level === ERROR)).toEqual([
      expect.objectContaining({ key: 'w4', msg: 'alert webhook delivery failed' }),
    ]);
  });

  test('a webhook URL that is not a URL is refused when the adapter is opened', () => {
    const { logger } = capturedLog();
    expect(() => SqliteAlerting.open(newFile(), { logger, webhook: { url: 'not a url' } })).toThrow();
  });
});
