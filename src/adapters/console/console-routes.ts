/**
 * The operators' console (`/console`, and `GET /` redirects there): a small browser app that is a
 * client of the REST API like any other. It holds no state of its own and no privilege: the person
 * signs in with their key, the app sends it as `X-Api-Key` on every call, and every action is a
 * `/api/oms` call the hub authorises and records under that caller.
 *
 * Everything is served from the package, nothing from a CDN: the app's own modules (./public), and
 * Preact, htm and Chart.js from node_modules, named by an import map. No build step: the browser
 * loads the ES modules as they are. The page's Content-Security-Policy allows scripts from the hub
 * only, plus the import map by its hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);
const publicDir = fileURLToPath(new URL('./public/', import.meta.url));

/** The third-party modules the app imports, by the name it imports them under, and where they are. */
const vendor: Readonly<Record<string, string>> = {
  'preact.mjs': require.resolve('preact'),
  'hooks.mjs': require.resolve('preact/hooks'),
  'htm.mjs': join(dirname(require.resolve('htm')), 'htm.mjs'),
  'chart.umd.min.js': join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
};

const importMap = JSON.stringify({
  imports: { preact: '/console/vendor/preact.mjs', 'preact/hooks': '/console/vendor/hooks.mjs', htm: '/console/vendor/htm.mjs' },
});

const page = readFileSync(fileURLToPath(new URL('./index.html', import.meta.url)), 'utf8').replace('{{importmap}}', importMap);

/** The import map as the page holds it (whitespace and all): what the policy's hash must match. */
const inlineImportMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';

const policy = [
  "default-src 'self'",
  `script-src 'self' 'sha256-${createHash('sha256').update(inlineImportMap).digest('base64')}'`,
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export const consoleRoutes = (): Router => {
  const router = express.Router({ strict: true });
  router.get('/', (_req, res) => res.redirect(302, '/console/'));
  router.get('/console', (_req, res) => res.redirect(302, '/console/'));
  router.get('/console/', (_req, res) => {
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });
  router.get('/console/vendor/:file', (req, res, next) => {
    const file = vendor[req.params.file];
    if (file === undefined) return next();
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.sendFile(file);
  });
  router.use('/console/app', express.static(publicDir, { index: false, cacheControl: false, setHeaders: noCache }));
  return router;
};

const noCache = (res: { setHeader: (name: string, value: string) => void }): void => {
  res.setHeader('Cache-Control', 'no-cache');
};
