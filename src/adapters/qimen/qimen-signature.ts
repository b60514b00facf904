/**
 * The Qimen (奇门) signature, as the standard's SDK signs a request and its gateway checks one:
 *
 *   1. every query parameter but `sign`, those with an empty value left out;
 *   2. their names sorted (by UTF-16 code unit, as Java's String.compareTo does);
 *   3. name + value concatenated, decoded, without separators;
 *   4. `md5`: MD5 of secret + that + raw body + secret; `hmac`: HMAC-MD5 keyed by the secret over
 *      that + raw body; `hmac-sha256`: the same with SHA-256; in upper-case hex.
 *
 * The body is signed as the bytes sent, so a message is checked before it is parsed. The README
 * has a worked example, pinned by test/adapters/qimen/qimen-signature.test.ts.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const qimenSignMethods = ['md5', 'hmac', 'hmac-sha256'] as const;
export type QimenSignMethod = (typeof qimenSignMethods)[number];

export type QimenParameters = Readonly<Record<string, string>>;

/** Step 1–3: the parameters as they are signed. */
export const signedParameters = (parameters: QimenParameters): string =>
  Object.keys(parameters)
    .filter((name) => name !== 'sign' && parameters[name] !== '')
    .sort()
    .map((name) => `${name}${parameters[name] ?? ''}`)
    .join('');

/** The sign of a request: its parameters (`sign` itself is left out) and its body as sent. */
export const qimenSign = (signMethod: QimenSignMethod, secret: string, parameters: QimenParameters, body: string | Buffer): string => {
  const named = Buffer.from(signedParameters(parameters), 'utf8');
  const sent = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const digest =
    signMethod === 'md5'
      ? createHash('md5').update(secret, 'utf8').update(named).update(sent).update(secret, 'utf8')
      : createHmac(signMethod === 'hmac' ? 'md5' : 'sha256', secret)
          .update(named)
          .update(sent);
  return digest.digest('hex').toUpperCase();
};

/** Whether `sign` is the request's sign (compared in constant time; case of the hex digits aside). */
export const qimenSignHolds = (
  signMethod: QimenSignMethod,
  secret: string,
  parameters: QimenParameters,
  body: string | Buffer,
  sign: string,
): boolean => {
  const expected = Buffer.from(qimenSign(signMethod, secret, parameters, body), 'utf8');
  const given = Buffer.from(sign.toUpperCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
};
