/**
 * The hub's events as the application reads them: decoded, typed by stream category, with the
 * stream's id already parsed. Reactions, projections, audits and command handling all receive
 * these, never raw stored events; one adapter (src/adapters/event-codec) turns the one into the
 * other and says why when it cannot.
 */
import type { InboundEvent } from '../../domain/inbound-order/index.ts';
import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import type { ReturnEvent } from '../../domain/return-order/index.ts';
import type { StockEvent } from '../../domain/stock-ledger/index.ts';
import type { HandOffEvent } from '../../domain/transport-handoff/index.ts';
import type { EventMetadata, Position, Revision } from '../ports/event-store.ts';
import type { WarehouseMessageEvent } from '../warehouse-messages/warehouse-message.ts';
import type { AlertEvent } from '../alerts/acknowledge-alert.ts';
import type { ParkedEvent } from '../callbacks/parked-callbacks.ts';

/** Each stream category (the part of the stream name before the first '-') and its events. */
export type CategoryEvents = {
  order: OrderEvent;
  inbound: InboundEvent;
  return: ReturnEvent;
  stock: StockEvent;
  shipment: HandOffEvent;
  /** the archive of warehouse messages (../warehouse-messages/warehouse-message.ts) */
  message: WarehouseMessageEvent;
  /** what people did about alerts (../alerts/acknowledge-alert.ts) */
  alert: AlertEvent;
  /** parked warehouse messages filed under what they wait for (../callbacks/parked-callbacks.ts) */
  parked: ParkedEvent;
};

export type Category = keyof CategoryEvents;

export const categories: readonly Category[] = ['order', 'inbound', 'return', 'stock', 'shipment', 'message', 'alert', 'parked'];

export const isCategory = (text: string): text is Category => categories.some((category) => category === text);

/** Where an event sits and why it was written: the same for every event. */
export type Envelope = Readonly<{
  /** the event's own id (a uuid) */
  id: string;
  /** the full stream name, `order-OMS1` */
  stream: string;
  /** the stream's id: `OMS1` for `order-OMS1`, `WH001.SKU001` for `stock-WH001.SKU001` */
  streamId: string;
  revision: Revision;
  position: Position;
  metadata: EventMetadata;
}>;

/** One decoded event of category C: its category, its domain type and data, its envelope. */
export type RecordedEvent<C extends Category = Category> = Extract<HubEvent, Readonly<{ category: C }>>;

/** Any event the hub stores: each category's events, decoded. */
export type HubEvent = {
  [C in Category]: CategoryEvents[C] extends infer E
    ? E extends CategoryEvents[C]
      ? Readonly<{ category: C }> & E & Envelope
      : never
    : never;
}[Category];

/** The event types of a category: `'OrderPlaced' | 'StockReserved' | …` for `order`. */
export type EventType<C extends Category> = CategoryEvents[C]['type'];

/** The decoded events of category C whose type is one of T. */
export type RecordedOf<C extends Category, T extends EventType<C> = EventType<C>> = Extract<HubEvent, Readonly<{ category: C; type: T }>>;

/** Narrow a decoded event to one category. */
export const isOfCategory = <C extends Category>(event: HubEvent, category: C): event is RecordedEvent<C> => event.category === category;
