/**
 * The hub's message signature, both ways: a warehouse signs each callback it sends the hub, and
 * the hub signs each call it makes to a WMS or a TMS, with the secret the two share.
 *
 *   X-Hub-Timestamp: <Unix time in whole seconds, when the message was signed>
 *   X-Hub-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + raw body)>
 *
 * The body is signed as its exact bytes (an empty body for a GET). The receiver recomputes the
 * signature over the bytes it received, compares in constant time, refuses a timestamp more than
 * TOLERANCE_SECONDS away from its own clock, and refuses a signature it has seen before (a
 * replay): each delivery, a retry included, is signed anew. README, "Signed messages", has a
 * worked example.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const TIMESTAMP_HEADER = 'x-hub-timestamp';
export const SIGNATURE_HEADER = 'x-hub-signature';
export const TOLERANCE_SECONDS = 300;

export const signatureOf = (secret: string, timestamp: string, body: string | Buffer): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;

/** The two headers of a message signed now (`nowMs`: milliseconds since the epoch). */
export const signedHeaders = (secret: string, body: string | Buffer, nowMs: number): Record<string, string> => {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signatureOf(secret, timestamp, body) };
};

export type SignatureHeaders = Readonly<{ timestamp: string | undefined; signature: string | undefined }>;

const text = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(',') : value);

/** The two signature headers of a received message, as sent (undefined: not sent). */
export const signatureHeadersOf = (headers: IncomingHttpHeaders): SignatureHeaders => ({
  timestamp: text(headers[TIMESTAMP_HEADER]),
  signature: text(headers[SIGNATURE_HEADER]),
});

export type SignatureCheck = Readonly<{ ok: true; signature: string } | { ok: false; problem: string }>;

/** Whether a message's headers sign its body with `secret`, at `nowMs` (not yet whether it is a replay). */
export const checkSignature = (secret: string, headers: SignatureHeaders, body: string | Buffer, nowMs: number): SignatureCheck => {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || signature === undefined)
    return { ok: false, problem: `the message is not signed: send ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER}` };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, problem: `${TIMESTAMP_HEADER} must be Unix time in whole seconds` };
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (skew > TOLERANCE_SECONDS)
    return {
      ok: false,
      problem: `${TIMESTAMP_HEADER} is ${Math.round(skew)} s away from the hub's clock (at most ${TOLERANCE_SECONDS} s): sign each delivery when you send it`,
    };
  const expected = Buffer.from(signatureOf(secret, timestamp, body));
  const presented = Buffer.from(signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    return { ok: false, problem: `${SIGNATURE_HEADER} does not sign this body with this caller's secret` };
  return { ok: true, signature };
};

/** Signatures already received, so that a message is not taken twice (a replay). */
export interface SeenSignatures {
  /** true the first time a signature is seen; it is remembered at least 2 × TOLERANCE_SECONDS */
  firstSight(signature: string, nowMs: number): Promise<boolean>;
}

/** In memory: for a peer that runs in one process for a while (the sandbox). */
export class MemorySeenSignatures implements SeenSignatures {
  private readonly seen = new Map<string, number>();

  async firstSight(signature: string, nowMs: number): Promise<boolean> {
    for (const [known, at] of this.seen) if (at < nowMs - 2 * TOLERANCE_SECONDS * 1000) this.seen.delete(known);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, nowMs);
    return true;
  }
}
