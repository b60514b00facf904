/**
 * One POST of a JSON body to an outside system (WMS, TMS), its outcome in the hub's words
 * (`CallOutcome`). Worth retrying: no answer (network error, timeout), HTTP 5xx, 408 and 429, and
 * an envelope whose `code` says the same; `Retry-After` (seconds or an HTTP-date) is passed on.
 * Not worth retrying: any other refusal (a redirect included: it is not followed), and an answer
 * that breaks the envelope contract.
 * Every error names the endpoint and what came back. Signed when the peer shares a secret with the hub.
 */
import type { z } from 'zod';
import type { CallContext, CallOutcome } from '../../application/ports/outside-call.ts';
import { signedHeaders } from '../signature/hub-signature.ts';

type Envelope<T> = { code: number; message: string; data: T };

export type PostJson<T> = Readonly<{
  url: string;
  body: unknown;
  /** the zod schema of a successful answer's envelope */
  answer: z.ZodType<Envelope<T>>;
  timeoutMs: number;
  /** the secret the call is signed with (../signature/hub-signature.ts); null: unsigned */
  signingSecret: string | null;
  /** what the call carries besides its body: its trace context, as the `traceparent` header */
  context?: CallContext | undefined;
}>;

/** The W3C trace context header of a call, when it has one. */
export const traceHeaders = (context: CallContext | undefined): Record<string, string> =>
  context?.traceparent === undefined ? {} : { traceparent: context.traceparent };

const isRetryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/** `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT` → milliseconds from now. */
const retryAfterMs = (header: string | null, now: number): number | undefined => {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

const failure = (error: string, retryable: boolean, retryAfter?: number): CallOutcome<never> =>
  retryable && retryAfter !== undefined ? { ok: false, error, retryable, retryAfterMs: retryAfter } : { ok: false, error, retryable };

const describeNoAnswer = (error: unknown, timeoutMs: number): string => {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    const code = cause !== undefined && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    return [error.message, cause?.message, code].filter((part) => part !== undefined && part !== '').join(': ');
  }
  return String(error);
};

/** The `code` of an envelope-shaped body, if the body is one. */
const codeOf = (json: unknown): number | undefined =>
  typeof json === 'object' && json !== null && 'code' in json && typeof json.code === 'number' ? json.code : undefined;

/** The `message` of an envelope-shaped body, if the body is one. */
const messageOf = (json: unknown): string | undefined =>
  typeof json === 'object' && json !== null && 'message' in json && typeof json.message === 'string' && json.message !== ''
    ? json.message
    : undefined;

const parseJson = (text: string): { ok: true; json: unknown } | { ok: false } => {
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
};

export const postJson = async <T>(call: PostJson<T>): Promise<CallOutcome<T>> => {
  const endpoint = `POST ${call.url}`;
  let response: Response;
  let text: string;
  const body = JSON.stringify(call.body);
  const signature = call.signingSecret === null ? {} : signedHeaders(call.signingSecret, body, Date.now());
  try {
    response = await fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...signature, ...traceHeaders(call.context) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    return failure(`${endpoint}: ${describeNoAnswer(error, call.timeoutMs)}`, true);
  }
  const status = `HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`;
  const retryAfter = retryAfterMs(response.headers.get('retry-after'), Date.now());
  const answer = parseJson(text);
  const message = answer.ok ? messageOf(answer.json) : undefined;

  if (!response.ok) {
    return failure(`${endpoint}: ${status}${message === undefined ? '' : `: ${message}`}`, isRetryableStatus(response.status), retryAfter);
  }
  if (!answer.ok) return failure(`${endpoint}: ${status} but the answer is not JSON: ${text.slice(0, 200)}`, false);
  const code = codeOf(answer.json);
  if (code !== undefined && code !== 200) {
    return failure(
      `${endpoint}: ${status} but answer code ${code}${message === undefined ? '' : `: ${message}`}`,
      isRetryableStatus(code),
      retryAfter,
    );
  }
  const envelope = call.answer.safeParse(answer.json);
  if (!envelope.success) {
    const problems = envelope.error.issues.map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`).join('; ');
    return failure(`${endpoint}: ${status} but the answer breaks the contract: ${problems}`, false);
  }
  return { ok: true, value: envelope.data.data };
};
