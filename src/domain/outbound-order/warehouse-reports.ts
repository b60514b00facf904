/**
 * Facts the warehouse reports about an order (docs/architecture.md#requests-and-facts): progress,
 * a shortage, a shipment, the outcome of an intercept. A fact is always recorded; one that
 * contradicts what the order knew is an anomaly.
 */
import { refuse } from '../kernel/refused.ts';
import { totalsBySku } from '../kernel/lines.ts';
import type { RecordInterceptOutcome, RecordShipment, RecordWmsProgress, RecordWmsShortage } from './commands.ts';
import type { OrderEvent, Shipment } from './events.ts';
import { anomaly } from './anomaly.ts';
import { applyShortagePolicy } from './shortage-policy.ts';
import { alreadyApplied, fact, isTerminalOrder, openQuantity, type OrderState, shipmentContextFor } from './state.ts';
import { shipmentProblems } from './validation.ts';
import { orderCancelled } from './order-cancelled.ts';
import { evolveOrder } from './evolve.ts';
import { movedBack } from './moved-back.ts';
import { closedShort } from './final-confirmation.ts';

export const recordProgress = (command: RecordWmsProgress, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const key = fact.progress(d.warehouseCode, d.stage);
  if (alreadyApplied(state, key)) return [];
  if (state.status === 'CANCELLED') {
    return [
      anomaly(state, 'PROGRESS_AFTER_CANCEL', `${d.warehouseCode} reports ${d.stage} on a cancelled order`, d.now, { factKeys: [key] }),
    ];
  }
  if (isTerminalOrder(state)) return [];
  if (d.warehouseCode !== state.warehouseCode) {
    return [
      anomaly(
        state,
        'REPORT_FROM_PREVIOUS_WAREHOUSE',
        `${d.warehouseCode} reports ${d.stage}, but the order is at ${state.warehouseCode}`,
        d.now,
        {
          factKeys: [key],
          warehouseCode: d.warehouseCode,
        },
      ),
    ];
  }
  if ((d.stage === 'PICKING' ? 1 : 2) <= state.progress) return [];
  return [{ type: 'WmsProgressRecorded', data: { warehouseCode: d.warehouseCode, stage: d.stage, at: d.at, recordedAt: d.now } }];
};

export const recordWmsShortage = (command: RecordWmsShortage, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const key = fact.wmsShortage(d.warehouseCode, d.lines);
  if (alreadyApplied(state, key)) return [];
  const reported = d.lines.map((line) => `${line.sku}×${line.quantity}`).join(', ');
  if (isTerminalOrder(state)) {
    return [
      anomaly(state, 'SHORTAGE_AFTER_CLOSE', `${d.warehouseCode} reports ${reported} short, but the order is ${state.status}`, d.now, {
        factKeys: [key],
      }),
    ];
  }
  if (d.warehouseCode !== state.warehouseCode) {
    return [
      anomaly(
        state,
        'REPORT_FROM_PREVIOUS_WAREHOUSE',
        `${d.warehouseCode} reports ${reported} short, but the order is at ${state.warehouseCode}`,
        d.now,
        {
          factKeys: [key],
          warehouseCode: d.warehouseCode,
        },
      ),
    ];
  }
  const open = new Map(state.lines.map((line) => [line.sku, openQuantity(line)]));
  const totals = totalsBySku(d.lines);
  const short = [...totals]
    .map(([sku, quantity]) => ({ sku, quantity: Math.min(quantity, open.get(sku) ?? 0) }))
    .filter((l) => l.quantity > 0);
  const notOpen = [...totals].filter(([sku, quantity]) => quantity > (open.get(sku) ?? 0));
  const anomalies = notOpen.map(([sku, quantity]) =>
    anomaly(state, 'SHORTAGE_NOT_OPEN', `${d.warehouseCode} reports ${sku}×${quantity} short; only ${open.get(sku) ?? 0} is open`, d.now, {
      factKeys: [key],
    }),
  );
  if (short.length === 0) return anomalies;
  const detected: OrderEvent = {
    type: 'StockShortageDetected',
    data: { source: 'WMS', warehouseCode: d.warehouseCode, lines: short, reportKey: key, detectedAt: d.now },
  };
  const policy = state.status === 'CANCEL_REQUESTED' ? [] : applyShortagePolicy(state, short, 'WMS', d.alternativeWarehouse, d.now);
  return [detected, ...anomalies, ...policy];
};

/**
 * A shipment is charged to the warehouse that gave the outbound number it names (docs/contracts.md#shipment-callback),
 * whatever the order's current warehouse: from one the order had left, the order moves back there
 * (moved-back.ts). A final one closes short what stays open (final-confirmation.ts).
 */
export const recordShipment = (command: RecordShipment, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const problems = shipmentProblems(command);
  if (problems.length > 0) return refuse('INVALID_COMMAND', 'the shipment report is not valid', problems);
  const thisShipment = fact.shipment(d, d.items);
  if (alreadyApplied(state, thisShipment)) return [];
  const shipment: Shipment = {
    outboundNo: d.outboundNo,
    waybillNo: d.waybillNo,
    carrier: d.carrier,
    items: d.items,
    shippedAt: d.shippedAt,
    ...shipmentContextFor(state, d.outboundNo),
  };
  if (alreadyApplied(state, fact.waybill(d))) {
    return [
      anomaly(state, 'CONFLICTING_SHIPMENT', `waybill ${d.waybillNo} of ${d.carrier} was reported before with other items`, d.now, {
        factKeys: [thisShipment],
      }),
    ];
  }
  if (isTerminalOrder(state)) {
    const kind = state.status === 'CANCELLED' ? 'SHIPPED_AFTER_CANCEL' : 'SHIPPED_AFTER_CLOSE';
    return [
      anomaly(state, kind, `waybill ${d.waybillNo} shipped after the order was ${state.status}`, d.now, {
        factKeys: [fact.waybill(d), thisShipment],
        shipment,
      }),
    ];
  }
  const moves = shipment.warehouseCode === state.warehouseCode ? [] : [movedBack(state, shipment.warehouseCode, d.outboundNo, d.now)];
  const there = moves.reduce(evolveOrder, state);
  const anomalies: OrderEvent[] = [];
  if (there.outboundNo !== null && there.outboundNo !== d.outboundNo) {
    anomalies.push(
      anomaly(there, 'OUTBOUND_NO_MISMATCH', `waybill ${d.waybillNo} names WMS order ${d.outboundNo}, not ${there.outboundNo}`, d.now),
    );
  }
  for (const [sku, quantity] of totalsBySku(d.items)) {
    const line = there.lines.find((l) => l.sku === sku);
    if (line === undefined)
      anomalies.push(anomaly(there, 'SKU_NOT_ORDERED', `waybill ${d.waybillNo} carries ${sku}×${quantity}, never ordered`, d.now));
    else if (quantity > openQuantity(line)) {
      anomalies.push(
        anomaly(
          there,
          'SHIPPED_MORE_THAN_ORDERED',
          `waybill ${d.waybillNo} carries ${sku}×${quantity}; ${openQuantity(line)} was open`,
          d.now,
        ),
      );
    }
  }
  if (state.status === 'CANCEL_REQUESTED') {
    anomalies.push(
      anomaly(there, 'SHIPPED_AFTER_CANCEL_REQUEST', `waybill ${d.waybillNo} shipped while a cancellation was pending`, d.now),
    );
  }
  const recorded: OrderEvent = { type: 'ShipmentRecorded', data: { ...shipment, recordedAt: d.now } };
  const closing = d.final === true ? closedShort(evolveOrder(there, recorded), d, d.now) : [];
  return [...moves, recorded, ...anomalies, ...closing];
};

export const recordIntercept = (command: RecordInterceptOutcome, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const key = fact.interceptOutcome(d.cancelRequestId);
  if (alreadyApplied(state, key)) return [];
  if (state.status === 'SHIPPED' && d.intercepted) {
    return [
      anomaly(state, 'INTERCEPTED_AFTER_SHIPMENT', `the warehouse reports order ${state.orderNo} intercepted, but it shipped`, d.now, {
        factKeys: [key],
      }),
    ];
  }
  if (state.status !== 'CANCEL_REQUESTED' || state.pendingCancel !== d.cancelRequestId) return [];
  if (!d.intercepted) return [{ type: 'InterceptFailed', data: { cancelRequestId: d.cancelRequestId, detail: d.detail, at: d.now } }];
  return [orderCancelled(state, d.cancelRequestId, `intercepted by the warehouse${d.detail === '' ? '' : `: ${d.detail}`}`, d.now)];
};
