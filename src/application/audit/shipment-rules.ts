import { millis } from '../../domain/kernel/instant.ts';
import { type HandOffState, shipmentStreamName, transportHandOff } from '../../domain/transport-handoff/index.ts';
import type { RecordedEvent } from '../events/recorded-event.ts';
import { type StreamRules, pushAttemptFindings } from './stream-rules.ts';

type Finding = Readonly<{ rule: string; message: string }>;

/**
 * The name a store written before waybills were per carrier gave a hand-off: its waybill number
 * alone. Such stores keep those streams; the audit reads them as they were written.
 */
const olderStreamName = (waybillNo: string): string => `shipment-${waybillNo}`;

/**
 * A transport hand-off's invariants, after every event of a `shipment-{carrier}.{waybillNo}`
 * stream: it starts with the shipment's registration, once, for its own carrier's waybill;
 * hand-off attempts in sequence, retry deadlines strictly increasing; nothing after it was handed off.
 */
export const shipmentRules = (stream: string): StreamRules<RecordedEvent<'shipment'>> => {
  let state: HandOffState = transportHandOff.initialState;
  return {
    step(event) {
      const broken: Finding[] = [];
      if (event.revision === 0n && event.type !== 'ShipmentRegistered')
        broken.push({ rule: 'a hand-off starts with its shipment', message: `revision 0 is ${event.type}` });
      if (event.type === 'ShipmentRegistered') {
        if (event.revision !== 0n)
          broken.push({ rule: 'a shipment is registered once', message: `ShipmentRegistered again at revision ${event.revision}` });
        if (stream !== shipmentStreamName(event.data) && stream !== olderStreamName(event.data.waybillNo))
          broken.push({
            rule: 'a stream holds its own waybill',
            message: `ShipmentRegistered for ${event.data.carrier} waybill ${event.data.waybillNo} in ${stream}`,
          });
      }
      if (transportHandOff.isTerminal(state))
        broken.push({ rule: 'a handed-off shipment records nothing more', message: `${event.type} after the hand-off` });
      broken.push(...pushAttemptFindings(event, state.push, millis).broken);
      state = transportHandOff.evolve(state, event);
      return { broken, excusable: [] };
    },
    end: () => [],
  };
};
