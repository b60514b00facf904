/**
 * How the sandbox calls the hub back: POST a JSON body to the hub's URL (which may be set after
 * start, when the hub starts after the sandbox); a failed call (no answer, non-2xx) is tried again
 * a few times with a doubling delay, then dropped with a log line, as a real warehouse would;
 * signed, when the sandbox is given its warehouse caller's secret.
 */
import type { Logger } from 'pino';
import type { Schedule } from './sandbox-time.ts';
import { waitOn } from './sandbox-time.ts';
import { signedHeaders } from '../signature/hub-signature.ts';

export type HubCallerOptions = Readonly<{
  hubUrl: string | undefined;
  /** sent as X-Api-Key when the hub asks for one */
  apiKey?: string | undefined;
  /** the warehouse caller's secret: each delivery is signed with it (../signature/hub-signature.ts) */
  signingSecret?: string | undefined;
  /** tries per callback, the first included */
  attempts: number;
  /** delay before the first retry; doubles each time */
  retryDelayMs: number;
  timeoutMs: number;
  schedule: Schedule;
  logger: Logger;
}>;

export class HubCaller {
  private hubUrl: string | undefined;
  private readonly stopping = new AbortController();
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly options: HubCallerOptions) {
    this.hubUrl = options.hubUrl?.replace(/\/+$/, '');
    this.wait = waitOn(options.schedule);
  }

  setHubUrl(url: string): void {
    this.hubUrl = url.replace(/\/+$/, '');
  }

  /** Deliver one callback; true when the hub answered 2xx. */
  async deliver(path: string, body: unknown, what: string): Promise<boolean> {
    const { attempts, retryDelayMs, logger } = this.options;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (this.stopping.signal.aborted) return false;
      const error = await this.post(path, body);
      if (error === null) {
        logger.info({ path, body }, `called back ${what}`);
        return true;
      }
      if (attempt === attempts) {
        logger.error({ path, body, attempts }, `dropped callback ${what} after ${attempts} attempts: ${error}`);
        return false;
      }
      const delay = retryDelayMs * 2 ** (attempt - 1);
      logger.warn({ path, attempt }, `callback ${what} failed (${error}); trying again in ${delay} ms`);
      await this.wait(delay);
    }
    return false;
  }

  /** Abort calls in flight and try nothing more. */
  stop(): void {
    this.stopping.abort();
  }

  /** null when the hub took it, else what went wrong */
  private async post(path: string, body: unknown): Promise<string | null> {
    if (this.hubUrl === undefined) return 'the hub URL is not set yet';
    const url = `${this.hubUrl}${path}`;
    const text = JSON.stringify(body);
    const { apiKey, signingSecret } = this.options;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(apiKey === undefined ? {} : { 'x-api-key': apiKey }),
          // each delivery, a retry included, signed anew: the hub refuses a signature it has seen
          ...(signingSecret === undefined ? {} : signedHeaders(signingSecret, text, Date.now())),
        },
        body: text,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      const answer = await response.text();
      return response.ok ? null : `POST ${url}: HTTP ${response.status} ${answer.slice(0, 200)}`;
    } catch (error) {
      return `POST ${url}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
