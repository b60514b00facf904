import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { order, startRig } from './sandbox-fixtures.ts';
import { startFakeHub } from './fake-hub.ts';

/** A pino logger whose lines the test reads. */
const recordingLogger = () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push((JSON.parse(line) as { msg: string }).msg) });
  return { logger, lines };
};

describe('sandbox calling the hub back', () => {
  test('a callback the hub fails is tried again and arrives', async () => {
    const { hub, sandbox, client } = await startRig();
    hub.answerNext(503, 500);
    await client.createOutbound(order('OMS1'));
    await sandbox.wms.settled();
    expect(hub.received.map((r) => r.body.status ?? r.path)).toEqual([
      'PICKING',
      'PICKING',
      'PICKING',
      'PACKED',
      '/api/oms/outbound/callback',
    ]);
  });

  test('after the last attempt the callback is dropped with a log line, and the warehouse goes on', async () => {
    const { logger, lines } = recordingLogger();
    const { hub, sandbox, client } = await startRig({ callbackAttempts: 3, logger });
    hub.answerNext(503, 503, 503);
    await client.createOutbound(order('OMS1'));
    await sandbox.wms.settled();
    expect(hub.received.map((r) => r.body.status ?? r.path)).toEqual([
      'PICKING',
      'PICKING',
      'PICKING',
      'PACKED',
      '/api/oms/outbound/callback',
    ]);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^dropped callback PICKING of OMS1 after 3 attempts: POST http:\/\/127\.0\.0\.1:\d+\/api\/oms\/outbound\/progress: HTTP 503/,
      ),
    );
    expect(lines).toContain('WH001 is picking OMS1');
    expect(lines).toContainEqual(expect.stringMatching(/^WH001 shipped SKU001×2 of OMS1 under SF\d{10}$/));
    expect(lines).toContainEqual(expect.stringMatching(/^called back shipment SF\d{10} of OMS1$/));
  });

  test('a hub that is not there yet: retried, then dropped; a hub URL set later gets the next orders', async () => {
    const { logger, lines } = recordingLogger();
    const { sandbox, client } = await startRig({ hubUrl: undefined, callbackAttempts: 2, logger });
    await client.createOutbound(order('OMS1'));
    await sandbox.wms.settled();
    expect(lines.filter((line) => line.startsWith('dropped callback'))).toHaveLength(3);
    expect(lines[lines.length - 1]).toContain('the hub URL is not set yet');

    const hub = await startFakeHub();
    sandbox.setHubUrl(`${hub.url}/`);
    await client.createOutbound(order('OMS2'));
    const received = await hub.waitFor(3);
    expect(received.map((r) => r.body.orderNo)).toEqual(['OMS2', 'OMS2', 'OMS2']);
    await hub.close();
  });
});
