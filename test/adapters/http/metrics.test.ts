/**
 * GET /metrics, scraped as Prometheus would over real HTTP, before and after a few orders go
 * through the hub and the sandbox: the counters moved by what happened, the gauges are there, and
 * the metrics are for a caller the hub knows (like /health's details).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../../support/test-hub.ts';
import { anOrder } from '../../e2e/e2e-fixtures.ts';

const KEY = 'metrics-test-key-0123456789';
let t: TestHub;

beforeAll(async () => {
  t = await startTestHub({ env: { OMS_API_KEYS: KEY } });
});
afterAll(async () => {
  await t.stop();
});

const scrape = async (): Promise<string> => {
  const response = await fetch(`${t.hub.url}/metrics`, { headers: { 'x-api-key': KEY } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
};

/** The value of one series (0 when it is not there yet). */
const valueOf = (text: string, series: string): number => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};

test('without a key the metrics are refused (401); with one they answer in the text format', async () => {
  expect((await fetch(`${t.hub.url}/metrics`)).status).toBe(401);
  expect(await scrape()).toContain('# TYPE oms_http_requests_total counter');
});

test('two orders placed, pushed, shipped and handed off move the counters by as much', async () => {
  const before = await scrape();
  for (const orderNo of ['MET1', 'MET2']) {
    const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify(anOrder(orderNo)),
    });
    expect(placed.status).toBe(201);
  }
  await waitFor('both handed off', async () => {
    const text = await scrape();
    return valueOf(text, 'oms_outside_calls_total{system="tms",call="pushShipment",outcome="ok"}') -
      valueOf(before, 'oms_outside_calls_total{system="tms",call="pushShipment",outcome="ok"}') >=
      2
      ? text
      : null;
  });
  const after = await scrape();
  const moved = (series: string) => valueOf(after, series) - valueOf(before, series);
  expect(moved('oms_http_requests_total{method="POST",route="/api/oms/orders",status="201"}')).toBe(2);
  expect(moved('oms_events_appended_total{type="OrderPlaced"}')).toBe(2);
  expect(moved('oms_events_appended_total{type="ShipmentRecorded"}')).toBe(2);
  expect(moved('oms_outside_calls_total{system="wms",call="createOutbound",outcome="ok"}')).toBe(2);
  expect(moved('oms_http_request_duration_seconds_count{method="POST",route="/api/oms/orders"}')).toBe(2);
  expect(moved('oms_event_store_append_duration_seconds_count')).toBeGreaterThan(2);
  expect(valueOf(after, 'oms_store_position')).toBeGreaterThan(valueOf(before, 'oms_store_position'));
  expect(after).toMatch(/oms_reaction_position\{reaction="deduct-stock-when-shipped"\} [1-9]/);
  expect(after).toMatch(/oms_projection_lag_events\{projection="[^"]+"\} \d+/);
  expect(after).toContain('oms_retries_pending 0');
  expect(after).toContain('oms_process_resident_memory_bytes');
  expect(after).toContain('oms_nodejs_eventloop_lag_seconds');
});

test('the Grafana dashboard (ops/grafana/dashboards) asks only for metrics the hub serves', async () => {
  const dashboard = JSON.parse(readFileSync(new URL('../../../ops/grafana/dashboards/fulfilment-hub.json', import.meta.url), 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  const asked = new Set(
    dashboard.panels
      .flatMap((panel) => panel.targets.flatMap((target) => target.expr.match(/oms_[a-z0-9_]+/g) ?? []))
      .map((name) => name.replace(/_(bucket|count|sum)$/, '')),
  );
  expect(asked.size).toBeGreaterThan(10);
  const served = new Set([...(await scrape()).matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
  expect([...asked].filter((name) => !served.has(name))).toEqual([]);
});
