import { millis } from '../../domain/kernel/instant.ts';
import { type HandOffState, transportHandOff } from '../../domain/transport-handoff/index.ts';
import type { RecordedEvent } from '../events/recorded-event.ts';
import { streamIdOf } from '../ports/event-store.ts';
import { type StreamRules, pushAttemptFindings } from './stream-rules.ts';

type Finding = Readonly<{ rule: string; message: string }>;

/**
 * A transport hand-off's invariants, after every event of a `shipment-{waybillNo}` stream: it
 * starts with the shipment's registration, once, for its own waybill; hand-off attempts in
 * sequence, retry deadlines strictly increasing; nothing after it was handed off.
 */
export const shipmentRules = (stream: string): StreamRules<RecordedEvent<'shipment'>> => {
  const waybillNo = streamIdOf(stream);
  let state: HandOffState = transportHandOff.initialState;
  return {
    step(event) {
      const broken: Finding[] = [];
      if (event.revision === 0n && event.type !== 'ShipmentRegistered')
        broken.push({ rule: 'a hand-off starts with its shipment', message: `revision 0 is ${event.type}` });
      if (event.type === 'ShipmentRegistered') {
        if (event.revision !== 0n)
          broken.push({ rule: 'a shipment is registered once', message: `ShipmentRegistered again at revision ${event.revision}` });
        if (event.data.waybillNo !== waybillNo)
          broken.push({ rule: 'a stream holds its own waybill', message: `ShipmentRegistered for ${event.data.waybillNo} in ${stream}` });
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
