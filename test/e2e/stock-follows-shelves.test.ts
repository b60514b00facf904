/**
 * The hub's stock follows the warehouse's shelves (docs/architecture.md#stock-reconciliation), over
 * real HTTP with the sandbox: a shortage the warehouse reports lowers on hand there; the hub asks
 * for the warehouse's stock on demand and on a schedule and corrects its ledgers; a warehouse tells
 * the hub of a change it made; every difference is a variance in the report, a large one an alert.
 * Demo stock: WH001 SKU001×100, SKU002×50, SKU003×5; WH002 SKU001×40, SKU003×60, SKU004×25, on
 * the hub's ledgers and on the sandbox's shelves alike.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { credentialsEnv, headersOf, writeCredentials } from '../support/credentials.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

type Level = Readonly<{ onHand: number; reserved: number; available: number; defective: number }>;

const levelOf = async (t: TestHub, warehouseCode: string, sku: string): Promise<Level> =>
  (await t.get(`/api/oms/stock?warehouseCode=${warehouseCode}&sku=${sku}`)).body.data[0];

const levelReaches = (t: TestHub, warehouseCode: string, sku: string, expected: Partial<Level>) =>
  waitFor(`${warehouseCode} ${sku} to reach ${JSON.stringify(expected)}`, async () => {
    const level = await levelOf(t, warehouseCode, sku);
    return Object.entries(expected).every(([key, value]) => level?.[key as keyof Level] === value) ? level : undefined;
  });

/** The sandbox's own shelves (a person's route on the sandbox WMS). */
const sandboxMoves = async (t: TestHub, warehouseCode: string, sku: string, move: 'lose' | 'find', body: object) => {
  const response = await fetch(`${t.hub.sandbox?.wmsUrl ?? ''}/sandbox/stock/${warehouseCode}/${sku}/${move}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
};

/** The variance report's row of one figure, once the projection has it as expected. */
const varianceRow = (t: TestHub, warehouseCode: string, sku: string, expected: Record<string, unknown>) =>
  waitFor(`the variance of ${warehouseCode} ${sku}`, async () => {
    const items = (await t.get(`/api/oms/reports/stock-variance?warehouseCode=${warehouseCode}&sku=${sku}`)).body.data.items as Record<
      string,
      unknown
    >[];
    return items.find((item) => Object.entries(expected).every(([key, value]) => item[key] === value));
  });

describe('the hub’s stock follows the shelves', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.stop();
  });
  beforeEach(() => {
    t.hub.sandbox?.wms.faults.set({});
  });

  test('a shortage the warehouse reports lowers on hand there, and the units stay unavailable after cancel and release', async () => {
    t.hub.sandbox?.wms.faults.set({ shortage: { SKU001: 1 } });
    const before = await levelOf(t, 'WH001', 'SKU001');
    await t.post('/api/oms/orders', anOrder('SHELF1', { items: [{ sku: 'SKU001', quantity: 2 }], allowCancel: true }));
    await t.orderReaches('SHELF1', 'CANCELLED');
    const after = await levelReaches(t, 'WH001', 'SKU001', { onHand: before.onHand - 1, reserved: 0 });
    expect(after.available).toBe(before.available - 1);
    await varianceRow(t, 'WH001', 'SKU001', {
      condition: 'SELLABLE',
      source: 'WMS_SHORTAGE',
      hubFigure: before.onHand,
      warehouseFigure: before.onHand - 1,
      difference: -1,
    });
    // the sandbox wrote the missing unit off its shelves too: hub and warehouse agree
    const reconciled = await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH001' });
    expect(reconciled.status).toBe(200);
    expect(reconciled.body.data.variances).toEqual([]);
  });

  test('the sandbox loses 3 units; reconciling corrects on hand, the report shows −3, and reconciling again changes nothing', async () => {
    await sandboxMoves(t, 'WH002', 'SKU003', 'lose', { quantity: 3 });
    const reconciled = await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH002' });
    expect(reconciled.status).toBe(200);
    expect(reconciled.body.data).toMatchObject({
      warehouseCode: 'WH002',
      pages: 1,
      skus: 3,
      variances: [{ sku: 'SKU003', condition: 'SELLABLE', hubFigure: 60, warehouseFigure: 57, difference: -3 }],
      refused: [],
    });
    expect(await levelOf(t, 'WH002', 'SKU003')).toMatchObject({ onHand: 57, reserved: 0, available: 57 });
    const row = await varianceRow(t, 'WH002', 'SKU003', { difference: -3 });
    expect(row).toMatchObject({ hubFigure: 60, warehouseFigure: 57, source: 'RECONCILIATION', variances: 1, netDifference: -3 });
    expect(Date.parse(row.recordedAt as string)).toBe(Date.parse(t.clock.now()));
    const again = await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH002' });
    expect(again.body).toMatchObject({ message: 'the ledgers agree with the shelves', data: { variances: [] } });
  });

  test('reconciliation on a schedule: due every RECONCILE_EVERY_MS (an hour) by the clock, over every warehouse the ledgers know', async () => {
    await sandboxMoves(t, 'WH002', 'SKU004', 'find', { quantity: 5 });
    await sandboxMoves(t, 'WH001', 'SKU003', 'find', { quantity: 2, inventoryType: 'DEFECTIVE' });
    expect(await t.hub.reconciliations.runDue()).toEqual([]);
    t.clock.advance({ seconds: 3600 });
    const outcomes = await t.hub.reconciliations.runDue();
    expect(outcomes.map(({ warehouseCode, outcome }) => ({ warehouseCode, ok: outcome.ok }))).toEqual([
      { warehouseCode: 'WH001', ok: true },
      { warehouseCode: 'WH002', ok: true },
    ]);
    expect(await levelOf(t, 'WH002', 'SKU004')).toMatchObject({ onHand: 30 });
    expect(await levelOf(t, 'WH001', 'SKU003')).toMatchObject({ onHand: 5, defective: 2 });
    expect(await t.hub.reconciliations.runDue()).toEqual([]);
  });

  test('a scheduled reconciliation that fails raises one alert per run of failures; a success ends the run', async () => {
    const failedAlerts = async () =>
      ((await t.get('/api/oms/alerts?subject=reconciliation-WH001')).body.data as { kind: string; message: string; key: string }[]).filter(
        (alert) => alert.kind === 'RECONCILIATION_FAILED',
      );
    const period = async () => {
      t.clock.advance({ seconds: 3600 });
      return (await t.hub.reconciliations.runDue()).map(({ warehouseCode, outcome }) => ({ warehouseCode, ok: outcome.ok }));
    };
    t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
    expect(await period()).toEqual([
      { warehouseCode: 'WH001', ok: false },
      { warehouseCode: 'WH002', ok: false },
    ]);
    const [first] = await failedAlerts();
    expect(first?.message).toContain('the scheduled reconciliation of WH001 failed, nothing was changed');
    // still down an hour later: the same run of failures, no second alert
    await period();
    expect(await failedAlerts()).toHaveLength(1);
    // back, then down again: a new run, a new alert
    t.hub.sandbox?.wms.faults.set({});
    expect((await period()).every(({ ok }) => ok)).toBe(true);
    t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
    await period();
    t.hub.sandbox?.wms.faults.set({});
    expect((await failedAlerts()).map((alert) => alert.key)).toHaveLength(2);
  });

  test('a variance of more than VARIANCE_ALERT_UNITS (10) units raises an alert; the WMS failing changes nothing (502)', async () => {
    await sandboxMoves(t, 'WH002', 'SKU001', 'lose', { quantity: 15 });
    t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
    const failed = await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH002' });
    expect(failed.status).toBe(502);
    expect(failed.body.message).toContain('nothing was changed');
    expect(await levelOf(t, 'WH002', 'SKU001')).toMatchObject({ onHand: 40 });
    t.hub.sandbox?.wms.faults.set({});
    expect((await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH002' })).body.data.variances).toEqual([
      { sku: 'SKU001', condition: 'SELLABLE', hubFigure: 40, warehouseFigure: 25, difference: -15 },
    ]);
    const alerts = await waitFor('the alert', async () => {
      const listed = (await t.get('/api/oms/alerts?subject=stock-WH002.SKU001')).body.data as { kind: string; message: string }[];
      return listed.length > 0 ? listed : undefined;
    });
    expect(alerts).toEqual([expect.objectContaining({ kind: 'ANOMALY', message: expect.stringContaining('LARGE_VARIANCE') })]);
  });

  test('a warehouse tells the hub of a change it made: each line moves its figure once, however often it is sent', async () => {
    // the warehouse found 2 units damaged: off the sellable shelf, onto the defective one, and tells the hub
    await sandboxMoves(t, 'WH001', 'SKU002', 'lose', { quantity: 2 });
    await sandboxMoves(t, 'WH001', 'SKU002', 'find', { quantity: 2, inventoryType: 'DEFECTIVE' });
    const change = {
      changeId: 'CHG-20251122-1',
      warehouseCode: 'WH001',
      lines: [
        { sku: 'SKU002', quantity: -2, reason: 'DAMAGED', inventoryType: 'SELLABLE' },
        { sku: 'SKU002', quantity: 2, reason: 'DAMAGED', inventoryType: 'DEFECTIVE', batchNo: 'B7' },
      ],
    };
    const applied = await t.post('/api/oms/stock/changes', change);
    expect(applied.status).toBe(200);
    expect(applied.body.data).toMatchObject({
      applied: true,
      variances: [
        { sku: 'SKU002', condition: 'SELLABLE', hubFigure: 50, warehouseFigure: 48, difference: -2 },
        { sku: 'SKU002', condition: 'DEFECTIVE', hubFigure: 0, warehouseFigure: 2, difference: 2 },
      ],
    });
    expect(await levelOf(t, 'WH001', 'SKU002')).toMatchObject({ onHand: 48, defective: 2 });
    const again = await t.post('/api/oms/stock/changes', change);
    expect(again.body).toMatchObject({ message: 'already applied', data: { applied: false, variances: [] } });
    expect((await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH001' })).body.data.variances).toEqual([]);
    const events = await t.hub.deps.store.readStream('stock-WH001.SKU002');
    expect(events.at(-1)?.metadata).toMatchObject({ callback: { endpoint: '/api/oms/stock/changes', body: change } });
  });

  test('a change that cannot be applied whole is refused whole, naming the field (422)', async () => {
    const before = (await t.hub.deps.store.readAll()).filter((event) => event.stream.startsWith('stock-')).length;
    const zero = await t.post('/api/oms/stock/changes', {
      changeId: 'CHG-BAD',
      warehouseCode: 'WH001',
      lines: [{ sku: 'SKU001', quantity: 0, reason: 'X', inventoryType: 'SELLABLE' }],
    });
    expect(zero.status).toBe(422);
    expect(zero.body.data.errors).toEqual([{ path: 'body.lines.0.quantity', message: 'quantity must not be zero' }]);
    const badSku = await t.post('/api/oms/stock/changes', {
      changeId: 'CHG-BAD',
      warehouseCode: 'WH001',
      lines: [
        { sku: 'SKU001', quantity: -1, reason: 'LOST', inventoryType: 'SELLABLE' },
        { sku: 'SKU 2', quantity: -1, reason: 'LOST', inventoryType: 'SELLABLE' },
      ],
    });
    expect(badSku.status).toBe(422);
    expect(badSku.body.data.errors).toEqual([{ path: 'lines[1].sku', message: 'must be 1–64 letters, digits, _ . or -' }]);
    const reconcileNowhere = await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH.1' });
    expect(reconcileNowhere.status).toBe(422);
    expect(reconcileNowhere.body.data.errors).toEqual([
      { path: 'body.warehouseCode', message: 'warehouseCode must be 1–32 letters, digits, _ or -' },
    ]);
    expect((await t.hub.deps.store.readAll()).filter((event) => event.stream.startsWith('stock-')).length).toBe(before);
  });

  test('played by hand: the shortage lowers available at once, while the order still holds its reservation, and it stays lower after cancel and release', async () => {
    t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
    const before = await levelOf(t, 'WH001', 'SKU002');
    // SKU002 is stocked at WH001 only: with no policy and nowhere to go, the order waits for a person, its reservation held
    await t.post('/api/oms/orders', anOrder('SHELF2', { items: [{ sku: 'SKU002', quantity: 3 }] }));
    const pushed = await t.orderReaches('SHELF2', 'PUSHED_TO_WMS');
    await levelReaches(t, 'WH001', 'SKU002', { reserved: 3, available: before.available - 3 });
    await sandboxMoves(t, 'WH001', 'SKU002', 'lose', { quantity: 1 });
    const shortage = await t.post('/api/oms/outbound/shortage', {
      orderNo: 'SHELF2',
      outboundNo: pushed.outboundNo,
      warehouseCode: 'WH001',
      shortItems: [{ sku: 'SKU002', quantity: 1 }],
      time: '2025-11-22T10:30:00',
    });
    expect(shortage.status).toBe(200);
    await t.orderReaches('SHELF2', 'MANUAL_INTERVENTION');
    await levelReaches(t, 'WH001', 'SKU002', { onHand: before.onHand - 1, reserved: 3, available: before.available - 4 });
    expect((await t.post('/api/oms/orders/SHELF2/cancel', { reason: 'customer' })).status).toBe(200);
    await t.orderReaches('SHELF2', 'CANCELLED');
    await levelReaches(t, 'WH001', 'SKU002', { onHand: before.onHand - 1, reserved: 0, available: before.available - 1 });
    expect((await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH001' })).body.data.variances).toEqual([]);
  });
});

describe('stock changes from a warehouse caller', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: credentialsEnv(writeCredentials(mkdtempSync(join(tmpdir(), 'hub-stock-change-')))) });
  });
  afterAll(async () => {
    await t.stop();
  });

  const send = async (who: 'sandbox' | 'north', body: object) => {
    const text = JSON.stringify(body);
    const response = await fetch(`${t.hub.url}/api/oms/stock/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headersOf(who, text) },
      body: text,
    });
    return { status: response.status, messageId: response.headers.get('x-hub-message-id'), body: (await response.json()) as any };
  };

  test('are signed, kept in the archive, and only for the caller’s own warehouses (403 otherwise, nothing applied)', async () => {
    const change = {
      changeId: 'CHG-N1',
      warehouseCode: 'WH001',
      lines: [{ sku: 'SKU001', quantity: -1, reason: 'LOST', inventoryType: 'SELLABLE' }],
    };
    const refused = await send('north', change);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('wh-north reports for WH003, not WH001');
    expect((await t.hub.deps.store.readStream('stock-WH001.SKU001')).map((event) => event.type)).toEqual(['StockReceived']);
    const applied = await send('sandbox', change);
    expect(applied.status).toBe(200);
    const events = await t.hub.deps.store.readStream('stock-WH001.SKU001');
    expect(events.at(-1)).toMatchObject({ type: 'StockVarianceRecorded', metadata: { actor: 'wh-sandbox' } });
    expect(applied.messageId).not.toBeNull();
    expect(events.at(-1)?.metadata).toMatchObject({ callback: { messageId: applied.messageId } });
    const archived = await t.hub.deps.store.readStream(`message-${refused.messageId ?? ''}`);
    expect(archived.map((event) => event.type)).toEqual(['WarehouseMessageReceived']);
  });
});
