import { millis } from '../../domain/kernel/instant.ts';
import { type OrderEvent, type OrderState, openLines, openQuantity, outboundOrder } from '../../domain/outbound-order/index.ts';
import {
  type AuditedEvent,
  type Excusable,
  type StreamRules,
  describeTotals,
  pushAttemptFindings,
  sameTotals,
  streamId,
  totals,
} from './stream-rules.ts';

type Finding = Readonly<{ rule: string; message: string }>;

/**
 * The outbound order's invariants (DESIGN §3 "Quantities add up", and the decider's properties in
 * test/domain/outbound-order/properties.test.ts), checked after every event of an `order-…` stream:
 * per line shipped ≤ ordered and shipped + backordered + cancelled ≤ ordered, = ordered once the
 * order is closed; closed exactly when nothing is open; a closed order records nothing but
 * anomalies; each reservation round asks for what is open; a shipment of more than was open (or of
 * a SKU never ordered) is followed by its anomaly; push attempts in sequence, retry deadlines
 * strictly increasing; the stream starts with its order's placement.
 */
export const orderRules = (stream: string): StreamRules => {
  const orderNo = streamId(stream);
  let state: OrderState = outboundOrder.initialState;

  const before = (event: AuditedEvent): { broken: Finding[]; excusable: Excusable[] } => {
    const broken: Finding[] = [];
    const excusable: Excusable[] = [];
    if (event.revision === 0n && event.type !== 'OrderPlaced')
      broken.push({ rule: 'an order starts with its placement', message: `revision 0 is ${event.type}` });
    if (event.type === 'OrderPlaced') {
      if (event.revision !== 0n)
        broken.push({ rule: 'an order is placed once', message: `OrderPlaced again at revision ${event.revision}` });
      const placed = (event.data as { orderNo?: string }).orderNo;
      if (placed !== orderNo)
        broken.push({ rule: 'a stream holds its own order', message: `OrderPlaced for ${String(placed)} in ${stream}` });
    }
    if (outboundOrder.isTerminal(state) && event.type !== 'AnomalyDetected') {
      broken.push({ rule: 'a closed order records nothing but anomalies', message: `${event.type} after the order was ${state.status}` });
    }
    const order = event as unknown as OrderEvent;
    const open = new Map(state.lines.map((line) => [line.sku, openQuantity(line)]));
    switch (order.type) {
      case 'ReservationRequested': {
        if (order.data.reservationNo !== state.reservationNo + 1) {
          broken.push({
            rule: 'reservation rounds in sequence',
            message: `reservation ${order.data.reservationNo} follows reservation ${state.reservationNo}`,
          });
        }
        const asked = totals(order.data.lines);
        const stillOpen = totals(openLines(state));
        if (!sameTotals(asked, stillOpen)) {
          broken.push({
            rule: 'a reservation asks for what is open',
            message: `reservation ${order.data.reservationNo} asks for ${describeTotals(asked)}; open was ${describeTotals(stillOpen)}`,
          });
        }
        break;
      }
      case 'ShipmentRecorded':
        for (const [sku, quantity] of totals(order.data.items)) {
          const left = open.get(sku);
          if (left === undefined) {
            excusable.push({
              rule: 'shipped ≤ ordered',
              message: `waybill ${order.data.waybillNo} ships ${sku}×${quantity}, never ordered, and no SKU_NOT_ORDERED anomaly follows`,
              anomalyKinds: ['SKU_NOT_ORDERED'],
            });
          } else if (quantity > left) {
            excusable.push({
              rule: 'shipped ≤ ordered',
              message: `waybill ${order.data.waybillNo} ships ${sku}×${quantity} but ${left} was open, and no SHIPPED_MORE_THAN_ORDERED anomaly follows`,
              anomalyKinds: ['SHIPPED_MORE_THAN_ORDERED'],
            });
          }
        }
        break;
      case 'BackorderCreated':
      case 'OrderCancelled':
        for (const [sku, quantity] of totals(order.data.lines)) {
          const left = open.get(sku) ?? 0;
          if (quantity > left) {
            broken.push({
              rule: 'only what is open is backordered or cancelled',
              message: `${order.type} takes ${sku}×${quantity} but ${left} was open`,
            });
          }
        }
        break;
      default:
        broken.push(...pushAttemptFindings(event, state.push, millis).broken);
    }
    return { broken, excusable };
  };

  const after = (event: AuditedEvent): Finding[] => {
    const broken: Finding[] = [];
    for (const line of state.lines) {
      const { sku, ordered, shipped, backordered, cancelled } = line;
      if (shipped > ordered) broken.push({ rule: 'shipped ≤ ordered', message: `${sku}: shipped ${shipped} > ordered ${ordered}` });
      const settled = shipped + backordered + cancelled;
      if (settled > ordered) {
        broken.push({
          rule: 'shipped + backordered + cancelled ≤ ordered',
          message: `${sku}: ${shipped} + ${backordered} + ${cancelled} > ordered ${ordered}`,
        });
      }
      if (outboundOrder.isTerminal(state) && settled !== ordered) {
        broken.push({
          rule: 'closed: shipped + backordered + cancelled = ordered',
          message: `${sku}: ${shipped} + ${backordered} + ${cancelled} ≠ ordered ${ordered} (${state.status})`,
        });
      }
    }
    const nothingOpen = state.lines.length > 0 && state.lines.every((line) => openQuantity(line) === 0);
    if (state.status !== 'NONE' && outboundOrder.isTerminal(state) !== nothingOpen) {
      broken.push({
        rule: 'closed exactly when nothing is open',
        message: `${state.status} with ${nothingOpen ? 'nothing' : 'something'} open after ${event.type}`,
      });
    }
    if (state.push.roundStart > state.push.total) {
      broken.push({
        rule: 'push attempts in sequence',
        message: `round starts at attempt ${state.push.roundStart} of ${state.push.total}`,
      });
    }
    return broken;
  };

  return {
    step(event) {
      const found = before(event);
      state = outboundOrder.evolve(state, event as unknown as OrderEvent);
      return { broken: [...found.broken, ...after(event)], excusable: found.excusable };
    },
    end: () => [],
  };
};
