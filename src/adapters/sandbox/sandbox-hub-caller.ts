/**
 * How the sandbox calls the hub back: POST a callback to the hub's URL (which may be set after
 * start, when the hub starts after the sandbox); a failed call (no answer, not accepted) is tried
 * again a few times with a doubling delay, then dropped with a log line, as a real warehouse would.
 * A callback is written in an encoding: the article's JSON (`jsonEncoding`, signed when the sandbox
 * is given its warehouse caller's secret), or Qimen's (./sandbox-qimen.ts).
 */
import type { Logger } from 'pino';
import type { Schedule } from './sandbox-time.ts';
import { waitOn } from './sandbox-time.ts';
import { signedHeaders } from '../signature/hub-signature.ts';

/** One delivery of a callback as the hub is sent it: where (path and query), its headers and body, and whether an answer accepts it. */
export type HubMessage = Readonly<{
  path: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  accepted: (status: number, answer: string) => boolean;
}>;

/** A callback (the article's path and body) written for the hub; called for each delivery, a retry included. */
export type Encoding = (path: string, body: unknown) => HubMessage;

/** The article's JSON, with the caller's key, signed anew at each delivery (the hub refuses a signature it has seen). */
export const jsonEncoding =
  (apiKey: string | undefined, signingSecret: string | undefined): Encoding =>
  (path, body) => {
    const text = JSON.stringify(body);
    return {
      path,
      headers: {
        'content-type': 'application/json',
        ...(apiKey === undefined ? {} : { 'x-api-key': apiKey }),
        ...(signingSecret === undefined ? {} : signedHeaders(signingSecret, text, Date.now())),
      },
      body: text,
      accepted: (status) => status >= 200 && status < 300,
    };
  };

export type HubCallerOptions = Readonly<{
  hubUrl: string | undefined;
  /** how a callback is written (default: the article's JSON, unsigned, without a key) */
  encoding?: Encoding;
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
    let message: HubMessage;
    try {
      message = (this.options.encoding ?? jsonEncoding(undefined, undefined))(path, body);
    } catch (error) {
      return `${path} cannot be written: ${error instanceof Error ? error.message : String(error)}`;
    }
    const url = `${this.hubUrl}${message.path}`;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: message.headers,
        body: message.body,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      const answer = await response.text();
      return message.accepted(response.status, answer) ? null : `POST ${url}: HTTP ${response.status} ${answer.slice(0, 200)}`;
    } catch (error) {
      return `POST ${url}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
