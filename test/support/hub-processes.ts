/**
 * Hub processes and the sandbox as real child processes (`node --import tsx src/main/…`), for the
 * tests that run several of them on one PostgreSQL (test/e2e/scale-out.test.ts,
 * test/e2e/postgres-restart.test.ts). What each child says (stdout and stderr) is kept, to show
 * when a test fails; `stopAll()` ends every child still running (SIGTERM, then SIGKILL after 5 s)
 * and removes the data directories made for them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './test-hub.ts';

export type Child = Readonly<{ process: ChildProcess; said: () => string }>;

/** Whether the child has ended (exited, or killed by a signal). */
export const ended = (started: Child): boolean => started.process.exitCode !== null || started.process.signalCode !== null;

export class HubProcesses {
  private readonly children: Child[] = [];
  private readonly dataDirs: string[] = [];

  /** A child process of `script` with `env` (and PATH, LOG_LEVEL=warn unless given). */
  start(script: string, env: Record<string, string>): Child {
    const process_ = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    process_.stdout?.on('data', (chunk) => (text += String(chunk)));
    process_.stderr?.on('data', (chunk) => (text += String(chunk)));
    const started = { process: process_, said: () => text };
    this.children.push(started);
    return started;
  }

  /** A new data directory (OMS_DATA_DIR) for a hub, removed by stopAll(). */
  dataDir(prefix: string): string {
    const directory = mkdtempSync(join(tmpdir(), prefix));
    this.dataDirs.push(directory);
    return directory;
  }

  /** The sandbox WMS and TMS (src/main/sandbox-start.ts), calling back `hubUrl`, no delay; their URLs once it listens. */
  async sandbox(hubUrl: string, env: Record<string, string> = {}): Promise<Readonly<{ child: Child; wmsUrl: string; tmsUrl: string }>> {
    const started = this.start('src/main/sandbox-start.ts', {
      SANDBOX_HUB_URL: hubUrl,
      SANDBOX_WMS_PORT: '0',
      SANDBOX_TMS_PORT: '0',
      SANDBOX_DELAY_MS: '0',
      ...env,
    });
    const [, wmsUrl, tmsUrl] = await saysSoon(started, /WMS_URL=(\S+) TMS_URL=(\S+)/);
    return { child: started, wmsUrl: wmsUrl ?? '', tmsUrl: tmsUrl ?? '' };
  }

  /** A hub (src/main/start.ts) with `env`; its URL once it listens. */
  async hub(env: Record<string, string>): Promise<Readonly<{ child: Child; url: string }>> {
    const started = this.start('src/main/start.ts', env);
    const [, url] = await saysSoon(started, /listening on (http:\/\/\S+)/, 30_000);
    return { child: started, url: url ?? '' };
  }

  /** The children that ended by themselves (not killed by the test): what they said. */
  crashed(killed: readonly Child[] = []): string[] {
    return this.children.filter((started) => ended(started) && !killed.includes(started)).map((started) => started.said());
  }

  async stopAll(): Promise<void> {
    for (const { process: started } of this.children) {
      if (started.exitCode !== null || started.signalCode !== null) continue;
      const exited = once(started, 'exit');
      started.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (started.exitCode === null && started.signalCode === null) started.kill('SIGKILL');
    }
    for (const directory of this.dataDirs) rmSync(directory, { recursive: true, force: true });
  }
}

/** Waits until the child has said something matching `pattern` (bounded); the match. Fails at once if the child exits. */
export const saysSoon = (started: Child, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> =>
  waitFor(
    `a child to say ${pattern}`,
    async () => {
      if (ended(started)) throw new Error(`the child exited (${started.process.exitCode}):\n${started.said()}`);
      return pattern.exec(started.said()) ?? undefined;
    },
    timeoutMs,
  );

/** The `data` of the JSON envelope at `url`. */
export const getJson = async (url: string): Promise<any> => {
  const response = await fetch(url);
  const body = (await response.json()) as { data: any };
  return body.data;
};
