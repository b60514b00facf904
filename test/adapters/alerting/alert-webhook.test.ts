/** The alert webhook (./alert-announcer.ts through the SQLite alerting): what every database's alerting sends; the alerting's own rules are test/contracts/alerting.test.ts. */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ERROR, WARN, capturedLog } from '../../support/captured-log.ts';
import { newAlert as alert } from '../../support/new-alert.ts';
import type { AlertingOptions } from '../../../src/adapters/alerting/alert-announcer.ts';
import { SqliteAlerting } from '../../../src/adapters/alerting/sqlite-alerting.ts';

const directory = mkdtempSync(join(tmpdir(), 'hub-alerts-'));
let files = 0;
const newFile = () => join(directory, `alerts-${(files += 1)}.db`);

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
