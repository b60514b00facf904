/**
 * Stored events in, decoded events out (../events/recorded-event.ts). The adapter owns the
 * parsing (src/adapters/event-codec: one codec per stream category); the application owns the
 * types. Decoding never throws: an event that does not decode says why, and the reader turns
 * that into a finding (an alert, the event kept), never a crash and never a silent skip.
 */
import type { InboundState } from '../../domain/inbound-order/index.ts';
import type { OrderState } from '../../domain/outbound-order/index.ts';
import type { ReturnState } from '../../domain/return-order/index.ts';
import type { HubEvent } from '../events/recorded-event.ts';
import type { StoredEvent } from './event-store.ts';

/**
 * An event written before its type carried what its consumers need (a shipment's warehouse,
 * reservation and consignee; a release's SKUs; a receipt's destination…): it is completed from
 * its aggregate as it stood just before it (upcast on read), by the domain's own rules. null: no
 * aggregate came before it to complete it from (the event does not decode).
 */
export type Completion =
  | Readonly<{ category: 'order'; complete: (before: OrderState) => HubEvent | null }>
  | Readonly<{ category: 'inbound'; complete: (before: InboundState) => HubEvent | null }>
  | Readonly<{ category: 'return'; complete: (before: ReturnState) => HubEvent | null }>;

/** Why an older event could not be completed. */
export const nothingBefore = (category: Completion['category']): string =>
  `an event of an older shape, with no ${category} before it to complete it from`;

export type Decoding =
  | Readonly<{ kind: 'decoded'; event: HubEvent }>
  | Readonly<{ kind: 'needs-state-before'; completion: Completion }>
  | Readonly<{ kind: 'undecodable'; problems: readonly string[] }>;

export interface EventDecoder {
  decode(stored: StoredEvent): Decoding;
}
