/**
 * A newcomer's first look: `npm start` (no credentials: the hub is open, with its demo orders), then
 * http://127.0.0.1:3000/ in a browser: the console opens without asking for a key, on the demo
 * order that waits for a person, and an action from it is recorded as the open caller's.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserMissing, launchChromium } from '../support/browser.ts';
import { type TestHub, startTestHub } from '../support/test-hub.ts';

let t: TestHub;
let browser: Browser;

describe.skipIf(browserMissing !== false)('the console of an open hub, on the demo data', () => {
  beforeAll(async () => {
    t = await startTestHub({ env: { DEMO_ORDERS: 'true' } });
    browser = await launchChromium();
    await t.orderReaches('DEMO-0004', 'MANUAL_INTERVENTION');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  test('opens at / without a key, shows the demo order waiting for a person; cancelled, which settles its alert: nothing waits', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.hub.url}/`);
    await expect.poll(() => page.getByRole('heading', { name: 'Needs a person' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Your key').count()).toBe(0);
    expect(await page.getByText('open hub (no credentials)').isVisible()).toBe(true);
    const row = page.getByRole('row', { name: /DEMO-0004/ });
    await expect.poll(() => row.getByRole('cell', { name: 'OUT_OF_STOCK' }).count()).toBe(1);
    // the only other warehouse with SKU004 has 25 of the 30: no warehouse to offer
    await row.getByRole('button', { name: 'Reroute…' }).click();
    await expect.poll(() => row.getByText('No other warehouse has stock for every line.').isVisible()).toBe(true);
    await row.getByRole('button', { name: 'Close' }).click();
    await row.getByRole('button', { name: 'Cancel…' }).click();
    await row.getByLabel('Reason').fill('客户取消 (the customer cancelled)');
    await row.getByRole('button', { name: 'Cancel the order' }).click();
    await expect.poll(() => t.order('DEMO-0004').then((order) => order.status)).toBe('CANCELLED');
    // no longer waiting, and the cancellation answered its alert: the hub acknowledged it, naming the act
    await expect.poll(() => page.getByRole('row', { name: /DEMO-0004/ }).count()).toBe(0);
    const [alert] = (await t.get('/api/oms/alerts?subject=order-DEMO-0004')).body.data as { acknowledgedBy: string | null }[];
    expect(alert?.acknowledgedBy).toBe('hub: order-DEMO-0004 cancelled by open');
    expect(await page.getByText('Nothing waits for a person.').isVisible()).toBe(true);
    const events = (await t.get('/api/oms/orders/DEMO-0004/events')).body.data as {
      type: string;
      data: { reason?: string };
      metadata: { actor?: string };
    }[];
    const cancelled = events.find((event) => event.type === 'OrderCancelled');
    expect(cancelled?.metadata.actor).toBe('open');
    await page.close();
  });
});
