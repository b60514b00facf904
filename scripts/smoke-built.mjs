// The compiled hub (`npm run build`, what the Dockerfile runs) starts on a fresh data directory and
// answers: /health, an order through its sandbox, the console's page. Run by .ci/run after the build.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const dataDir = mkdtempSync(join(tmpdir(), 'hub-built-'));
const port = 3990;
const base = `http://127.0.0.1:${port}`;
const hub = spawn(process.execPath, ['dist/main/start.js'], {
  env: {
    ...process.env,
    PORT: String(port),
    SANDBOX_WMS_PORT: '3991',
    SANDBOX_TMS_PORT: '3992',
    SANDBOX_DELAY_MS: '0',
    OMS_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});

/** Asks until `check` holds (bounded: 30 s), a condition polled, not a wait for time. */
const until = async (what, check) => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the compiled hub: timed out waiting for ${what}`);
    await sleep(100);
  }
};

try {
  await until('/health', async () => (await fetch(`${base}/health`)).ok);
  await until(
    'the demo order DEMO-0001 to ship',
    async () => (await (await fetch(`${base}/api/oms/orders/DEMO-0001`)).json()).data?.status === 'SHIPPED',
  );
  const page = await fetch(`${base}/console/`);
  if (!page.ok || !(await page.text()).includes('/console/vendor/preact.mjs'))
    throw new Error('the compiled hub does not serve its console');
  const vendor = await fetch(`${base}/console/vendor/chart.umd.min.js`);
  if (!vendor.ok) throw new Error('the compiled hub does not serve the console’s Chart.js');
  console.log('the compiled hub started, shipped a demo order through its sandbox and served its console');
} finally {
  hub.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
