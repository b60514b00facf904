/**
 * A warehouse message may carry its own id (`messageId`, Qimen's `outBizCode`). The same id twice
 * is one effect: with the same content it decides nothing, with other content it is recorded as a
 * `MESSAGE_ID_REUSED` anomaly and not applied. Without an id, a report is recognised by its content
 * alone, as before (state.ts `fact`).
 */
import type { RecordShipment, RecordWmsProgress, RecordWmsShortage } from './commands.ts';
import type { OrderEvent } from './events.ts';
import { anomaly } from './anomaly.ts';
import { alreadyApplied, fact, type OrderState } from './state.ts';

type WarehouseMessage = RecordShipment | RecordWmsProgress | RecordWmsShortage;

/** What a message reports, as the key its redelivery is known by. */
const contentOf = (command: WarehouseMessage): string => {
  switch (command.type) {
    case 'RecordShipment': {
      const d = command.data;
      return `${fact.shipment(d, d.items)}${d.final === true ? '|final' : ''}`;
    }
    case 'RecordWmsProgress':
      return fact.progress(command.data.warehouseCode, command.data.stage);
    case 'RecordWmsShortage':
      return fact.wmsShortage(command.data.warehouseCode, command.data.lines);
  }
};

/** `decide` the message, once per message id; what it decides is followed by the id it came under. */
export const oncePerMessageId = (command: WarehouseMessage, state: OrderState, decide: () => OrderEvent[]): OrderEvent[] => {
  const { messageId, now } = command.data;
  if (messageId === undefined) return decide();
  const content = contentOf(command);
  if (alreadyApplied(state, fact.messageContent(messageId, content))) return [];
  if (alreadyApplied(state, fact.message(messageId))) {
    return [
      anomaly(state, 'MESSAGE_ID_REUSED', `message ${messageId} came before with other content; this one is kept, not applied`, now, {
        factKeys: [fact.messageContent(messageId, content)],
      }),
    ];
  }
  const events = decide();
  return events.length === 0 ? [] : [...events, { type: 'WarehouseMessageApplied', data: { messageId, content, appliedAt: now } }];
};
