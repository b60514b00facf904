import { type ReturnState, inspectedTotals, returnOrderDecider } from '../../domain/return-order/index.ts';
import type { RecordedEvent } from '../events/recorded-event.ts';
import { streamIdOf } from '../ports/event-store.ts';
import { canonicalJson } from './canonical-json.ts';
import type { StreamRules } from './stream-rules.ts';

type Finding = Readonly<{ rule: string; message: string }>;
type Difference = Readonly<{ kind: string; inspectionNo: string; sku: string; expected: number; received: number }>;

const figure = (record: Readonly<Record<string, number>>, sku: string): number => (Object.hasOwn(record, sku) ? (record[sku] ?? 0) : 0);

/**
 * A customer return's invariants, after every event of a `return-…` stream: it starts with its
 * creation, once, for no more than the order shipped and other returns did not take back; an
 * inspection comes once, while the return waits for it, followed by exactly the differences it
 * shows (SHORT, OVER, UNKNOWN_SKU); a return is closed only once inspected, and records nothing
 * but anomalies after that.
 */
export const returnRules = (stream: string): StreamRules<RecordedEvent<'return'>> & Readonly<{ state: () => ReturnState }> => {
  const returnNo = streamIdOf(stream);
  let state: ReturnState = returnOrderDecider.initialState;
  let owed: Difference[] = [];

  const owedFindings = (): Finding[] =>
    owed.map((missing) => ({
      rule: 'an inspection records its differences',
      message: `inspection ${missing.inspectionNo}: no ${missing.kind} anomaly for ${missing.sku} (${missing.received} of ${missing.expected})`,
    }));

  return {
    step(event) {
      const broken: Finding[] = [];
      if (event.revision === 0n && event.type !== 'ReturnCreated')
        broken.push({ rule: 'a return starts with its creation', message: `revision 0 is ${event.type}` });
      if (event.type === 'AnomalyDetected' && event.data.kind !== 'SECOND_INSPECTION') {
        const next = owed.shift();
        const { detectedAt: _at, ...found } = event.data;
        if (next === undefined || canonicalJson(next) !== canonicalJson(found)) {
          broken.push({
            rule: 'an inspection records its differences',
            message: `${JSON.stringify(found)}; the inspection shows ${next === undefined ? 'none (more)' : JSON.stringify(next)}`,
          });
        }
      } else {
        broken.push(...owedFindings());
        owed = [];
      }
      switch (event.type) {
        case 'ReturnCreated': {
          if (event.revision !== 0n)
            broken.push({ rule: 'a return is created once', message: `ReturnCreated again at revision ${event.revision}` });
          const { data } = event;
          if (data.returnNo !== returnNo)
            broken.push({ rule: 'a stream holds its own return', message: `ReturnCreated for ${data.returnNo} in ${stream}` });
          for (const line of data.lines) {
            const left = Math.max(0, figure(data.shipped, line.sku) - figure(data.alreadyReturned, line.sku));
            if (line.quantity > left) {
              broken.push({
                rule: 'return no more than shipped',
                message: `${line.sku}×${line.quantity} returned; ${left} was shipped and not yet returned`,
              });
            }
          }
          break;
        }
        case 'ReturnInspected': {
          if (state.status !== 'CREATED')
            broken.push({ rule: 'a return is inspected once', message: `ReturnInspected while ${String(state.status)}` });
          const expected = new Map((state.created?.lines ?? []).map((line) => [line.sku, line.quantity]));
          const received = inspectedTotals(event.data.lines);
          owed = [...new Set([...expected.keys(), ...received.keys()])].flatMap((sku): Difference[] => {
            const e = expected.get(sku) ?? 0;
            const r = received.get(sku) ?? 0;
            if (e === r) return [];
            return [
              {
                kind: !expected.has(sku) ? 'UNKNOWN_SKU' : r < e ? 'SHORT' : 'OVER',
                inspectionNo: event.data.inspectionNo,
                sku,
                expected: e,
                received: r,
              },
            ];
          });
          break;
        }
        case 'ReturnClosed':
          if (state.status !== 'INSPECTED')
            broken.push({ rule: 'a return is closed once inspected', message: `ReturnClosed while ${String(state.status)}` });
          break;
        case 'AnomalyDetected':
          if (event.data.kind === 'SECOND_INSPECTION' && state.status === 'CREATED') {
            broken.push({ rule: 'a return is inspected once', message: 'SECOND_INSPECTION before any inspection' });
          }
          break;
      }
      state = returnOrderDecider.evolve(state, event);
      return { broken, excusable: [] };
    },
    end: () => owedFindings(),
    state: () => state,
  };
};
