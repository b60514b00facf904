/*
 * Assumptions. A malformed message (blank reference, a quantity that is not a whole number, an
 * instant without offset, a command for another warehouse or SKU than this ledger) is not a fact
 * and is refused INVALID_COMMAND, facts included. Receipts are idempotent by condition and
 * reference, so one inspection may bring sellable and defective goods of the same SKU under the
 * same reference. Releasing a reservation this ledger never made is refused RESERVATION_NOT_FOUND
 * (so that a release can never wait for a reservation and act later); releasing one with nothing
 * left yields []. A deduction is a fact: it is always recorded and may take on hand below zero
 * (with a NEGATIVE_ON_HAND anomaly); RESERVED_EXCEEDS_ON_HAND is raised only while something is
 * reserved. A count is always recorded, even when it agrees (delta 0), so the audit shows it and
 * its redelivery is recognised; it counts sellable goods only, not defective ones. A reservation
 * does not expire and is not touched by a count, nor by a variance. A variance (the warehouse's
 * word on its shelves) is recorded even when it agrees, as a count is, and is idempotent by
 * condition and reference; it moves on hand (sellable) or defective only, and raises the fact
 * anomalies of the figure it moved (NEGATIVE_ON_HAND and RESERVED_EXCEEDS_ON_HAND for on hand,
 * NEGATIVE_DEFECTIVE for defective), plus LARGE_VARIANCE when it differs by more than `alertAbove`.
 */
import { identifierProblems } from '../kernel/identifiers.ts';
import { type Problem, quantityProblems } from '../kernel/lines.ts';
import { isInstant } from '../kernel/instant.ts';
import { refuse } from '../kernel/refused.ts';
import type {
  AdjustStock,
  DeductStock,
  ReceiveStock,
  RecordVariance,
  ReleaseStock,
  ReserveStock,
  ShelfFigure,
  StockCommand,
} from './commands.ts';
import { dateOf, deductionFrom, isIsoDate, releaseFrom, reservationFrom, takeOut, unbatchedOnly } from './batches.ts';
import type { Allocation, StockAnomalyDetected, StockEvent } from './events.ts';
import { type StockLedgerState, available, batchKey, conditionKey, has, stillReserved } from './state.ts';

const blank = (value: string | undefined): boolean => value === undefined || value.trim() === '';

const commonProblems = (command: StockCommand, state: StockLedgerState): Problem[] => {
  const { reference, warehouseCode, sku, now } = command.data;
  return [
    ...(blank(reference) ? [{ path: 'reference', message: 'must not be blank' }] : []),
    ...identifierProblems('warehouseCode', 'warehouseCode', warehouseCode),
    ...identifierProblems('code', 'sku', sku),
    ...(isInstant(now) ? [] : [{ path: 'now', message: 'must be an ISO-8601 instant with an offset' }]),
    ...(state.warehouseCode !== null && state.warehouseCode !== warehouseCode
      ? [{ path: 'warehouseCode', message: `this ledger is for warehouse ${state.warehouseCode}` }]
      : []),
    ...(state.sku !== null && state.sku !== sku ? [{ path: 'sku', message: `this ledger is for SKU ${state.sku}` }] : []),
  ];
};

const positive = (path: string, value: number): Problem[] => quantityProblems(path, value, 1);

const conditionProblems = (condition: string): Problem[] =>
  condition === 'SELLABLE' || condition === 'DEFECTIVE' ? [] : [{ path: 'condition', message: 'must be SELLABLE or DEFECTIVE' }];

const varianceSources: readonly string[] = ['WMS_SHORTAGE', 'WAREHOUSE_CHANGE', 'RECONCILIATION'];

/** A count is a whole number, zero or more; a change a whole number other than zero, either way at most MAX_QUANTITY. */
const shelfProblems = (shelf: ShelfFigure | undefined): Problem[] => {
  if (shelf?.kind === 'COUNTED') return quantityProblems('shelf.quantity', shelf.quantity, 0);
  if (shelf?.kind !== 'CHANGED_BY') return [{ path: 'shelf.kind', message: 'must be COUNTED or CHANGED_BY' }];
  if (!Number.isSafeInteger(shelf.quantity) || shelf.quantity === 0)
    return [{ path: 'shelf.quantity', message: 'must be a whole number other than zero' }];
  return quantityProblems('shelf.quantity', Math.abs(shelf.quantity), 1);
};

const varianceProblems = (command: RecordVariance): Problem[] => {
  const { source, condition, shelf, reason, batchNo, alertAbove } = command.data;
  return [
    ...(varianceSources.includes(source) ? [] : [{ path: 'source', message: `must be one of ${varianceSources.join(', ')}` }]),
    ...conditionProblems(condition),
    ...shelfProblems(shelf),
    ...(blank(reason) ? [{ path: 'reason', message: 'must not be blank' }] : []),
    ...batchNoProblems(batchNo),
    ...quantityProblems('alertAbove', alertAbove, 0),
  ];
};

/** A batch number, when given, is an identifier (../kernel/identifiers.ts), as a SKU is. */
const batchNoProblems = (batchNo: string | null | undefined): Problem[] =>
  batchNo === undefined || batchNo === null
    ? []
    : blank(batchNo)
      ? [{ path: 'batchNo', message: 'must not be blank when given' }]
      : identifierProblems('code', 'batchNo', batchNo);

const dateProblems = (path: string, value: string | undefined): Problem[] =>
  value === undefined || isIsoDate(value) ? [] : [{ path, message: 'must be an ISO date such as 2026-03-31' }];

const receiptProblems = (command: ReceiveStock): Problem[] => {
  const { quantity, condition, batchNo, productionDate, expiryDate } = command.data;
  return [
    ...positive('quantity', quantity),
    ...conditionProblems(condition),
    ...batchNoProblems(batchNo),
    ...dateProblems('productionDate', productionDate),
    ...dateProblems('expiryDate', expiryDate),
    ...(batchNo === undefined && (productionDate !== undefined || expiryDate !== undefined)
      ? [{ path: 'batchNo', message: 'must be given with a production or expiry date' }]
      : []),
  ];
};

const specificProblems = (command: StockCommand): Problem[] => {
  switch (command.type) {
    case 'ReceiveStock':
      return receiptProblems(command);
    case 'ReserveStock':
      return [...positive('quantity', command.data.quantity), ...batchNoProblems(command.data.batchNo)];
    case 'ReleaseStock':
      return [
        ...(blank(command.data.reservation) ? [{ path: 'reservation', message: 'must not be blank' }] : []),
        ...(command.data.quantity === 'ALL' ? [] : positive('quantity', command.data.quantity)),
      ];
    case 'DeductStock':
      return [
        ...positive('quantity', command.data.quantity),
        ...(command.data.reservation !== undefined && blank(command.data.reservation)
          ? [{ path: 'reservation', message: 'must not be blank when given' }]
          : []),
      ];
    case 'AdjustStock':
      return quantityProblems('countedOnHand', command.data.countedOnHand, 0);
    case 'RecordVariance':
      return varianceProblems(command);
  }
};

const ledger = (command: StockCommand) => ({
  reference: command.data.reference,
  warehouseCode: command.data.warehouseCode,
  sku: command.data.sku,
});

const anomaly = (
  command: StockCommand,
  kind: StockAnomalyDetected['data']['kind'],
  onHand: number,
  reserved: number,
  detail: string,
): StockAnomalyDetected => ({
  type: 'StockAnomalyDetected',
  data: { ...ledger(command), kind, onHand, reserved, detail, detectedAt: command.data.now },
});

/** Anomalies when figures after a fact contradict the ledger's invariants. */
const anomaliesAfter = (command: StockCommand, onHand: number, reserved: number, cause: string): StockAnomalyDetected[] => [
  ...(onHand < 0 ? [anomaly(command, 'NEGATIVE_ON_HAND', onHand, reserved, `${cause} leaves on hand at ${onHand}`)] : []),
  ...(reserved > 0 && reserved > onHand
    ? [anomaly(command, 'RESERVED_EXCEEDS_ON_HAND', onHand, reserved, `${cause} leaves ${reserved} reserved but ${onHand} on hand`)]
    : []),
];

/** The `batches` field of an event: left out when the movement touches the "no batch" bucket only. */
const batchesOf = <T extends Readonly<{ batchNo: string | null }>>(allocation: readonly T[]): { batches?: readonly T[] } =>
  unbatchedOnly(allocation) ? {} : { batches: allocation };

const receive = (command: ReceiveStock, state: StockLedgerState): StockEvent[] => {
  const { quantity, condition, now, batchNo, productionDate, expiryDate } = command.data;
  if (has(state.handled.received, conditionKey(condition, command.data.reference, batchNo))) return [];
  return [
    {
      type: 'StockReceived',
      data: {
        ...ledger(command),
        quantity,
        condition,
        receivedAt: now,
        ...(batchNo === undefined ? {} : { batchNo }),
        ...(productionDate === undefined ? {} : { productionDate }),
        ...(expiryDate === undefined ? {} : { expiryDate }),
      },
    },
  ];
};

const reserve = (command: ReserveStock, state: StockLedgerState): StockEvent[] => {
  const { reference, quantity, now, sku, warehouseCode, batchNo } = command.data;
  if (has(state.handled.reserved, reference)) return [];
  const free = available(state);
  const { allocation, covered } = reservationFrom(state, quantity, batchNo, dateOf(now));
  if (batchNo !== undefined && covered < quantity) {
    refuse(
      'INSUFFICIENT_STOCK',
      `${quantity} of ${sku} batch ${batchNo} asked for in ${warehouseCode}, but only ${covered} of that batch available`,
    );
  }
  if (free < quantity || covered < quantity) {
    refuse(
      'INSUFFICIENT_STOCK',
      `${quantity} of ${sku} asked for in ${warehouseCode}, but only ${Math.max(Math.min(free, covered), 0)} available`,
    );
  }
  return [{ type: 'StockReserved', data: { ...ledger(command), quantity, reservedAt: now, ...batchesOf(allocation) } }];
};

const release = (command: ReleaseStock, state: StockLedgerState): StockEvent[] => {
  const { reference, reservation, quantity, now } = command.data;
  if (has(state.handled.released, reference)) return [];
  if (!has(state.handled.reserved, reservation)) {
    refuse('RESERVATION_NOT_FOUND', `no reservation ${reservation} was ever made on this ledger`);
  }
  const held = stillReserved(state, reservation);
  const released = quantity === 'ALL' ? held : Math.min(quantity, held);
  if (released === 0) return [];
  return [
    {
      type: 'StockReleased',
      data: {
        ...ledger(command),
        reservation,
        quantity: released,
        releasedAt: now,
        ...batchesOf(releaseFrom(state, reservation, released)),
      },
    },
  ];
};

const deduct = (command: DeductStock, state: StockLedgerState): StockEvent[] => {
  const { reference, reservation, quantity, now } = command.data;
  if (has(state.handled.deducted, reference)) return [];
  const fromReservation = reservation === undefined ? 0 : Math.min(quantity, stillReserved(state, reservation));
  const onHand = state.onHand - quantity;
  const reserved = state.reserved - fromReservation;
  return [
    {
      type: 'StockDeducted',
      data: {
        ...ledger(command),
        reservation: reservation ?? null,
        quantity,
        fromReservation,
        deductedAt: now,
        ...batchesOf(deductionFrom(state, reservation, quantity, fromReservation)),
      },
    },
    ...anomaliesAfter(command, onHand, reserved, `shipment ${reference} of ${quantity}`),
  ];
};

/**
 * Where a signed change of a figure goes. A rise: to the batch named, else to the "no batch"
 * bucket. A fall: from the batch named as far as it holds units of that figure, and the rest (or
 * all, when none is named) as `takeOut` says: the warehouse's word is kept, whatever the ledger
 * knew of its batches.
 */
const changeOf = (state: StockLedgerState, change: number, figure: 'onHand' | 'defective', batchNo: string | null = null): Allocation => {
  if (change >= 0) return [{ batchNo, quantity: change }];
  const batch = batchNo === null ? undefined : state.batches[batchNo];
  const named = batch === undefined ? 0 : Math.min(-change, Math.max(0, batch[figure]));
  const fromNamed = batchNo === null || named === 0 ? [] : [{ batchNo, quantity: named }];
  const rest = -change - named;
  // the rest leaves the other batches as if the named one's units had already gone
  const without =
    batch === undefined
      ? state
      : { ...state, batches: { ...state.batches, [batchKey(batchNo)]: { ...batch, [figure]: batch[figure] - named } } };
  const others = rest === 0 ? [] : takeOut(without, rest, figure);
  const parts = new Map<string | null, number>();
  for (const part of [...fromNamed, ...others]) parts.set(part.batchNo, (parts.get(part.batchNo) ?? 0) - part.quantity);
  return [...parts].map(([batch, quantity]) => ({ batchNo: batch, quantity }));
};

const adjust = (command: AdjustStock, state: StockLedgerState): StockEvent[] => {
  const { reference, countedOnHand, now } = command.data;
  if (has(state.handled.adjusted, reference)) return [];
  return [
    {
      type: 'StockAdjusted',
      data: {
        ...ledger(command),
        previousOnHand: state.onHand,
        countedOnHand,
        delta: countedOnHand - state.onHand,
        countedAt: now,
        ...batchesOf(changeOf(state, countedOnHand - state.onHand, 'onHand')),
      },
    },
    ...anomaliesAfter(command, countedOnHand, state.reserved, `count ${reference} of ${countedOnHand}`),
  ];
};

const signed = (quantity: number): string => (quantity > 0 ? `+${quantity}` : String(quantity));

const recordVariance = (command: RecordVariance, state: StockLedgerState): StockEvent[] => {
  const { reference, source, condition, shelf, reason, batchNo, alertAbove, now } = command.data;
  if (has(state.handled.varied, conditionKey(condition, reference))) return [];
  const sellable = condition === 'SELLABLE';
  const hubFigure = sellable ? state.onHand : state.defective;
  const difference = shelf.kind === 'COUNTED' ? shelf.quantity - hubFigure : shelf.quantity;
  const warehouseFigure = hubFigure + difference;
  const onHand = sellable ? warehouseFigure : state.onHand;
  const cause = `variance ${reference} of ${signed(difference)} ${sellable ? 'on hand' : 'defective'}`;
  return [
    {
      type: 'StockVarianceRecorded',
      data: {
        ...ledger(command),
        source,
        condition,
        hubFigure,
        warehouseFigure,
        difference,
        reason,
        batchNo,
        recordedAt: now,
        ...batchesOf(changeOf(state, difference, sellable ? 'onHand' : 'defective', batchNo)),
      },
    },
    ...(sellable
      ? anomaliesAfter(command, onHand, state.reserved, cause)
      : warehouseFigure < 0
        ? [anomaly(command, 'NEGATIVE_DEFECTIVE', onHand, state.reserved, `${cause} leaves defective at ${warehouseFigure}`)]
        : []),
    ...(Math.abs(difference) > alertAbove
      ? [
          anomaly(
            command,
            'LARGE_VARIANCE',
            onHand,
            state.reserved,
            `${cause}: the hub had ${hubFigure}, the warehouse has ${warehouseFigure}, more than ${alertAbove} apart`,
          ),
        ]
      : []),
  ];
};

export const decide = (command: StockCommand, state: StockLedgerState): StockEvent[] => {
  const problems = [...commonProblems(command, state), ...specificProblems(command)];
  if (problems.length > 0) {
    refuse('INVALID_COMMAND', `${command.type} is not valid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
  }
  switch (command.type) {
    case 'ReceiveStock':
      return receive(command, state);
    case 'ReserveStock':
      return reserve(command, state);
    case 'ReleaseStock':
      return release(command, state);
    case 'DeductStock':
      return deduct(command, state);
    case 'AdjustStock':
      return adjust(command, state);
    case 'RecordVariance':
      return recordVariance(command, state);
  }
};
