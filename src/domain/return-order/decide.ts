/*
 * Assumptions. Commands after CreateReturn carry `returnNo`; on a stream without that
 * ReturnCreated they are refused RETURN_NOT_FOUND. A redelivered CreateReturn is recognised
 * before the limits are checked (the application's `alreadyReturned` may by then include this
 * very return); "same content" compares orderNo, warehouseCode, reason and the lines in any
 * order, not the looked-up `shipped`/`alreadyReturned`, which are kept on the event for the audit.
 * A SKU counts as shipped when `shipped[sku]` is above zero. The limit check uses the figures the
 * application passes in, so two returns of one order created at the same moment are only as safe
 * as that look-up. A malformed inspection (blank SKU, negative or fractional quantities) is not a
 * fact and is refused INVALID_INSPECTION; an inspection may name a SKU twice (summed) or be empty
 * (nothing came back: every SKU short). The first inspection is the one recorded; any other one
 * later, even after the close, is an anomaly only. Closing a return that is already closed (by
 * another request) yields [], since what was asked for holds.
 */
import { isInstant } from '../kernel/instant.ts';
import { identifierProblems } from '../kernel/identifiers.ts';
import { type Problem, lineProblems, quantityProblems } from '../kernel/lines.ts';
import { refuse } from '../kernel/refused.ts';
import type { CloseReturn, CreateReturn, InspectionLine, RecordReturnInspection, ReturnCommand, ReturnLine } from './commands.ts';
import type { AnomalyDetected, ReturnCreatedData, ReturnEvent } from './events.ts';
import { type ReturnState, isClosed } from './state.ts';

const blank = (value: string | undefined): boolean => value === undefined || value.trim() === '';
const required = (path: string, value: string | undefined): Problem[] => (blank(value) ? [{ path, message: 'must not be blank' }] : []);
const instant = (path: string, value: string): Problem[] =>
  isInstant(value) ? [] : [{ path, message: 'must be an ISO-8601 instant with an offset' }];
const counts = (path: string, figures: Readonly<Record<string, number>>): Problem[] =>
  Object.entries(figures).flatMap(([sku, n]) => quantityProblems(`${path}.${sku}`, n, 0));

const refuseIf = (reason: string, what: string, problems: Problem[]): void => {
  if (problems.length > 0) refuse(reason, `${what}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
};

const figure = (figures: Readonly<Record<string, number>>, sku: string): number => (Object.hasOwn(figures, sku) ? (figures[sku] ?? 0) : 0);

const bySku = ([a]: readonly [string, ...unknown[]], [b]: readonly [string, ...unknown[]]): number => (a < b ? -1 : a > b ? 1 : 0);

const contentKey = (data: Pick<ReturnCreatedData, 'orderNo' | 'warehouseCode' | 'reason' | 'lines'>): string =>
  JSON.stringify([data.orderNo, data.warehouseCode, data.reason, data.lines.map((l) => [l.sku, l.quantity] as const).sort(bySku)]);

const create = ({ data }: CreateReturn, state: ReturnState): ReturnEvent[] => {
  refuseIf('INVALID_RETURN', `return ${data.returnNo} is not valid`, [
    ...identifierProblems('code', 'returnNo', data.returnNo),
    ...identifierProblems('code', 'orderNo', data.orderNo),
    ...identifierProblems('warehouseCode', 'warehouseCode', data.warehouseCode),
    ...required('reason', data.reason),
    ...lineProblems(data.lines, 'lines'),
    ...counts('shipped', data.shipped),
    ...counts('alreadyReturned', data.alreadyReturned),
    ...instant('now', data.now),
  ]);
  if (state.created !== null) {
    if (contentKey(state.created) === contentKey(data)) return [];
    refuse('RETURN_ALREADY_EXISTS', `return ${data.returnNo} exists already, with different content`);
  }
  const unshipped = data.lines.filter((line) => figure(data.shipped, line.sku) === 0);
  refuseIf(
    'SKU_NOT_SHIPPED',
    `order ${data.orderNo} never shipped what return ${data.returnNo} names`,
    unshipped.map((line) => ({
      path: `lines[${data.lines.indexOf(line)}].sku`,
      message: `${line.sku} was not shipped with order ${data.orderNo}`,
    })),
  );
  const left = (line: ReturnLine): number => Math.max(0, figure(data.shipped, line.sku) - figure(data.alreadyReturned, line.sku));
  const excess = data.lines.filter((line) => line.quantity > left(line));
  refuseIf(
    'RETURN_EXCEEDS_SHIPPED',
    `return ${data.returnNo} asks for more than order ${data.orderNo} shipped`,
    excess.map((line) => ({
      path: `lines[${data.lines.indexOf(line)}].quantity`,
      message: `${line.quantity} of ${line.sku} asked for, at most ${left(line)} may still be returned`,
    })),
  );
  return [
    {
      type: 'ReturnCreated',
      data: {
        returnNo: data.returnNo,
        orderNo: data.orderNo,
        warehouseCode: data.warehouseCode,
        reason: data.reason,
        lines: data.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        shipped: { ...data.shipped },
        alreadyReturned: { ...data.alreadyReturned },
        createdAt: data.now,
      },
    },
  ];
};

const existing = (command: Exclude<ReturnCommand, CreateReturn>, state: ReturnState): ReturnCreatedData => {
  const created = state.created;
  if (created === null || created.returnNo !== command.data.returnNo)
    return refuse('RETURN_NOT_FOUND', `no return ${command.data.returnNo}`);
  return created;
};

/** Qualified plus defective per SKU. */
export const inspectedTotals = (lines: readonly InspectionLine[]): Map<string, number> => {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.sku, (totals.get(l.sku) ?? 0) + l.qualified + l.defective);
  return totals;
};

const differences = (
  inspectionNo: string,
  expectedLines: readonly ReturnLine[],
  lines: readonly InspectionLine[],
  now: string,
): AnomalyDetected[] => {
  const expected = new Map(expectedLines.map((l) => [l.sku, l.quantity]));
  const received = inspectedTotals(lines);
  return [...new Set([...expected.keys(), ...received.keys()])].flatMap((sku): AnomalyDetected[] => {
    const e = expected.get(sku) ?? 0;
    const r = received.get(sku) ?? 0;
    if (e === r) return [];
    const kind = !expected.has(sku) ? 'UNKNOWN_SKU' : r < e ? 'SHORT' : 'OVER';
    return [{ type: 'AnomalyDetected', data: { kind, inspectionNo, sku, expected: e, received: r, detectedAt: now } }];
  });
};

const inspect = (command: RecordReturnInspection, state: ReturnState): ReturnEvent[] => {
  const created = existing(command, state);
  const { inspectionNo, lines, inspectedAt, now } = command.data;
  refuseIf('INVALID_INSPECTION', `inspection ${inspectionNo} is not valid`, [
    ...required('inspectionNo', inspectionNo),
    ...instant('inspectedAt', inspectedAt),
    ...instant('now', now),
    ...lines.flatMap((l, i) => [
      ...identifierProblems('code', `lines[${i}].sku`, l.sku),
      ...quantityProblems(`lines[${i}].qualified`, l.qualified, 0),
      ...quantityProblems(`lines[${i}].defective`, l.defective, 0),
      ...(l.batchNo === undefined ? [] : identifierProblems('code', `lines[${i}].batchNo`, l.batchNo)),
    ]),
  ]);
  if (state.inspections.includes(inspectionNo)) return [];
  const copied = lines.map((l) => ({
    sku: l.sku,
    qualified: l.qualified,
    defective: l.defective,
    ...(l.batchNo === undefined ? {} : { batchNo: l.batchNo }),
  }));
  if (state.status !== 'CREATED') {
    return [{ type: 'AnomalyDetected', data: { kind: 'SECOND_INSPECTION', inspectionNo, lines: copied, inspectedAt, detectedAt: now } }];
  }
  return [
    { type: 'ReturnInspected', data: { inspectionNo, lines: copied, inspectedAt, recordedAt: now, warehouseCode: created.warehouseCode } },
    ...differences(inspectionNo, created.lines, lines, now),
  ];
};

const close = (command: CloseReturn, state: ReturnState): ReturnEvent[] => {
  existing(command, state);
  const { requestId, closedBy, now } = command.data;
  refuseIf('INVALID_COMMAND', 'close request is not valid', [
    ...required('requestId', requestId),
    ...required('closedBy', closedBy),
    ...instant('now', now),
  ]);
  if (state.requests.includes(requestId) || isClosed(state)) return [];
  if (state.status !== 'INSPECTED')
    refuse('RETURN_NOT_INSPECTED', `return ${command.data.returnNo} cannot be closed before it is inspected`);
  return [{ type: 'ReturnClosed', data: { requestId, closedBy, closedAt: now } }];
};

export const decide = (command: ReturnCommand, state: ReturnState): ReturnEvent[] => {
  switch (command.type) {
    case 'CreateReturn':
      return create(command, state);
    case 'RecordReturnInspection':
      return inspect(command, state);
    case 'CloseReturn':
      return close(command, state);
  }
};
