/**
 * Every store of seen signatures to the same rules (SeenSignatures,
 * ../../src/adapters/signature/hub-signature.ts): SQLite on a file in a temporary directory,
 * PostgreSQL in a database of its own on the run's embedded server. A signature's first sight is
 * true once; it is remembered for 2 × TOLERANCE_SECONDS and forgotten after; a second store on the
 * same file or database (a restart, another hub) has seen it too. Then, on PostgreSQL only, two
 * hubs at once: two stores with pools of their own on one database, shown the same signatures
 * together, answer true exactly once per signature.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { type SeenSignatures, TOLERANCE_SECONDS } from '../../src/adapters/signature/hub-signature.ts';
import { PostgresSeenSignatures } from '../../src/adapters/signature/postgres-seen-signatures.ts';
import { SqliteSeenSignatures } from '../../src/adapters/signature/sqlite-seen-signatures.ts';
import { testDatabase } from '../support/test-database.ts';

type ClosableSignatures = SeenSignatures & Readonly<{ close(): Promise<void> }>;
/** Where a store keeps its signatures (a file, a database), and how to open one there. */
type Adapter = Readonly<{ place(): Promise<string>; open(place: string): ClosableSignatures }>;

const directory = mkdtempSync(join(tmpdir(), 'signatures-contract-'));
const opened: ClosableSignatures[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((signatures) => signatures.close()));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const adapters: ReadonlyArray<readonly [string, Adapter]> = [
  ['SQLite', { place: async () => join(directory, `${randomUUID()}.sqlite`), open: (path) => SqliteSeenSignatures.open(path) }],
  ['PostgreSQL', { place: () => testDatabase('signatures'), open: (url) => PostgresSeenSignatures.connect(url) }],
];

const NOW = Date.parse('2025-11-22T02:00:00.000Z');
const REMEMBERED_MS = 2 * TOLERANCE_SECONDS * 1000;
const signature = (n: number): string => `sha256=${n.toString(16).padStart(64, '0')}`;

describe.each(adapters)('the %s seen signatures', (_, adapter) => {
  const open = async (place?: string) => {
    const signatures = adapter.open(place ?? (await adapter.place()));
    opened.push(signatures);
    return signatures;
  };

  test("a signature's first sight is true, every later one false; another signature is its own", async () => {
    const signatures = await open();
    expect(await signatures.firstSight(signature(1), NOW)).toBe(true);
    expect(await signatures.firstSight(signature(1), NOW)).toBe(false);
    expect(await signatures.firstSight(signature(1), NOW + 1_000)).toBe(false);
    expect(await signatures.firstSight(signature(2), NOW + 1_000)).toBe(true);
  });

  test('a signature is remembered for twice the tolerance, and forgotten after', async () => {
    const signatures = await open();
    expect(await signatures.firstSight(signature(1), NOW)).toBe(true);
    expect(await signatures.firstSight(signature(1), NOW + REMEMBERED_MS)).toBe(false);
    expect(await signatures.firstSight(signature(2), NOW + 1)).toBe(true);
    expect(await signatures.firstSight(signature(1), NOW + REMEMBERED_MS + 1)).toBe(true);
    expect(await signatures.firstSight(signature(2), NOW + REMEMBERED_MS + 1)).toBe(false);
  });

  test('a second store on the same place has seen what the first saw', async () => {
    const place = await adapter.place();
    const first = await open(place);
    expect(await first.firstSight(signature(1), NOW)).toBe(true);
    const second = await open(place);
    expect(await second.firstSight(signature(1), NOW)).toBe(false);
    expect(await second.firstSight(signature(2), NOW)).toBe(true);
    expect(await first.firstSight(signature(2), NOW)).toBe(false);
  });
});

describe('PostgreSQL: two hubs on one database at once', () => {
  test('the same signatures shown to both together are a first sight exactly once each', async () => {
    const url = await testDatabase('signatures');
    const hubs = [PostgresSeenSignatures.connect(url), PostgresSeenSignatures.connect(url)];
    opened.push(...hubs);
    const shown = Array.from({ length: 50 }, (__, n) => signature(n));
    const sights = await Promise.all(shown.map((each) => Promise.all(hubs.map((hub) => hub.firstSight(each, NOW)))));
    expect(sights.map((both) => both.filter(Boolean).length)).toEqual(shown.map(() => 1));
  });
});
