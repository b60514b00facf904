/**
 * GET /api/oms/live over real HTTP: a console's stream of the store's appends, read as a browser's
 * fetch() reads it (the key in X-Api-Key, the body as a stream). Every wait is on a condition (what
 * the stream has shown, what the hub counts), never a sleep; the keep-alive comes every 20 ms here
 * (LIVE_KEEP_ALIVE_MS), not every 15 s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { anOrder } from '../../e2e/e2e-fixtures.ts';
import { type TestHub, startTestHub, waitFor } from '../../support/test-hub.ts';
import { credentialsEnv, keys, writeCredentials } from '../../support/credentials.ts';

type Appended = Readonly<{ position: string; stream: string; type: string; recorded: string; orderNo?: string }>;

/** A client of the stream: what it has read so far, as text and as `appended` events; `close` goes away. */
type Client = Readonly<{ response: Response; text: () => string; appended: () => Appended[]; close: () => void }>;

let t: TestHub;

const connect = async (key: string): Promise<Client> => {
  const abort = new AbortController();
  const response = await fetch(`${t.hub.url}/api/oms/live`, { headers: { 'x-api-key': key }, signal: abort.signal });
  let text = '';
  if (response.body !== null) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        text += chunk.value;
      }
    })().catch(() => undefined); // aborted by `close`
  }
  const appended = () =>
    text
      .split('\n\n')
      .filter((block) => block.startsWith('event: appended\n'))
      .map((block) => JSON.parse(block.slice('event: appended\ndata: '.length)) as Appended);
  return { response, text: () => text, appended, close: () => abort.abort() };
};

const refusal = async (headers: Record<string, string>) => {
  const response = await fetch(`${t.hub.url}/api/oms/live`, { headers });
  return { status: response.status, body: (await response.json()) as { message: string } };
};

beforeAll(async () => {
  t = await startTestHub({
    env: { ...credentialsEnv(writeCredentials(mkdtempSync(join(tmpdir(), 'hub-live-')))), LIVE_KEEP_ALIVE_MS: '20' },
  });
});
afterAll(async () => {
  await t.stop();
});

test('an operator hears every event appended after the stream opened, in store order, with the orderNo of order streams; keep-alives meanwhile', async () => {
  const client = await connect(keys.ops);
  expect(client.response.status).toBe(200);
  expect(client.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(client.response.headers.get('cache-control')).toBe('no-cache');
  await waitFor('the stream to be live', async () => client.text().startsWith(': live\n\n'));
  expect(t.hub.live.listening).toBe(1);

  const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
    body: JSON.stringify(anOrder('LIVE1')),
  });
  expect(placed.status).toBe(201);
  const orderEvents = await waitFor('LIVE1 shipped, on the stream', async () => {
    const events = client.appended().filter((event) => event.orderNo === 'LIVE1');
    return events.some((event) => event.type === 'ShipmentRecorded') ? events : undefined;
  });
  const stored = await t.hub.deps.store.readStream('order-LIVE1');
  expect(orderEvents.slice(0, stored.length)).toEqual(
    stored.slice(0, orderEvents.length).map((event) => ({
      position: String(event.position.commit),
      stream: 'order-LIVE1',
      type: event.type,
      recorded: event.metadata.recordedAt,
      orderNo: 'LIVE1',
    })),
  );
  expect(orderEvents[0]?.type).toBe('OrderPlaced');

  // everything appended since the stream opened, every stream, in order; no orderNo but on order streams
  const heard = client.appended();
  const first = BigInt(heard[0]?.position ?? '0');
  const since = (await t.hub.deps.store.readAll()).filter((event) => event.position.commit >= first).slice(0, heard.length);
  expect(heard.map((event) => [event.position, event.stream, event.type])).toEqual(
    since.map((event) => [String(event.position.commit), event.stream, event.type]),
  );
  expect(heard.filter((event) => event.orderNo !== undefined).every((event) => event.stream === `order-${event.orderNo}`)).toBe(true);
  expect(heard.some((event) => event.stream.startsWith('stock-') && !('orderNo' in event))).toBe(true);

  await waitFor('a keep-alive comment', async () => client.text().includes('\n: keep-alive\n\n'));
  client.close();
  await waitFor('the stream released', async () => t.hub.live.listening === 0);
});

test('a reporting caller may follow too; the hub releases each stream whose client goes away', async () => {
  const clients = [await connect(keys.reports), await connect(keys.ops), await connect(keys.reports)];
  for (const client of clients) await waitFor('live', async () => client.text().startsWith(': live'));
  expect(t.hub.live.listening).toBe(3);
  clients[1]?.close();
  await waitFor('one released', async () => t.hub.live.listening === 2);
  for (const client of clients) client.close();
  await waitFor('all released', async () => t.hub.live.listening === 0);
});

test('authenticated as every /api/oms route: no key 401, an unknown key 403, a caller without the role 403; nothing is left listening', async () => {
  expect((await refusal({})).status).toBe(401);
  expect((await refusal({ 'x-api-key': 'not-a-key-of-this-hub-0000' })).status).toBe(403);
  const channel = await refusal({ 'x-api-key': keys.shop });
  expect(channel.status).toBe(403);
  expect(channel.body.message).toContain('may not call GET /api/oms/live');
  expect(t.hub.live.listening).toBe(0);
});

test('described in /openapi.json as text/event-stream, with its roles', async () => {
  const document = (await (await fetch(`${t.hub.url}/openapi.json`)).json()) as { paths: Record<string, any> };
  const live = document.paths['/api/oms/live']?.get;
  expect(live['x-roles']).toEqual(['operator', 'reporting']);
  expect(Object.keys(live.responses[200].content)).toEqual(['text/event-stream']);
  expect(live.responses[200].description).toContain('event: appended');
});

test('a stream is counted in the metrics once it closes, and not timed as a request', async () => {
  const metric = async (pattern: RegExp): Promise<number> => {
    const text = await (await fetch(`${t.hub.url}/metrics`, { headers: { 'x-api-key': keys.ops } })).text();
    return Number(pattern.exec(text)?.[1] ?? '0');
  };
  const streams = /oms_http_requests_total\{method="GET",route="\/api\/oms\/live",status="200"\} (\d+)/;
  const timed = /oms_http_request_duration_seconds_count\{method="GET",route="\/api\/oms\/live"\} (\d+)/;
  const [streamsBefore, timedBefore] = [await metric(streams), await metric(timed)];
  const client = await connect(keys.ops);
  await waitFor('live', async () => client.text().startsWith(': live'));
  client.close();
  await waitFor('released', async () => t.hub.live.listening === 0);
  await waitFor('the stream counted', async () => (await metric(streams)) === streamsBefore + 1);
  expect(await metric(timed)).toBe(timedBefore);
});
