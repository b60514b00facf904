/**
 * A reaction, or a projection, that falls behind is seen (/health's details, the metrics) and, past LAG_ALERT_SECONDS,
 * alerted once per episode. The push reaction is stopped by the test, so that the reserved order
 * waits for it.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

const PUSH = 'push-outbound-when-reserved';
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { LAG_ALERT_SECONDS: '60', SANDBOX_MODE: 'manual' } });
  await t.hub.work.subscriptions[t.hub.work.reactions.indexOf(PUSH)]?.stop();
});
afterAll(async () => {
  await t.stop();
});

test('a stopped reaction: its lag in /health and the metrics, and one LAGGING alert once it has waited past the bound', async () => {
  expect((await t.post('/api/oms/orders', anOrder('LAG1'))).status).toBe(201);
  const lag = await waitFor('the push reaction to be behind', async () => {
    const reactions = (await t.get('/health')).body.data.reactions as Record<string, { behind: number; waitingSeconds: number }>;
    return reactions[PUSH]?.behind === 1 ? reactions : undefined;
  });
  expect(lag[PUSH]?.waitingSeconds).toBe(0);
  // the others are not behind
  expect(Object.entries(lag).filter(([name, reaction]) => name !== PUSH && reaction.behind > 0)).toEqual([]);
  const metrics = await (await fetch(`${t.hub.url}/metrics`)).text();
  expect(metrics).toContain(`oms_reaction_lag_events{reaction="${PUSH}"} 1`);

  expect(await t.hub.alertLagging()).toEqual([]);
  t.clock.advance({ seconds: 61 });
  expect(await t.hub.alertLagging()).toEqual([PUSH]);
  expect(await t.hub.alertLagging()).toEqual([PUSH]);
  const alerts = (await t.get(`/api/oms/alerts?subject=reaction-${PUSH}`)).body.data as { kind: string; message: string }[];
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({ kind: 'LAGGING', message: expect.stringContaining('1 events waiting') });
  expect((await t.get('/health')).body.data.reactions[PUSH].waitingSeconds).toBe(61);
});

test('stopped projections: their lag in /health and the metrics, and one LAGGING alert per projection past the bound', async () => {
  await t.hub.projections.stop();
  expect((await t.post('/api/oms/orders', anOrder('LAG2'))).status).toBe(201);
  const lag = await waitFor('the orders projection to be behind', async () => {
    const projections = (await t.get('/health')).body.data.projections as Record<string, { behind: number; waitingSeconds: number }>;
    return (projections['orders']?.behind ?? 0) > 0 ? projections : undefined;
  });
  expect(lag['orders']?.waitingSeconds).toBe(0);
  const metrics = await (await fetch(`${t.hub.url}/metrics`)).text();
  expect(metrics).toMatch(/oms_projection_lag_seconds\{projection="orders"\} 0/);

  expect(await t.hub.alertLagging()).not.toContain('orders');
  t.clock.advance({ seconds: 61 });
  const alerted = await t.hub.alertLagging();
  expect(alerted).toContain('orders');
  expect(alerted).toContain('stock-levels');
  expect(await t.hub.alertLagging()).toEqual(alerted);
  const alerts = (await t.get('/api/oms/alerts?subject=projection-orders')).body.data as { kind: string; message: string }[];
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toMatchObject({ kind: 'LAGGING', message: expect.stringContaining('events waiting') });
  expect((await t.get('/health')).body.data.projections['orders'].waitingSeconds).toBeGreaterThanOrEqual(61);
});
