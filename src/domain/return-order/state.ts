import type { ReturnCreatedData } from './events.ts';

export type ReturnStatus = 'CREATED' | 'INSPECTED' | 'CLOSED';

export type Returned = Readonly<{ qualified: number; defective: number }>;

export type ReturnState = Readonly<{
  /** null until ReturnCreated */
  created: ReturnCreatedData | null;
  status: ReturnStatus | null;
  /** SKU → what the (first) inspection found */
  returned: Readonly<Record<string, Returned>>;
  /** inspection numbers seen: the one recorded and any that came after it */
  inspections: readonly string[];
  /** operator request ids already handled */
  requests: readonly string[];
  anomalies: number;
}>;

export const initialReturnState: ReturnState = { created: null, status: null, returned: {}, inspections: [], requests: [], anomalies: 0 };

export const isClosed = (state: ReturnState): boolean => state.status === 'CLOSED';
