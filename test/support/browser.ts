/**
 * A real headless Chromium for the console's tests (playwright-core, no browser download): the
 * Debian package's `/usr/bin/chromium`, or CHROMIUM_PATH. Where there is none, the browser tests
 * are skipped with the reason, unless REQUIRE_BROWSER=1 (CI installs Chromium and sets it: there a
 * missing browser fails the run instead).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const browserMissing: string | false =
  existsSync(chromiumPath) || process.env.REQUIRE_BROWSER === '1'
    ? false
    : `no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH): the console's browser tests are skipped`;

if (browserMissing !== false) console.warn(browserMissing);

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
