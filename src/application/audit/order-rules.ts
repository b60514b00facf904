import { millis } from '../../domain/kernel/instant.ts';
import { type OrderState, openLines, openQuantity, outboundOrder } from '../../domain/outbound-order/index.ts';
import type { RecordedEvent } from '../events/recorded-event.ts';
import { streamIdOf } from '../ports/event-store.ts';
import { type Excusable, type StreamRules, describeTotals, pushAttemptFindings, sameTotals, totals } from './stream-rules.ts';

type Finding = Readonly<{ rule: string; message: string }>;
type OrderEventRecorded = RecordedEvent<'order'>;

/**
 * What a closed order may still record: none of them changes its lines or status. A warehouse that
 * may still hold it is told to drop it, a claimed call with its answer.
 */
const afterClose: readonly string[] = [
  'AnomalyDetected',
  'BackorderCarriedOver',
  'BackorderCancelled',
  'WarehouseMessageApplied',
  'CancelCallStarted',
  'WithdrawalAnswered',
];

/** The order rules also say how the order stands after the events stepped so far (what an older shipment is completed from). */
export type OrderRules = StreamRules<OrderEventRecorded> & Readonly<{ state: () => OrderState }>;

/**
 * The outbound order's invariants (docs/architecture.md#invariants, and the decider's properties in
 * test/domain/outbound-order/properties.test.ts), checked after every event of an `order-…` stream:
 * per line shipped ≤ ordered and shipped + backordered + cancelled ≤ ordered, = ordered once the
 * order is closed; closed exactly when nothing is open; a closed order records nothing but
 * anomalies, the book of its family's backorders, the ids of warehouse messages and the
 * withdrawals it sends; each reservation round asks for what is open; a shipment of more than was
 * open (or of a SKU never ordered) is followed by its anomaly; push attempts in sequence, retry deadlines strictly
 * increasing; the stream starts with its order's placement.
 */
export const orderRules = (stream: string): OrderRules => {
  const orderNo = streamIdOf(stream);
  let state: OrderState = outboundOrder.initialState;

  const before = (event: OrderEventRecorded): { broken: Finding[]; excusable: Excusable[] } => {
    const broken: Finding[] = [];
    const excusable: Excusable[] = [];
    if (event.revision === 0n && event.type !== 'OrderPlaced')
      broken.push({ rule: 'an order starts with its placement', message: `revision 0 is ${event.type}` });
    if (event.type === 'OrderPlaced') {
      if (event.revision !== 0n)
        broken.push({ rule: 'an order is placed once', message: `OrderPlaced again at revision ${event.revision}` });
      if (event.data.orderNo !== orderNo)
        broken.push({ rule: 'a stream holds its own order', message: `OrderPlaced for ${event.data.orderNo} in ${stream}` });
    }
    if (outboundOrder.isTerminal(state) && !afterClose.includes(event.type)) {
      broken.push({
        rule: 'a closed order records nothing but anomalies, its backorders and message ids',
        message: `${event.type} after the order was ${state.status}`,
      });
    }
    const open = new Map(state.lines.map((line) => [line.sku, openQuantity(line)]));
    switch (event.type) {
      case 'ReservationRequested': {
        if (event.data.reservationNo !== state.reservationNo + 1) {
          broken.push({
            rule: 'reservation rounds in sequence',
            message: `reservation ${event.data.reservationNo} follows reservation ${state.reservationNo}`,
          });
        }
        const asked = totals(event.data.lines);
        const stillOpen = totals(openLines(state));
        if (!sameTotals(asked, stillOpen)) {
          broken.push({
            rule: 'a reservation asks for what is open',
            message: `reservation ${event.data.reservationNo} asks for ${describeTotals(asked)}; open was ${describeTotals(stillOpen)}`,
          });
        }
        break;
      }
      case 'ShipmentRecorded':
        for (const [sku, quantity] of totals(event.data.items)) {
          const left = open.get(sku);
          if (left === undefined) {
            excusable.push({
              rule: 'shipped ≤ ordered',
              message: `waybill ${event.data.waybillNo} ships ${sku}×${quantity}, never ordered, and no SKU_NOT_ORDERED anomaly follows`,
              anomalyKinds: ['SKU_NOT_ORDERED'],
            });
          } else if (quantity > left) {
            excusable.push({
              rule: 'shipped ≤ ordered',
              message: `waybill ${event.data.waybillNo} ships ${sku}×${quantity} but ${left} was open, and no SHIPPED_MORE_THAN_ORDERED anomaly follows`,
              anomalyKinds: ['SHIPPED_MORE_THAN_ORDERED'],
            });
          }
        }
        break;
      case 'BackorderCreated':
      case 'OwedToOriginal':
      case 'OrderCancelled':
        for (const [sku, quantity] of totals(event.data.lines)) {
          const left = open.get(sku) ?? 0;
          if (quantity > left) {
            broken.push({
              rule: 'only what is open is backordered or cancelled',
              message: `${event.type} takes ${sku}×${quantity} but ${left} was open`,
            });
          }
        }
        break;
      default:
        broken.push(...pushAttemptFindings(event, state.push, millis).broken);
    }
    return { broken, excusable };
  };

  const after = (event: OrderEventRecorded): Finding[] => {
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
      state = outboundOrder.evolve(state, event);
      return { broken: [...found.broken, ...after(event)], excusable: found.excusable };
    },
    end: () => [],
    state: () => state,
  };
};
