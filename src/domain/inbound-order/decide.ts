/*
 * Assumptions. Commands other than CreateInbound carry `inboundNo` (the application routes by
 * it); on a stream without that InboundCreated they are refused INBOUND_NOT_FOUND. A malformed
 * message is not a fact and is refused (INVALID_COMMAND; a receipt with a blank SKU or a negative
 * or fractional quantity: INVALID_RECEIPT); a receipt may be empty or name a SKU twice (per batch),
 * and a zero quantity is allowed. "Same content" for a redelivered CreateInbound compares every
 * field but `now`, lines in any order. Push outcomes follow the outbound order's rules through
 * kernel/push-attempts: an attempt number already recorded is a redelivery ([]), one from the
 * future is refused ATTEMPT_OUT_OF_SEQUENCE; a failure while already PUSHED_TO_WMS is recorded
 * but schedules nothing; a success after MANUAL_INTERVENTION is recorded (the WMS has it). The
 * first receipt closes the inbound (RECEIVED, terminal), whatever the push status; a push outcome
 * that arrives after it yields [] (nothing left to do and not a contradiction). A manual retry is
 * allowed from PUSH_FAILED or MANUAL_INTERVENTION only, and is refused PUSH_RETRY_NOT_ALLOWED
 * otherwise.
 */
import { RETURN_INBOUND_PREFIX } from './return-inbound.ts';
import { isInstant } from '../kernel/instant.ts';
import {
  type Line,
  type Problem,
  isNonNegativeInteger,
  isPositiveInteger,
  lineProblems,
  quantityProblems,
  totalsBySku,
} from '../kernel/lines.ts';
import { claimFor, isRedeliveredAttempt, judgePushFailure, retryScheduledData } from '../kernel/push-attempts.ts';
import { refuse } from '../kernel/refused.ts';
import { jitterProblems, retryPolicyProblems } from '../kernel/retry-policy.ts';
import { identifierProblems } from '../kernel/identifiers.ts';
import type {
  CreateInbound,
  InboundCommand,
  RecordInboundPushFailed,
  RecordInboundPushSucceeded,
  RecordReceipt,
  RetryInboundPush,
  StartInboundPush,
} from './commands.ts';
import type { DiscrepancyRecorded, InboundCreatedData, InboundEvent } from './events.ts';
import { type InboundState, isReceived, pushIsDue, receiptDestination } from './state.ts';

const blank = (value: string | undefined | null): boolean => value === undefined || value === null || value.trim() === '';
const required = (path: string, value: string | undefined): Problem[] => (blank(value) ? [{ path, message: 'must not be blank' }] : []);
const instant = (path: string, value: string | undefined): Problem[] =>
  value !== undefined && isInstant(value) ? [] : [{ path, message: 'must be an ISO-8601 instant with an offset' }];

const refuseIf = (reason: string, what: string, problems: Problem[]): void => {
  if (problems.length > 0) refuse(reason, `${what} is not valid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
};

const createProblems = ({ data }: CreateInbound): Problem[] => [
  ...identifierProblems('code', 'inboundNo', data.inboundNo),
  ...(data.kind === 'PURCHASE' || data.kind === 'RETURN' ? [] : [{ path: 'kind', message: 'must be PURCHASE or RETURN' }]),
  ...identifierProblems('warehouseCode', 'warehouseCode', data.warehouseCode),
  ...(data.kind === 'PURCHASE' ? [...required('supplier', data.supplier), ...required('poNumber', data.poNumber)] : []),
  ...(data.kind === 'PURCHASE' && data.inboundNo.startsWith(RETURN_INBOUND_PREFIX)
    ? [{ path: 'inboundNo', message: `must not start with ${RETURN_INBOUND_PREFIX}, which names the inbounds of customer returns` }]
    : []),
  ...(data.kind === 'RETURN' ? required('returnNo', data.returnNo) : []),
  ...lineProblems(data.lines, 'lines'),
  ...(data.expectedAt === undefined ? [] : instant('expectedAt', data.expectedAt)),
  ...instant('now', data.now),
];

const createdData = ({ data }: CreateInbound): InboundCreatedData => ({
  inboundNo: data.inboundNo,
  kind: data.kind,
  warehouseCode: data.warehouseCode,
  supplier: data.supplier ?? null,
  poNumber: data.poNumber ?? null,
  returnNo: data.returnNo ?? null,
  lines: data.lines.map((line) => (line.batchNo === undefined ? { sku: line.sku, quantity: line.quantity } : { ...line })),
  expectedAt: data.expectedAt ?? null,
  createdAt: data.now,
});

const contentKey = ({ createdAt: _, lines, ...rest }: InboundCreatedData): string =>
  JSON.stringify({
    ...rest,
    lines: [...lines].map((l) => [l.sku, l.quantity, l.batchNo ?? null] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  });

const create = (command: CreateInbound, state: InboundState): InboundEvent[] => {
  refuseIf('INVALID_INBOUND', `inbound ${command.data.inboundNo}`, createProblems(command));
  const data = createdData(command);
  if (state.inbound !== null) {
    if (contentKey(state.inbound) === contentKey(data)) return [];
    refuse('INBOUND_ALREADY_EXISTS', `inbound ${data.inboundNo} exists already, with different content`);
  }
  return [{ type: 'InboundCreated', data }];
};

const existing = (command: Exclude<InboundCommand, CreateInbound>, state: InboundState): InboundCreatedData => {
  if (state.inbound === null || state.inbound.inboundNo !== command.data.inboundNo) {
    return refuse('INBOUND_NOT_FOUND', `no inbound ${command.data.inboundNo}`);
  }
  return state.inbound;
};

const attemptProblems = (attempt: number, now: string): Problem[] => [
  ...(isPositiveInteger(attempt) ? [] : [{ path: 'attempt', message: 'must be a positive whole number' }]),
  ...instant('now', now),
];

const pushSucceeded = (command: RecordInboundPushSucceeded, state: InboundState): InboundEvent[] => {
  const { attempt, wmsInboundNo, now } = command.data;
  existing(command, state);
  refuseIf('INVALID_COMMAND', 'push outcome', [...attemptProblems(attempt, now), ...required('wmsInboundNo', wmsInboundNo)]);
  if (isReceived(state) || isRedeliveredAttempt(state.push, attempt)) return [];
  return [{ type: 'PushSucceeded', data: { attempt, wmsInboundNo, pushedAt: now } }];
};

const pushFailed = (command: RecordInboundPushFailed, state: InboundState): InboundEvent[] => {
  const { attempt, error, retryable, now, policy } = command.data;
  existing(command, state);
  refuseIf('INVALID_COMMAND', 'push outcome', [
    ...attemptProblems(attempt, now),
    ...(command.data.retryAfterMs === undefined || isNonNegativeInteger(command.data.retryAfterMs)
      ? []
      : [{ path: 'retryAfterMs', message: 'must be a whole number, zero or more' }]),
    ...retryPolicyProblems(policy).map((message) => ({ path: 'policy', message })),
    ...jitterProblems(command.data.jitter),
  ]);
  if (isReceived(state) || isRedeliveredAttempt(state.push, attempt)) return [];
  const failed: InboundEvent = { type: 'PushFailed', data: { attempt, error, retryable, failedAt: now } };
  if (state.status === 'PUSHED_TO_WMS') return [failed];
  const verdict = judgePushFailure(state.push, command.data);
  if (verdict.kind === 'retry') return [failed, { type: 'PushRetryScheduled', data: retryScheduledData(command.data, verdict.dueAt) }];
  return [
    failed,
    {
      type: 'ManualInterventionRequired',
      data:
        verdict.reason === 'NOT_RETRYABLE'
          ? { reason: 'PUSH_REJECTED', detail: `the WMS rejected attempt ${attempt}: ${error}`, at: now }
          : { reason: 'PUSH_ATTEMPTS_EXHAUSTED', detail: `attempt ${attempt} failed, the last this round allows: ${error}`, at: now },
    },
  ];
};

const retryPush = (command: RetryInboundPush, state: InboundState): InboundEvent[] => {
  const { requestId, requestedBy, now } = command.data;
  existing(command, state);
  refuseIf('INVALID_COMMAND', 'retry request', [
    ...required('requestId', requestId),
    ...required('requestedBy', requestedBy),
    ...instant('now', now),
  ]);
  if (state.requests.includes(requestId)) return [];
  if (state.status !== 'PUSH_FAILED' && state.status !== 'MANUAL_INTERVENTION') {
    refuse('PUSH_RETRY_NOT_ALLOWED', `inbound ${command.data.inboundNo} is ${state.status}; only a failed push can be retried`);
  }
  return [{ type: 'PushRetryRequested', data: { requestId, requestedBy, attempt: state.push.total + 1, requestedAt: now } }];
};

const receiptProblems = ({ data }: RecordReceipt): Problem[] => [
  ...required('receiptNo', data.receiptNo),
  ...instant('receivedAt', data.receivedAt),
  ...instant('now', data.now),
  ...data.lines.flatMap((line, i): Problem[] => [
    ...identifierProblems('code', `lines[${i}].sku`, line.sku),
    ...quantityProblems(`lines[${i}].quantity`, line.quantity, 0),
  ]),
];

/** Per SKU, received against expected: expected SKUs first, in order, then the unknown ones. */
export const discrepancies = (receiptNo: string, expectedLines: readonly Line[], receivedLines: readonly Line[]): DiscrepancyRecorded[] => {
  const expected = totalsBySku(expectedLines);
  const received = totalsBySku(receivedLines);
  const skus = [...new Set([...expected.keys(), ...received.keys()])];
  return skus.flatMap((sku): DiscrepancyRecorded[] => {
    const e = expected.get(sku) ?? 0;
    const r = received.get(sku) ?? 0;
    if (e === r) return [];
    const kind = !expected.has(sku) ? 'UNKNOWN_SKU' : r < e ? 'SHORT' : 'OVER';
    return [{ type: 'DiscrepancyRecorded', data: { receiptNo, sku, kind, expected: e, received: r } }];
  });
};

const receipt = (command: RecordReceipt, state: InboundState): InboundEvent[] => {
  const inbound = existing(command, state);
  refuseIf('INVALID_RECEIPT', `receipt ${command.data.receiptNo}`, receiptProblems(command));
  const { receiptNo, lines, receivedAt, now } = command.data;
  if (state.receipts.includes(receiptNo)) return [];
  const copied = lines.map((line) => ({ ...line }));
  if (isReceived(state)) {
    return [
      {
        type: 'AnomalyDetected',
        data: {
          kind: 'RECEIPT_AFTER_CLOSE',
          receiptNo,
          lines: copied,
          receivedAt,
          detectedAt: now,
          destination: receiptDestination(inbound),
        },
      },
    ];
  }
  return [
    { type: 'InboundReceived', data: { receiptNo, lines: copied, receivedAt, recordedAt: now, destination: receiptDestination(inbound) } },
    ...discrepancies(receiptNo, state.inbound?.lines ?? [], lines),
  ];
};

/** A push is claimed only while it is due and the attempt is the next one; otherwise nothing (another caller got there first). */
const startPush = (command: StartInboundPush, state: InboundState): InboundEvent[] => {
  if (state.inbound === null || !pushIsDue(state, command.data.now)) return [];
  const claim = claimFor(state.push, state.inbound.warehouseCode, command.data);
  return claim === null ? [] : [{ type: 'PushStarted', data: claim }];
};

export const decide = (command: InboundCommand, state: InboundState): InboundEvent[] => {
  switch (command.type) {
    case 'CreateInbound':
      return create(command, state);
    case 'StartInboundPush':
      return startPush(command, state);
    case 'RecordInboundPushSucceeded':
      return pushSucceeded(command, state);
    case 'RecordInboundPushFailed':
      return pushFailed(command, state);
    case 'RetryInboundPush':
      return retryPush(command, state);
    case 'RecordReceipt':
      return receipt(command, state);
  }
};
