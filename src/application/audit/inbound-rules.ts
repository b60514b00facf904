import { millis } from '../../domain/kernel/instant.ts';
import { type InboundEvent, type InboundState, discrepancies, inboundOrderDecider } from '../../domain/inbound-order/index.ts';
import { canonicalJson } from './canonical-json.ts';
import type { RecordedEvent } from '../events/recorded-event.ts';
import { streamIdOf } from '../ports/event-store.ts';
import { type StreamRules, pushAttemptFindings } from './stream-rules.ts';

type Finding = Readonly<{ rule: string; message: string }>;

/**
 * An inbound order's invariants, after every event of an `inbound-…` stream: it starts with its
 * creation, once; push attempts in sequence, retry deadlines strictly increasing; a receipt is
 * followed by exactly the discrepancies its lines show against the expected ones; once received,
 * nothing but those discrepancies and anomalies.
 */
export const inboundRules = (stream: string): StreamRules<RecordedEvent<'inbound'>> & Readonly<{ state: () => InboundState }> => {
  const inboundNo = streamIdOf(stream);
  let state: InboundState = inboundOrderDecider.initialState;
  /** the discrepancies the last receipt must be followed by, in order */
  let owed: InboundEvent[] = [];
  let closing: string | null = null;

  const owedFindings = (): Finding[] =>
    owed.map((missing) => ({
      rule: 'a receipt records its discrepancies',
      message: `receipt ${closing ?? ''}: no DiscrepancyRecorded for ${JSON.stringify(missing.data)}`,
    }));

  return {
    step(event) {
      const broken: Finding[] = [];
      if (event.revision === 0n && event.type !== 'InboundCreated')
        broken.push({ rule: 'an inbound starts with its creation', message: `revision 0 is ${event.type}` });
      if (event.type === 'InboundCreated') {
        if (event.revision !== 0n)
          broken.push({ rule: 'an inbound is created once', message: `InboundCreated again at revision ${event.revision}` });
        if (event.data.inboundNo !== inboundNo)
          broken.push({ rule: 'a stream holds its own inbound', message: `InboundCreated for ${event.data.inboundNo} in ${stream}` });
      }
      if (event.type === 'DiscrepancyRecorded') {
        const next = owed.shift();
        if (next === undefined || canonicalJson(next.data) !== canonicalJson(event.data)) {
          broken.push({
            rule: 'a receipt records its discrepancies',
            message: `DiscrepancyRecorded ${JSON.stringify(event.data)}; the receipt shows ${next === undefined ? 'none (more)' : JSON.stringify(next.data)}`,
          });
        }
      } else {
        broken.push(...owedFindings());
        owed = [];
        if (state.status === 'RECEIVED' && event.type !== 'AnomalyDetected') {
          broken.push({
            rule: 'a received inbound records nothing but discrepancies and anomalies',
            message: `${event.type} after the goods were received`,
          });
        }
      }
      broken.push(...pushAttemptFindings(event, state.push, millis).broken);
      if (event.type === 'InboundReceived') {
        owed = discrepancies(event.data.receiptNo, state.inbound?.lines ?? [], event.data.lines);
        closing = event.data.receiptNo;
      }
      state = inboundOrderDecider.evolve(state, event);
      return { broken, excusable: [] };
    },
    end: () => owedFindings(),
    state: () => state,
  };
};
