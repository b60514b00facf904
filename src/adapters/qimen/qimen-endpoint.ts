/**
 * `POST /api/qimen`: where a Qimen WMS calls the hub (the hub as the ERP/OMS side). Qimen's
 * transport, not the article's: the common parameters in the query string (`method`,
 * `timestamp`, `format`, `app_key`, `v`, `sign`, `sign_method`, `customerId`), an XML body whose
 * root is `<request>`, and every answer a `<response>` with `flag` (success or failure), `code`
 * and `message`, in HTTP 200: a Qimen peer reads the flag, not the status (the README has the
 * codes).
 *
 * In order, each failure answered as such and nothing applied: the body within the limit;
 * `app_key` naming a warehouse caller with a Qimen key (the credentials file); its signature over
 * the raw body, before anything is parsed (./qimen-signature.ts), with the sign method configured
 * for it; `timestamp` (`yyyy-MM-dd HH:mm:ss`, Beijing time) within 300 s of the hub's clock;
 * `format` xml; the XML (./qimen-xml.ts); the method and its fields (./qimen-methods.ts). Every
 * message from a known app key is kept raw in the archive of warehouse messages with its answer,
 * whatever it was (a bad signature too); one whose app key is unknown is not (it proved nothing).
 * Open (no credentials configured), messages are taken unsigned from any app key, as the JSON
 * callbacks are.
 *
 * A message refused only because the order (inbound, return) it names is not known yet is parked,
 * as the JSON callbacks are, and applied once it is (./qimen-replay.ts).
 *
 * A message sent again unchanged (the same sign) is not refused: the message id (`outBizCode`)
 * makes it one effect, and the WMS gets the answer it is waiting for.
 */
import type { IncomingMessage } from 'node:http';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { DateTime } from 'luxon';
import { keepWarehouseMessage } from '../../application/warehouse-messages/warehouse-message.ts';
import { type Caller, type Callers, openCaller } from '../credentials/callers.ts';
import type { HttpContext } from '../http/http-context.ts';
import { MESSAGE_ID_HEADER, archivedBody } from '../http/warehouse-messages.ts';
import { type QimenOutcome, handleQimenMethod, handledMethods } from './qimen-methods.ts';
import { qimenSignHolds } from './qimen-signature.ts';
import { readXml, writeXml } from './qimen-xml.ts';
import { qimenEndpointOf } from './qimen-wire.ts';

/** How far a message's timestamp may be from the hub's clock, either way. */
export const QIMEN_TOLERANCE_SECONDS = 300;
/** The zone of Qimen's `timestamp` parameter (GMT+8). */
const QIMEN_ZONE = 'Asia/Shanghai';

export type QimenEndpointOptions = Readonly<{
  callers: Callers;
  bodyLimit: string;
  /** the wall clock, in ms, timestamps are checked against (not the domain clock tests move) */
  wallClockMs: () => number;
}>;

const failure = (code: string, message: string): QimenOutcome => ({ flag: 'failure', code, message });

/** A step's failure, to answer (wrapped: a parameter or an XML element may be called `flag` too). */
type Refusal = Readonly<{ refused: QimenOutcome }>;
const refusal = (code: string, message: string): Refusal => ({ refused: failure(code, message) });

const answer = (res: Response, { flag, code, message }: QimenOutcome): void => {
  res.status(200).type('text/xml; charset=utf-8').send(writeXml('response', { flag, code, message }));
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The query string's parameters given once, and the names given more than once (such a message cannot be signed unambiguously). */
const parametersOf = (req: Request): Readonly<{ parameters: Record<string, string>; repeated: readonly string[] }> => {
  const parameters: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (typeof value === 'string') parameters[name] = value;
    else repeated.push(name);
  }
  return { parameters, repeated };
};

/** Whether Qimen's `timestamp` is within the tolerance of `nowMs`. */
export const timestampFresh = (timestamp: string, nowMs: number): boolean => {
  const at = DateTime.fromFormat(timestamp, 'yyyy-MM-dd HH:mm:ss', { zone: QIMEN_ZONE });
  return at.isValid && Math.abs(at.toMillis() - nowMs) <= QIMEN_TOLERANCE_SECONDS * 1000;
};

/** Who sent it, by `app_key`: a warehouse caller with a Qimen key (anyone, open), or the failure to answer. */
const callerFor = (options: QimenEndpointOptions, appKey: string | undefined): Readonly<{ caller: Caller }> | Refusal => {
  if (options.callers.open) return { caller: openCaller };
  if (appKey === undefined || appKey === '') return refusal('invalid-app-key', 'app_key is missing');
  const caller = options.callers.byQimenAppKey(appKey);
  return caller === undefined ? refusal('invalid-app-key', `app_key ${appKey.slice(0, 64)} is not known here`) : { caller };
};

/** Why the message is not the caller's, fresh (null: it is, or the hub is open). */
const signatureProblem = (
  options: QimenEndpointOptions,
  caller: Caller,
  parameters: Record<string, string>,
  body: Buffer,
): Refusal | null => {
  if (caller.qimen === null) return null;
  const { secret, signMethod } = caller.qimen;
  if ((parameters.sign_method ?? 'md5') !== signMethod)
    return refusal('invalid-sign-method', `sign_method must be ${signMethod} for this app_key`);
  if (parameters.sign === undefined || !qimenSignHolds(signMethod, secret, parameters, body, parameters.sign))
    return refusal('sign-check-failure', 'Illegal request: the sign does not match');
  if (parameters.timestamp === undefined || !timestampFresh(parameters.timestamp, options.wallClockMs()))
    return refusal('invalid-timestamp', `timestamp must be yyyy-MM-dd HH:mm:ss (Beijing time) within ${QIMEN_TOLERANCE_SECONDS} s of now`);
  return null;
};

/** The XML's `<request>`, or the failure to answer. */
const requestOf = (parameters: Record<string, string>, body: Buffer): Readonly<{ request: unknown }> | Refusal => {
  if ((parameters.format ?? 'xml').toLowerCase() !== 'xml') return refusal('invalid-format', 'format must be xml');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return refusal('invalid-xml', 'the body is not UTF-8 text');
  }
  const read = readXml(text);
  if (!read.ok) return refusal('invalid-xml', read.error);
  if (read.root !== 'request') return refusal('invalid-xml', `the root element must be <request>, not <${read.root}>`);
  return { request: read.value ?? {} };
};

/** The handlers of `POST /api/qimen`: the raw body (never parsed as JSON), then the message. */
export const qimenEndpoint = (ctx: HttpContext, options: QimenEndpointOptions): RequestHandler[] => {
  const raw = express.raw({ type: () => true, limit: options.bodyLimit });
  const readRaw: RequestHandler = (req, res, next) => {
    raw(req, res, (error?: unknown) => {
      if (error === undefined) return next();
      const tooLarge = error instanceof Error && 'type' in error && error.type === 'entity.too.large';
      return answer(
        res,
        tooLarge
          ? failure('body-too-large', `the body is larger than ${options.bodyLimit}`)
          : failure('invalid-body', `the body could not be read: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
  };
  const handle: RequestHandler = async (req, res) => {
    const { deps } = ctx;
    const receivedAt = deps.clock.now();
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { parameters, repeated } = parametersOf(req);
    const known = callerFor(options, parameters.app_key);
    if ('refused' in known) return answer(res, known.refused);
    const { caller } = known;
    const messageId = deps.ids.newId();
    res.setHeader(MESSAGE_ID_HEADER, messageId);
    const method = parameters.method ?? '';
    const read =
      (repeated.length > 0 ? refusal('invalid-parameters', `given more than once: ${repeated.join(', ').slice(0, 200)}`) : null) ??
      signatureProblem(options, caller, parameters, body) ??
      requestOf(parameters, body);
    const outcome =
      'refused' in read
        ? read.refused
        : await handleQimenMethod({ deps, zoneOf: ctx.zoneOf, caller, messageId, method, request: read.request });
    await keepWarehouseMessage(
      deps,
      {
        messageId,
        endpoint: qimenEndpointOf(method),
        caller: caller.id,
        receivedAt,
        timestamp: parameters.timestamp ?? null,
        signature: parameters.sign ?? null,
        contentType: (req as IncomingMessage).headers['content-type'] ?? null,
        ...archivedBody(body),
        status: 200,
        answer: `${outcome.flag} ${outcome.code}: ${outcome.message}`,
      },
      outcome.waitingFor === undefined ? undefined : { waitingFor: outcome.waitingFor },
    );
    answer(res, outcome);
  };
  return [readRaw, handle];
};

const parameter = (name: string, description: string, required = true) => ({
  name,
  in: 'query',
  required,
  schema: { type: 'string' },
  description,
});

/** The endpoint in /openapi.json. */
export const qimenOpenApi = {
  post: {
    tags: ['warehouse callbacks'],
    summary: `A Qimen (奇门) WMS reports to the hub: ${handledMethods.join(', ')}`,
    description: [
      "Qimen's transport: the common parameters in the query string, the body XML with root <request>, signed as the Qimen standard signs (README: Qimen), every answer a <response> with flag (success or failure), code and message in HTTP 200.",
      "Failure codes: invalid-app-key (not kept), invalid-sign-method, sign-check-failure, invalid-timestamp (yyyy-MM-dd HH:mm:ss Beijing time, within 300 s), invalid-format, invalid-xml (not UTF-8, not well-formed, a DOCTYPE, deeper than 32 elements, root not <request>), invalid-method, invalid-fields (which and why), forbidden (another warehouse's order), body-too-large, and the domain's refusals by name (ORDER_NOT_FOUND: the message is kept for a person).",
      "deliveryorder.confirm: one shipment per package (expressCode the waybill, logisticsCode the carrier), outBizCode the message id (outBizCode/2, /3 … for further packages), confirmType 0 on the last package closes what is still open by the order's shortage policy. itemlack.report: a shortage of lackQty per itemCode. orderprocess.report: PICK and PACKAGE are recorded as picking and packed; other stages are answered and kept only. entryorder.confirm: a receipt (outBizCode its number; sellable units, per batch); returnorder.confirm: an inspection (ZP qualified, else defective); stockchange.report: a stock change per warehouse and outBizCode.",
      'Every message from a known app_key is kept raw in the archive with its answer (X-Hub-Message-Id).',
    ].join(' '),
    'x-roles': ['warehouse'],
    // not an API key: the app_key and the Qimen sign say who sent it
    'x-authentication': 'qimen-sign',
    parameters: [
      parameter('method', 'e.g. taobao.qimen.deliveryorder.confirm (the taobao.qimen. prefix may be left out)'),
      parameter('timestamp', 'yyyy-MM-dd HH:mm:ss, Beijing time'),
      parameter('app_key', "the warehouse caller's Qimen app key (credentials file: qimen.appKey)"),
      parameter('sign', 'upper-case hex'),
      parameter('sign_method', 'md5 (default), hmac or hmac-sha256: the one configured for the app key', false),
      parameter('format', 'xml', false),
      parameter('v', '2.0', false),
      parameter('customerId', 'kept, not checked', false),
    ],
    requestBody: { required: true, content: { 'text/xml': { schema: { type: 'string' } } } },
    responses: {
      200: { description: 'a <response> with flag success or failure', content: { 'text/xml': { schema: { type: 'string' } } } },
      415: { description: 'a body not sent as text/xml or application/xml (JSON envelope)' },
    },
  },
};
