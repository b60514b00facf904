/**
 * Hostile requests for any route of /openapi.json: bodies built from the route's own JSON Schema
 * (mostly well-formed, with hostile values anywhere: wrong types, huge numbers, lone surrogates,
 * separators, long strings, deep nesting, more lines than allowed), path parameters that are not valid
 * percent-encoding, bodies that are not JSON, content types and encodings that lie. Sent raw over
 * node:http, so that nothing on the way tidies them up.
 */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { fc } from '@fast-check/vitest';

type Schema = { [keyword: string]: unknown };

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Values a field of a kind usually holds: what makes a body get past validation to the commands. */
const usualStrings = ['OMS202511220001', 'WH001', 'WH002', 'SKU001', 'SF1234567890', 'WMS202511220001', '2025-11-22T10:00:00+08:00', 'x'];

/** Strings that broke the hub once, or could: separators of stream names, lone surrogates, control characters, sizes. */
export const hostileStrings = [
  '',
  ' ',
  '\ud800',
  'a\udc00b',
  'WHZ.01',
  'WHZ',
  '01.X',
  '../../etc',
  'RT-1',
  'order-OMS1',
  'a\u0000b',
  '%ZZ',
  '\u202e',
  '顺丰速运',
  '😀'.repeat(40),
  'A'.repeat(65),
  'A'.repeat(5_000),
  '2025-02-30T00:00:00Z',
  '2025-11-22T10:00:00',
  '1e309',
];

const hostileNumbers = [0, -1, 1.5, 2 ** 31, 2 ** 53 - 1, 2 ** 53, 1e308, -0, Number.MAX_SAFE_INTEGER];

/** Anything JSON can hold, of any type: for a field to be of the wrong one. */
const anyJson = fc.jsonValue({ maxDepth: 2 });

/** A value for this JSON Schema: usually one it allows, sometimes a hostile one. */
export const valueOf = (schema: unknown, depth = 0): fc.Arbitrary<unknown> => {
  if (!isSchema(schema) || depth > 6) return anyJson;
  const hostile = fc.oneof(fc.constantFrom<unknown>(...hostileStrings, ...hostileNumbers, null, true, [], {}), anyJson);
  return fc.oneof({ weight: 6, arbitrary: allowed(schema, depth) }, { weight: 1, arbitrary: hostile });
};

const allowed = (schema: Schema, depth: number): fc.Arbitrary<unknown> => {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) return fc.oneof(...schema.anyOf.map((branch) => valueOf(branch, depth + 1)));
  switch (schema.type) {
    case 'object':
      return objectOf(schema, depth);
    case 'array':
      return fc.oneof(
        { weight: 8, arbitrary: fc.array(valueOf(schema.items, depth + 1), { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: valueOf(schema.items, depth + 1).map((item) => Array.from({ length: 600 }, () => item)) },
      );
    case 'integer':
    case 'number':
      return fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 1, max: 5 }) },
        { weight: 1, arbitrary: fc.constantFrom(...hostileNumbers) },
      );
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...usualStrings) },
        { weight: 2, arbitrary: fc.constantFrom(...hostileStrings) },
        {
          weight: 1,
          arbitrary: fc.string({ unit: 'binary', maxLength: 80 }),
        },
      );
    default:
      return anyJson;
  }
};

const objectOf = (schema: Schema, depth: number): fc.Arbitrary<unknown> => {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const fields = Object.entries(properties).map(([key, field]) =>
    fc.option(valueOf(field, depth + 1), { freq: required.has(key) ? 12 : 3, nil: undefined }).map((value) => [key, value] as const),
  );
  return fc
    .tuple(fc.tuple(...fields), fc.option(fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }), { freq: 4 }))
    .map(([set, extra]) => ({
      ...extra,
      ...Object.fromEntries(set.filter(([, value]) => value !== undefined)),
    }));
};

/** An unknown field nested `depth` deep, as JSON text (JSON.stringify of such an object would itself overflow). */
const deeplyNested = (depth: number): string => `${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}`;

export type RawRequest = Readonly<{ method: string; path: string; headers: Record<string, string>; body: Buffer | null }>;

/** A raw body for a route: its schema's value as JSON, with a deeply nested extra field, or not JSON at all. */
export const bodyOf = (schema: unknown): fc.Arbitrary<Buffer> =>
  fc.oneof(
    { weight: 10, arbitrary: valueOf(schema).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valueOf(schema), fc.constantFrom(100, 5_000, 20_000))
        .map(([value, depth]) =>
          Buffer.from(
            isSchema(value)
              ? JSON.stringify({ ...value, extra: 0 }).replace('"extra":0', `"extra":${deeplyNested(depth)}`)
              : deeplyNested(depth),
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Buffer.from(''),
        Buffer.from('{'),
        Buffer.from('not json'),
        Buffer.from('[1,2,3]'),
        Buffer.from('"a string"'),
        Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
        Buffer.from('{"a":"\\ud800"}'),
        Buffer.from('{"__proto__":{"polluted":true}}'),
      ),
    },
  );

const percentEncoded = (text: string): string =>
  [...Buffer.from(text)]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');

/** A path parameter as it goes on the wire: well encoded, or raw bytes that are not valid percent-encoding. */
export const pathParameter: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...usualStrings, ...hostileStrings).map(percentEncoded) },
  { weight: 2, arbitrary: fc.constantFrom('%ZZ', '%C3%28', '%', '%E0%A4%A', '%ED%A0%80', '%00', '..', '%2e%2e', '%2F', 'a%20b') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(percentEncoded) },
);

/** How the body is labelled: mostly honest JSON, sometimes a lie about its type or its encoding. */
export const framing: fc.Arbitrary<
  Readonly<{ contentType: string | null; encoding: 'none' | 'gzip' | 'bogus-gzip' | 'deflate' | 'br' | 'x-unknown' }>
> = fc.record({
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        null,
        'text/plain',
        'application/xml',
        'application/json; charset=utf-16',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
      ),
    },
  ),
  encoding: fc.oneof(
    { weight: 8, arbitrary: fc.constant('none' as const) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('gzip' as const, 'bogus-gzip' as const, 'deflate' as const, 'br' as const, 'x-unknown' as const),
    },
  ),
});

/** The request as bytes and headers. */
export const framed = (
  method: string,
  path: string,
  body: Buffer | null,
  { contentType, encoding }: Readonly<{ contentType: string | null; encoding: string }>,
): RawRequest => {
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  let payload = body;
  if (payload !== null && encoding !== 'none') {
    headers['content-encoding'] = encoding === 'bogus-gzip' ? 'gzip' : encoding;
    if (encoding === 'gzip') payload = gzipSync(payload);
  }
  return { method, path, headers, body: payload };
};

export type RawAnswer = Readonly<{ status: number; body: string; ms: number }>;

/** Sends the request as it is; rejects when no answer comes within `timeoutMs` (a hang). */
export const sendRaw = (base: string, raw: RawRequest, timeoutMs = 10_000): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const url = new URL(base);
    const started = performance.now();
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers: { ...raw.headers, ...(raw.body === null ? {} : { 'content-length': String(raw.body.length) }) },
      },
      (res) => {
        // an event stream (GET /api/oms/live) answers for as long as its client stays: answered once it opened
        if (res.headers['content-type']?.startsWith('text/event-stream') === true) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, body: '', ms: performance.now() - started });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
        );
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${raw.method} ${raw.path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(raw.body ?? undefined);
  });
