import type { Instant } from '../kernel/instant.ts';
import { type Line, linesKey } from '../kernel/lines.ts';
import { type PersistentSet, addKey, emptyMap, hasKey } from '../kernel/persistent-map.ts';
import { type PushAttempts, claimStands, noPushAttempts, retryIsDue } from '../kernel/push-attempts.ts';
import { type Waybill, waybillId } from '../kernel/waybill.ts';
import type { Consignee, Placement, Priority, ShortagePolicy, TimeRequirement } from './commands.ts';
import type { ManualReason, ShipmentContext, Withdrawal } from './events.ts';

export type OrderStatus =
  | 'NONE'
  | 'CREATED'
  | 'RESERVED'
  | 'PUSH_FAILED'
  | 'PUSHED_TO_WMS'
  | 'IN_PROGRESS'
  | 'PARTIALLY_SHIPPED'
  | 'CANCEL_REQUESTED'
  | 'MANUAL_INTERVENTION'
  | 'SHIPPED'
  | 'CANCELLED'
  | 'BACKORDERED';

export const terminalStatuses: readonly OrderStatus[] = ['SHIPPED', 'CANCELLED', 'BACKORDERED'];

/** One SKU of the order. open = ordered − shipped − backordered − cancelled, never below zero. */
export type OrderLine = Readonly<{
  sku: string;
  batchNo: string | null;
  ordered: number;
  shipped: number;
  backordered: number;
  cancelled: number;
}>;

/** A cancel call claimed and not answered yet (events.ts `CancelCallStarted`): it stands until `expiresAt`. */
export type CancelCallClaim = Readonly<{
  kind: 'INTERCEPT' | 'WITHDRAW';
  id: string;
  warehouseCode: string;
  outboundNo: string | null;
  reason: string;
  expiresAt: Instant;
}>;

/** An outbound order a warehouse's WMS gave this order: a shipment naming it left from that warehouse. */
export type OutboundAt = Readonly<{ outboundNo: string; warehouseCode: string }>;

/** A reservation round: its number and the warehouse it reserved in. */
export type RoundAt = Readonly<{ reservationNo: number; warehouseCode: string }>;

/** A backorder this (original) order numbered and did not cancel: placed since, or still waiting. */
export type IssuedBackorder = Readonly<{ backorderNo: string; lines: readonly Line[] }>;

export type OrderState = Readonly<{
  status: OrderStatus;
  orderNo: string;
  /** the placement as first accepted, to tell a redelivery from a different order under the same number */
  placementKey: string;
  warehouseCode: string;
  priority: Priority;
  timeRequirement: TimeRequirement;
  consignee: Consignee | null;
  policy: ShortagePolicy;
  backorderOf: string | null;
  lines: readonly OrderLine[];
  reservationNo: number;
  /** every reservation round, in order */
  rounds: readonly RoundAt[];
  outboundNo: string | null;
  /** every outbound order number a warehouse gave the order, with that warehouse */
  outbounds: readonly OutboundAt[];
  push: PushAttempts;
  /** every warehouse a push went to, answered or not: a lost answer may still have left the order there */
  pushedTo: readonly string[];
  /** 0 nothing heard, 1 picking, 2 packed */
  progress: number;
  manual: Readonly<{ reason: ManualReason; detail: string }> | null;
  /** where a cancellation that the WMS refuses returns to */
  statusBeforeCancel: OrderStatus | null;
  pendingCancel: string | null;
  /** the cancel calls to warehouses claimed and not answered (cancel-calls.ts) */
  cancelCalls: readonly CancelCallClaim[];
  /** backorders numbered here (an original's own and carried over), or owed back to the original (a backorder's) */
  backorders: number;
  issuedBackorders: readonly IssuedBackorder[];
  anomalies: number;
  /**
   * The facts already applied, each by its key (see `fact`): requests, reports and the outcomes of
   * our own calls. A persistent set, so applying one more costs O(log n) and leaves every earlier
   * state as it was; plain data, so the state survives a JSON round trip.
   */
  applied: PersistentSet;
  placedAt: Instant | null;
  closedAt: Instant | null;
}>;

export const initialOrderState: OrderState = {
  status: 'NONE',
  orderNo: '',
  placementKey: '',
  warehouseCode: '',
  priority: 'NORMAL',
  timeRequirement: 'STANDARD',
  consignee: null,
  policy: { allowPartialShip: false, allowCancel: false },
  backorderOf: null,
  lines: [],
  reservationNo: 0,
  rounds: [],
  outboundNo: null,
  outbounds: [],
  push: noPushAttempts,
  pushedTo: [],
  progress: 0,
  manual: null,
  statusBeforeCancel: null,
  pendingCancel: null,
  cancelCalls: [],
  backorders: 0,
  issuedBackorders: [],
  anomalies: 0,
  applied: emptyMap,
  placedAt: null,
  closedAt: null,
};

export const isTerminalOrder = (state: OrderState): boolean => terminalStatuses.includes(state.status);

export const openQuantity = (line: OrderLine): number => Math.max(0, line.ordered - line.shipped - line.backordered - line.cancelled);

export const openLines = (state: OrderState): Line[] =>
  state.lines.filter((line) => openQuantity(line) > 0).map((line) => ({ sku: line.sku, quantity: openQuantity(line) }));

/** The WMS has (or had) the order: cancelling it means asking the warehouse to intercept. */
export const wmsHoldsOrder = (state: OrderState): boolean =>
  state.outboundNo !== null || state.progress > 0 || state.lines.some((line) => line.shipped > 0);

export const placementKey = (placement: Placement): string =>
  JSON.stringify([
    placement.orderNo,
    placement.warehouseCode,
    placement.priority,
    placement.timeRequirement,
    linesKey(placement.items),
    placement.items.map((item) => `${item.sku}:${item.batchNo ?? ''}`).sort(),
    [placement.consignee.name, placement.consignee.phone, placement.consignee.province],
    [placement.consignee.city, placement.consignee.district, placement.consignee.address],
    [placement.policy.allowPartialShip, placement.policy.allowCancel, placement.backorderOf ?? null],
  ]);

/** The SKUs of the order: what a release gives back, whatever each line still holds. */
export const orderSkus = (state: OrderState): readonly string[] => state.lines.map((line) => line.sku);

/** A warehouse to tell to drop the order when it moves away: it has the order's number, or a push went there. */
export const withdrawalOnReroute = (state: OrderState): Withdrawal | null =>
  state.outboundNo !== null || state.pushedTo.includes(state.warehouseCode)
    ? { warehouseCode: state.warehouseCode, outboundNo: state.outboundNo }
    : null;

/**
 * A warehouse to tell to drop the order when it is cancelled without its intercept (before the
 * push answered, or by the shortage policy) while a push went there; none after an intercept.
 */
export const withdrawalOnCancel = (state: OrderState, requestId: string | null): Withdrawal | null =>
  (requestId === null || state.pendingCancel !== requestId) && state.pushedTo.includes(state.warehouseCode)
    ? { warehouseCode: state.warehouseCode, outboundNo: state.outboundNo }
    : null;

/** What a shipment reported now carries of the order (events.ts `ShipmentContext`), at its current warehouse. */
export const shipmentContext = (state: OrderState): ShipmentContext => ({
  warehouseCode: state.warehouseCode,
  reservationNo: state.reservationNo,
  consignee: state.consignee,
});

/** The warehouse whose WMS gave the order this outbound number, or null when none did (as far as the order knows). */
export const warehouseOfOutbound = (state: OrderState, outboundNo: string): string | null =>
  state.outbounds.find((outbound) => outbound.outboundNo === outboundNo)?.warehouseCode ?? null;

/** The last reservation round the order had at this warehouse (0: none). */
export const lastRoundAt = (state: OrderState, warehouseCode: string): number =>
  state.rounds.reduce((last, round) => (round.warehouseCode === warehouseCode ? Math.max(last, round.reservationNo) : last), 0);

/**
 * Where a shipment naming this outbound number left from: the warehouse that gave the number, under
 * the last round the order had there; a number no warehouse gave is taken as the current warehouse's.
 */
export const shipmentContextFor = (state: OrderState, outboundNo: string): ShipmentContext => {
  const warehouseCode = warehouseOfOutbound(state, outboundNo) ?? state.warehouseCode;
  return warehouseCode === state.warehouseCode
    ? shipmentContext(state)
    : { warehouseCode, reservationNo: lastRoundAt(state, warehouseCode), consignee: state.consignee };
};

/**
 * The key of each fact whose redelivery the order recognises. Stored events carry some of these
 * keys (`AnomalyDetected.factKeys`, `StockShortageDetected.reportKey`), so their text never changes.
 * One exception: a shipment's keys named its waybill number alone (`waybill:{waybillNo}`) until
 * waybills were known per carrier; anomalies recorded before then keep those keys, which no
 * shipment reported since matches.
 */
export const fact = {
  /** an operator's request, by its Idempotency-Key */
  request: (requestId: string): string => `request:${requestId}`,
  /** the outcome of push attempt N (attempts are numbered over the order's whole life) */
  pushOutcome: (attempt: number): string => `push:${attempt}`,
  /** the outcome of reservation round N: reserved, or short */
  reservationOutcome: (reservationNo: number): string => `reservation:${reservationNo}`,
  /** the warehouse's answer to a cancellation's intercept */
  interceptOutcome: (cancelRequestId: string): string => `intercept:${cancelRequestId}`,
  /** the warehouse's answer to a withdrawal, by the withdrawal's id */
  withdrawalOutcome: (withdrawalId: string): string => `withdraw:${withdrawalId}`,
  progress: (warehouseCode: string, stage: string): string => `progress:${warehouseCode}:${stage}`,
  wmsShortage: (warehouseCode: string, lines: readonly Line[]): string => `shortage:${warehouseCode}:${linesKey(lines)}`,
  /** some shipment under this carrier's waybill */
  waybill: (waybill: Waybill): string => `waybill:${waybillId(waybill)}`,
  /** this shipment: the carrier's waybill with these items */
  shipment: (waybill: Waybill, items: readonly Line[]): string => `waybill:${waybillId(waybill)}|${linesKey(items)}`,
  /** what stayed open after the warehouse's final shipment under this waybill, closed short */
  closedShort: (waybill: Waybill): string => `closed-short:${waybillId(waybill)}`,
  /** a backorder's N-th carry-over, numbered by the original */
  carriedOver: (fromOrderNo: string, owedNo: number): string => `carried-over:${fromOrderNo}:${owedNo}`,
  /** a warehouse message's own id, with any content */
  message: (messageId: string): string => `message:${messageId}`,
  /** a warehouse message's own id, with this content */
  messageContent: (messageId: string, content: string): string => `message:${messageId}|${content}`,
} as const;

/** Has this fact been applied? The one way the order recognises a redelivered request, report or outcome. */
export const alreadyApplied = (state: OrderState, key: string): boolean => hasKey(state.applied, key);

/** The applied facts with these added (null: no fact). */
export const withApplied = (state: OrderState, ...keys: readonly (string | null)[]): PersistentSet =>
  keys.reduce<PersistentSet>((applied, key) => (key === null ? applied : addKey(applied, key)), state.applied);

/** The n-th backorder of an original order's family: numbered from the original, never from a backorder, so numbers never nest. */
export const backorderNo = (originalOrderNo: string, n: number): string => `${originalOrderNo}-BO${n}`;

/**
 * The outbound instruction should go to the WMS now: stock was just reserved, or a retry has come
 * due; and no claimed push to this warehouse stands (another caller is making it).
 */
export const pushIsDue = (state: OrderState, now: Instant): boolean =>
  (state.status === 'RESERVED' || (state.status === 'PUSH_FAILED' && retryIsDue(state.push, now))) &&
  !claimStands(state.push, state.warehouseCode, now);
