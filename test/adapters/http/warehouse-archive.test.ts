/**
 * Every message an authenticated caller sends to a warehouse endpoint is kept, raw, in the event
 * store (`message-{messageId}`), whatever its answer; the answer names it (X-Hub-Message-Id), the
 * events it caused name it, and a person can read it back. Over real HTTP, with a credentials file.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { signedHeaders } from '../../../src/adapters/signature/hub-signature.ts';
import { checkStore } from '../../../src/main/cli/verify.ts';
import { type TestHub, waitFor } from '../../support/test-hub.ts';
import { headersOf, keys, secrets, startHubWithOrder } from '../../support/credentials.ts';

let t: TestHub;

const deliver = async (path: string, body: string | Buffer, headers: Record<string, string>) => {
  const response = await fetch(`${t.hub.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    messageId: response.headers.get('x-hub-message-id'),
    body: (await response.json()) as { message: string },
  };
};

const kept = async (messageId: string | null) => {
  const answer = await fetch(`${t.hub.url}/api/oms/warehouse-messages/${messageId ?? 'none'}`, { headers: { 'x-api-key': keys.ops } });
  return { status: answer.status, message: ((await answer.json()) as { data: Record<string, unknown> }).data };
};

const progress = (orderNo: string, stage = 'PICKING', warehouseCode = 'WH001') =>
  JSON.stringify({ orderNo, outboundNo: 'X', warehouseCode, status: stage, time: '2025-11-22T10:00:00' });

beforeAll(async () => {
  t = await startHubWithOrder('ARC1');
  await waitFor('ARC1 at the warehouse', async () => {
    const events = await t.hub.deps.store.readStream('order-ARC1');
    return events.some((event) => event.type === 'PushSucceeded');
  });
});
afterAll(async () => {
  await t.stop();
});

test('an applied message: kept as sent, named in the answer and in the metadata of the events it caused', async () => {
  const body = progress('ARC1');
  const answer = await deliver('/api/oms/outbound/progress', body, headersOf('sandbox', body));
  expect(answer.status).toBe(200);
  expect(answer.messageId).toMatch(/^[0-9a-f-]{36}$/);
  const { status, message } = await kept(answer.messageId);
  expect(status).toBe(200);
  expect(message).toMatchObject({
    messageId: answer.messageId,
    endpoint: '/api/oms/outbound/progress',
    caller: 'wh-sandbox',
    body,
    bodyEncoding: 'utf8',
    contentType: 'application/json',
    status: 200,
    answer: 'success',
    signature: expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
  });
  const caused = (await t.hub.deps.store.readStream('order-ARC1')).filter((event) => event.type === 'WmsProgressRecorded');
  expect(caused.map((event) => (event.metadata.callback as { messageId?: string }).messageId)).toEqual([answer.messageId]);
});

test('refused messages are kept with their answers: a duplicate, a bad field, not JSON, not UTF-8, a bad signature, another warehouse, an unknown order', async () => {
  const duplicate = progress('ARC1');
  const badField = JSON.stringify({ orderNo: 'ARC1', warehouseCode: 'WH001', status: 'DANCING', time: 'soon' });
  const notJson = '{"orderNo": "ARC1", ';
  const notUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
  const unknown = progress('NOSUCH1');
  const foreign = progress('ARC1', 'PACKED', 'WH002');
  const cases = [
    { body: duplicate, headers: headersOf('sandbox', duplicate, Date.now() - 5000), status: 200, answer: 'already applied' },
    { body: badField, headers: headersOf('sandbox', badField), status: 422 },
    { body: notJson, headers: headersOf('sandbox', notJson), status: 400 },
    { body: notUtf8, headers: { 'x-api-key': keys.sandbox, ...signedHeaders(secrets.sandbox, notUtf8, Date.now()) }, status: 400 },
    { body: duplicate, headers: { 'x-api-key': keys.sandbox, ...signedHeaders(secrets.north, duplicate, Date.now()) }, status: 401 },
    { body: foreign, headers: headersOf('north', foreign), status: 403, caller: 'wh-north' },
    { body: unknown, headers: headersOf('sandbox', unknown), status: 404 },
  ];
  for (const sent of cases) {
    const answer = await deliver('/api/oms/outbound/progress', sent.body, sent.headers);
    expect({ sent: sent.status, got: answer.status }).toEqual({ sent: sent.status, got: sent.status });
    const { message } = await kept(answer.messageId);
    expect(message).toMatchObject({
      messageId: answer.messageId,
      caller: sent.caller ?? 'wh-sandbox',
      status: sent.status,
      answer: sent.answer ?? answer.body.message,
      ...(Buffer.isBuffer(sent.body)
        ? { body: sent.body.toString('base64'), bodyEncoding: 'base64' }
        : { body: sent.body, bodyEncoding: 'utf8' }),
    });
  }
  // the unknown order is also an alert for a person, naming the message
  const alerts = await fetch(`${t.hub.url}/api/oms/alerts`, { headers: { 'x-api-key': keys.ops } });
  const unapplied = ((await alerts.json()) as { data: { details: { messageId?: string; body?: unknown } }[] }).data;
  expect(unapplied.some((alert) => alert.details.messageId !== undefined && JSON.stringify(alert.details.body).includes('NOSUCH1'))).toBe(
    true,
  );
});

test('not kept: a request without a known key (nothing is known of its sender), and requests to other endpoints', async () => {
  const before = (await t.hub.deps.store.readAll()).filter((event) => event.stream.startsWith('message-')).length;
  const body = progress('ARC1');
  expect((await deliver('/api/oms/outbound/progress', body, { 'x-api-key': 'nobody-0123456789abcdef' })).status).toBe(403);
  expect((await deliver('/api/oms/outbound/progress', body, {})).status).toBe(401);
  expect((await deliver('/api/oms/orders/ARC1/cancel', '{}', { 'x-api-key': keys.reports })).status).toBe(403);
  expect((await t.hub.deps.store.readAll()).filter((event) => event.stream.startsWith('message-')).length).toBe(before);
  expect((await kept('not-a-message')).status).toBe(404);
});

test('the archive is part of the store `oms verify` checks, and passes', async () => {
  const report = await checkStore(t.hub.deps.store);
  expect(report.categories.message).toBeGreaterThanOrEqual(8);
  expect(report.broken).toEqual([]);
});
