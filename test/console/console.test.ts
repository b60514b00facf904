/**
 * The operators' console in a real headless Chromium, against a real hub with the sandbox and a
 * credentials file, found by role and name as a person finds things: sign in; an order the WMS
 * would not take waits for a person, is retried and ships while the page is open (live, no
 * reload); another is rerouted to WH002; an alert is acknowledged; an order's timeline, its raw
 * warehouse message and the "as of" slider; search by waybill; a reporting key sees no action and
 * the API refuses the action anyway. Each page is photographed (CONSOLE_SCREENSHOTS, default a
 * temp directory; the README's are from `CONSOLE_SCREENSHOTS=docs/console npx vitest run test/console`).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { anOrder } from '../e2e/e2e-fixtures.ts';
import { browserMissing, launchChromium } from '../support/browser.ts';
import { credentialsEnv, keys, writeCredentials } from '../support/credentials.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';

const shots = process.env.CONSOLE_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'console-shots-'));
mkdirSync(shots, { recursive: true });

let t: TestHub;
let browser: Browser;

const call = async (path: string, key: string, body?: unknown) => {
  const response = await fetch(`${t.hub.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { data: any } };
};

const place = async (orderNo: string, warehouseCode = 'WH001') => {
  const placed = await call('/api/oms/orders', keys.shop, {
    ...anOrder(orderNo),
    warehouseCode,
    consignee: { name: '王小明', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', address: '科技园路1号' },
  });
  expect(placed.status).toBe(201);
};

const statusOf = async (orderNo: string) => (await call(`/api/oms/orders/${orderNo}`, keys.ops)).body.data.status as string;

const reaches = (orderNo: string, status: string) =>
  waitFor(`${orderNo} to reach ${status}`, async () => (await statusOf(orderNo)) === status);

const signIn = async (key: string): Promise<Page> => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
  await page.goto(`${t.hub.url}/`);
  await page.getByLabel('Your key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Needs a person' }).isVisible()).toBe(true);
  return page;
};

const photograph = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

describe.skipIf(browserMissing !== false)('the operators console in Chromium', () => {
  beforeAll(async () => {
    t = await startTestHub({
      env: {
        ...credentialsEnv(writeCredentials(mkdtempSync(join(tmpdir(), 'console-credentials-')))),
        RETRY_MAX_ATTEMPTS: '1',
      },
    });
    browser = await launchChromium();
    // three orders the WMS would not take (it answers 503, and one attempt is all they get), one that ships
    t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
    await place('CON-DOWN');
    await place('CON-MOVE');
    await place('CON-WAIT');
    await reaches('CON-DOWN', 'MANUAL_INTERVENTION');
    await reaches('CON-MOVE', 'MANUAL_INTERVENTION');
    await reaches('CON-WAIT', 'MANUAL_INTERVENTION');
    // one that ships a minute after it was placed (the hub's clock is the test's)
    t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
    await place('CON-SHIP');
    await reaches('CON-SHIP', 'PUSHED_TO_WMS');
    t.clock.advance({ seconds: 60 });
    expect((await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH001/CON-SHIP/ship`, { method: 'POST' })).status).toBe(200);
    await reaches('CON-SHIP', 'SHIPPED');
    t.hub.sandbox?.wms.faults.set({});
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  test('GET / leads to the console, served with a policy that allows only its own scripts', async () => {
    const response = await fetch(`${t.hub.url}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/console/');
    const page = await fetch(`${t.hub.url}/console/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self' 'sha256-");
    expect(await page.text()).toContain('/console/vendor/preact.mjs');
  });

  test('a wrong key is refused at sign-in', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.hub.url}/console/`);
    await page.getByLabel('Your key').fill('not-a-key-of-anyone-here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    await page.close();
  });

  test('an operator retries an order the WMS would not take, and sees it ship without reloading', async () => {
    const page = await signIn(keys.ops);
    const row = page.getByRole('row', { name: /CON-DOWN/ });
    await expect.poll(() => row.count()).toBe(1);
    await photograph(page, 'needs-a-person');
    await row.getByRole('link', { name: 'CON-DOWN' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Order CON-DOWN' }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('.status').textContent()).toBe('MANUAL_INTERVENTION');
    // the warehouse takes it this time, and calls back only when the test says so
    t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
    await page.getByRole('button', { name: 'Retry push' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Retry CON-DOWN' }).textContent()).toContain('done');
    await expect.poll(() => page.locator('.status').textContent()).toBe('PUSHED_TO_WMS');
    const shipped = await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH001/CON-DOWN/ship`, { method: 'POST' });
    expect(shipped.status).toBe(200);
    // no reload: the page follows the order's events
    await expect.poll(() => page.locator('.status').textContent(), { timeout: 10_000 }).toBe('SHIPPED');
    expect(await page.getByRole('table', { name: 'Shipments' }).getByRole('rowheader').count()).toBe(1);
    t.hub.sandbox?.wms.faults.set({});
    await page.close();
  });

  test('an operator reroutes an order to WH002, offered because its stock covers the lines', async () => {
    const page = await signIn(keys.ops);
    const row = page.getByRole('row', { name: /CON-MOVE/ });
    await row.getByRole('button', { name: 'Reroute…' }).click();
    const choice = row.getByRole('combobox', { name: 'Warehouse for CON-MOVE' });
    await expect.poll(() => choice.isVisible()).toBe(true);
    expect(await choice.locator('option').allTextContents()).toEqual(['WH002']);
    await choice.selectOption('WH002');
    await row.getByRole('button', { name: 'Move it' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Reroute CON-MOVE' }).textContent()).toContain('done');
    expect((await call('/api/oms/orders/CON-MOVE', keys.ops)).body.data.warehouseCode).toBe('WH002');
    const events = (await call('/api/oms/orders/CON-MOVE/events', keys.ops)).body.data as { type: string; metadata: { actor?: string } }[];
    expect(events.find((e) => e.type === 'OrderRerouted')?.metadata.actor).toBe('ops');
    // the reroute answered the order's alert
    await expect
      .poll(
        async () =>
          ((await call('/api/oms/alerts?subject=order-CON-MOVE', keys.ops)).body.data as { acknowledgedBy: string }[])[0]?.acknowledgedBy,
      )
      .toBe('hub: order-CON-MOVE rerouted from WH001 to WH002 by ops');
    await page.close();
  });

  test('an operator acknowledges an alert, recorded under their name', async () => {
    const page = await signIn(keys.ops);
    // an order nobody acted on: its alert is still open
    const open = (await call('/api/oms/alerts?acknowledged=false&subject=order-CON-WAIT', keys.ops)).body.data as { id: number }[];
    expect(open.length).toBeGreaterThan(0);
    const row = page.getByRole('row', { name: /CON-WAIT/ });
    await row.getByRole('button', { name: 'Acknowledge' }).first().click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Acknowledge alert' }).textContent()).toContain('done');
    const alert = (
      (await call('/api/oms/alerts?subject=order-CON-WAIT', keys.ops)).body.data as { id: number; acknowledgedBy: string }[]
    ).find((a) => a.id === open[0]?.id);
    expect(alert?.acknowledgedBy).toBe('ops');
    await page.close();
  });

  test("an order's timeline: its raw warehouse message, and the slider shows it as it stood before the shipment", async () => {
    const page = await signIn(keys.ops);
    await page.getByRole('link', { name: 'Search' }).click();
    const waybill = (await call('/api/oms/orders/CON-SHIP', keys.ops)).body.data.shipments[0].waybillNo as string;
    await page.getByLabel('Order, WMS number, waybill or SKU').fill(waybill);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'CON-SHIP' }).click();
    await expect.poll(() => page.locator('.status').textContent()).toBe('SHIPPED');
    // Chinese text as it was sent
    await expect.poll(() => page.getByText('王小明 · 广东省 深圳市 南山区 科技园路1号').isVisible()).toBe(true);
    await photograph(page, 'order');
    await page.getByRole('button', { name: 'Raw message' }).last().click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain(waybill);
    await dialog.getByRole('button', { name: 'Close' }).click();
    // as of the first event (the order was placed, reserved and pushed in that same instant): nothing shipped
    const slider = page.getByRole('slider', { name: 'As of' });
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('.status').textContent()).toBe('PUSHED_TO_WMS');
    expect(await page.locator('output').textContent()).toContain('after OrderPlaced');
    expect(await page.getByRole('table', { name: 'Shipments' }).count()).toBe(0);
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('.status').textContent()).toBe('SHIPPED');
    await page.close();
  });

  test('stock and reports pages show their figures', async () => {
    const page = await signIn(keys.ops);
    await page.getByRole('link', { name: 'Stock' }).click();
    await expect.poll(() => page.getByRole('row', { name: /WH002.*SKU004/ }).count()).toBe(1);
    await photograph(page, 'stock');
    await page.getByRole('link', { name: 'Reports' }).click();
    await expect.poll(() => page.getByRole('img', { name: 'Orders by status, per warehouse' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/\d+ orders in \d+ warehouses/).isVisible()).toBe(true);
    await photograph(page, 'reports');
    await page.close();
  });

  test('a reporting key sees the queue without a single action, and the API refuses the action anyway', async () => {
    t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
    await place('CON-READ');
    await reaches('CON-READ', 'MANUAL_INTERVENTION');
    t.hub.sandbox?.wms.faults.set({});
    const page = await signIn(keys.reports);
    const row = page.getByRole('row', { name: /CON-READ/ });
    await expect.poll(() => row.count()).toBe(1);
    expect(await page.getByRole('button', { name: /Retry|Reroute|Resolve|Cancel|Acknowledge/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'CON-READ' }).click();
    await expect.poll(() => page.locator('.status').textContent()).toBe('MANUAL_INTERVENTION');
    expect(await page.getByRole('button', { name: /Retry|Reroute|Resolve|Cancel/ }).count()).toBe(0);
    const refused = await page.evaluate(async (key) => {
      const response = await fetch('/api/oms/orders/CON-READ/retry-push', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Api-Key': key },
        body: '{}',
      });
      return response.status;
    }, keys.reports);
    expect(refused).toBe(403);
    expect(await statusOf('CON-READ')).toBe('MANUAL_INTERVENTION');
    await page.close();
  });
});
