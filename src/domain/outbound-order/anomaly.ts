/**
 * The one way an order records a fact that contradicts what it knew
 * (docs/architecture.md#requests-and-facts): an `AnomalyDetected`, raised for a person, never dropped.
 */
import type { AnomalyDetected, AnomalyKind } from './events.ts';
import type { OrderState } from './state.ts';

export const anomaly = (
  state: OrderState,
  kind: AnomalyKind,
  detail: string,
  at: string,
  extra: Partial<AnomalyDetected['data']> = {},
): AnomalyDetected => ({
  type: 'AnomalyDetected',
  data: {
    kind,
    detail,
    factKeys: [],
    attempt: null,
    shipment: null,
    outboundNo: state.outboundNo,
    warehouseCode: state.warehouseCode,
    detectedAt: at,
    ...extra,
  },
});
