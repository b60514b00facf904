/**
 * One call to a Qimen WMS (the hub as the ERP/OMS side), its outcome in the hub's words
 * (`CallOutcome`): the common parameters in the query string, signed (./qimen-signature.ts), the
 * body XML (./qimen-xml.ts), the answer Qimen's `<response>`.
 *
 * Outcomes: `flag` success → the answer's fields. `flag` failure → refused, not worth retrying,
 * unless its code says the WMS is busy or broken for now (`isp.*`, `*system*`, `*timeout*`,
 * `*busy*`, `*limit*`, case aside): then worth retrying. No answer (network error, timeout), HTTP
 * 5xx, 408 and 429 → worth retrying; any other HTTP status, or an answer that is not a Qimen
 * `<response>` → refused. Every error names the method, the URL and what came back.
 */
import { DateTime } from 'luxon';
import type { CallContext, CallOutcome } from '../../application/ports/outside-call.ts';
import { traceHeaders } from '../outside-call/http-call.ts';
import type { QimenKey } from '../credentials/callers.ts';
import { qimenSign } from './qimen-signature.ts';
import { readXml, writeXml } from './qimen-xml.ts';

export type QimenPeer = QimenKey &
  Readonly<{
    /** the WMS's (or the Qimen gateway's) URL, e.g. http://qimen.api.taobao.com/router/qimen/service */
    url: string;
    /** Qimen's `customerId`: who the gateway routes the call to */
    customerId: string;
    timeoutMs: number;
  }>;

/** Qimen's `timestamp`: Beijing time. */
export const qimenTimestamp = (ms: number): string => DateTime.fromMillis(ms, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd HH:mm:ss');

/** The query string of a Qimen call: the common parameters (`timestamp` now, Beijing time) and their sign over `body`. */
export const signedQuery = (
  key: Pick<QimenKey, 'appKey' | 'secret' | 'signMethod'>,
  customerId: string,
  method: string,
  body: string,
  nowMs: number,
): string => {
  const parameters = {
    method,
    timestamp: qimenTimestamp(nowMs),
    format: 'xml',
    app_key: key.appKey,
    v: '2.0',
    sign_method: key.signMethod,
    customerId,
  };
  return new URLSearchParams({ ...parameters, sign: qimenSign(key.signMethod, key.secret, parameters, body) }).toString();
};

const TRANSIENT = /^isp\.|system|timeout|busy|limit/i;

const isRetryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/** The answer's fields (flag, code, message and whatever the method adds), or why it is not one. */
const answerOf = (text: string): Readonly<Record<string, unknown>> | string => {
  const read = readXml(text);
  if (!read.ok) return read.error;
  if (read.root !== 'response' || typeof read.value !== 'object' || read.value === null) return `not a Qimen <response>: <${read.root}>`;
  return read.value as Readonly<Record<string, unknown>>;
};

/** Call `method` with `content` as its <request>; the answer's fields when its flag is success. */
export const callQimen = async (
  peer: QimenPeer,
  method: string,
  content: Readonly<Record<string, unknown>>,
  nowMs: number = Date.now(),
  context?: CallContext,
): Promise<CallOutcome<Readonly<Record<string, unknown>>>> => {
  const body = writeXml('request', content);
  const url = `${peer.url}${peer.url.includes('?') ? '&' : '?'}${signedQuery(peer, peer.customerId, method, body, nowMs)}`;
  const endpoint = `${method} at ${peer.url}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml;charset=utf-8', accept: 'text/xml', ...traceHeaders(context) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(peer.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { ok: false, error: `${endpoint}: ${timedOut ? `no answer within ${peer.timeoutMs} ms` : String(error)}`, retryable: true };
  }
  if (!response.ok) return { ok: false, error: `${endpoint}: HTTP ${response.status}`, retryable: isRetryableStatus(response.status) };
  const answer = answerOf(text);
  if (typeof answer === 'string') return { ok: false, error: `${endpoint}: the answer is not readable: ${answer}`, retryable: false };
  if (answer.flag === 'success') return { ok: true, value: answer };
  const code = typeof answer.code === 'string' ? answer.code : '';
  const message = typeof answer.message === 'string' ? answer.message : '';
  return { ok: false, error: `${endpoint}: failure ${code}${message === '' ? '' : `: ${message}`}`, retryable: TRANSIENT.test(code) };
};
