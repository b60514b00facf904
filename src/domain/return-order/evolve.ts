import type { ReturnEvent } from './events.ts';
import type { ReturnState, Returned } from './state.ts';

const plus = (returned: ReturnState['returned'], sku: string, qualified: number, defective: number): ReturnState['returned'] => {
  const before: Returned = Object.hasOwn(returned, sku)
    ? (returned[sku] ?? { qualified: 0, defective: 0 })
    : { qualified: 0, defective: 0 };
  return { ...returned, [sku]: { qualified: before.qualified + qualified, defective: before.defective + defective } };
};

const seen = (list: readonly string[], id: string): readonly string[] => (list.includes(id) ? list : [...list, id]);

export const evolve = (state: ReturnState, event: ReturnEvent): ReturnState => {
  switch (event.type) {
    case 'ReturnCreated':
      return state.created === null ? { ...state, created: event.data, status: state.status ?? 'CREATED' } : state;
    case 'ReturnInspected':
      return {
        ...state,
        status: state.status === 'CLOSED' ? state.status : 'INSPECTED',
        returned: event.data.lines.reduce((acc, l) => plus(acc, l.sku, l.qualified, l.defective), state.returned),
        inspections: seen(state.inspections, event.data.inspectionNo),
      };
    case 'AnomalyDetected':
      return { ...state, inspections: seen(state.inspections, event.data.inspectionNo), anomalies: state.anomalies + 1 };
    case 'ReturnClosed':
      return { ...state, status: 'CLOSED', requests: seen(state.requests, event.data.requestId) };
    default:
      return state;
  }
};
