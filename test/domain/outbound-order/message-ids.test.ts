/**
 * A warehouse message may carry its own id (`messageId`, Qimen's `outBizCode`): the same id twice is
 * one effect. With the same content it decides nothing; with other content it is recorded as a
 * `MESSAGE_ID_REUSED` anomaly and not applied.
 */
import { describe, expect, it } from 'vitest';
import { type OrderEvent, outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  anomaly,
  articleShipment,
  at,
  atTheWms,
  line,
  picking,
  progress,
  recordShipment,
  shipped,
  twoLineOrder,
  wmsShort,
} from './order-fixtures.ts';

const { given } = specFor(outboundOrder);
const noted = (messageId: string, content: string, now: string): OrderEvent => ({
  type: 'WarehouseMessageApplied',
  data: { messageId, content, appliedAt: now },
});
const twoLines = twoLineOrder({ allowPartialShip: false, allowCancel: false });
const first = articleShipment({ waybillNo: 'SF1', items: [line('SKU001', 2)] });
const other = articleShipment({ waybillNo: 'SF2', items: [line('SKU002', 3)] });

describe('a warehouse message with its own id', () => {
  it('is applied once and its id kept with what it said', () => {
    const state = given(atTheWms(twoLines))
      .when(recordShipment(first, at(10), { messageId: 'M1' }))
      .then([shipped(first), noted('M1', 'waybill:SF.SF1|SKU001=2', at(10))]);
    expect(state.status).toBe('PARTIALLY_SHIPPED');
  });

  it('the same id with the same content again: nothing', () => {
    given([...atTheWms(twoLines), shipped(first), noted('M1', 'waybill:SF.SF1|SKU001=2', at(10))])
      .when(recordShipment(first, at(11), { messageId: 'M1' }))
      .thenNothing();
  });

  it('the same id with other content: kept as an anomaly, not applied; sent a third time, nothing more', () => {
    const history = [...atTheWms(twoLines), shipped(first), noted('M1', 'waybill:SF.SF1|SKU001=2', at(10))];
    const state = given(history)
      .when(recordShipment(other, at(11), { messageId: 'M1' }))
      .then([
        anomaly('MESSAGE_ID_REUSED', 'message M1 came before with other content; this one is kept, not applied', at(11), {
          factKeys: ['message:M1|waybill:SF.SF2|SKU002=3'],
        }),
      ]);
    expect(state).toMatchObject({ status: 'PARTIALLY_SHIPPED', lines: [{ shipped: 2 }, { shipped: 0 }] });
  });

  it('a final shipment is other content than the same shipment not said final', () => {
    const history = [...atTheWms(twoLines), shipped(first), noted('M1', 'waybill:SF.SF1|SKU001=2', at(10))];
    given(history)
      .when(recordShipment(first, at(10), { final: true, messageId: 'M1' }))
      .then([
        anomaly('MESSAGE_ID_REUSED', 'message M1 came before with other content; this one is kept, not applied', at(10), {
          factKeys: ['message:M1|waybill:SF.SF1|SKU001=2|final'],
        }),
      ]);
  });

  it('progress and shortage reports too', () => {
    given(atTheWms())
      .when(progress('PICKING', at(5), 'WH001', 'P1'))
      .then([picking(), noted('P1', 'progress:WH001:PICKING', at(5))]);
    given([...atTheWms(), picking(), noted('P1', 'progress:WH001:PICKING', at(5))])
      .when(wmsShort([line('SKU001', 1)], null, 'WH001', 'P1'))
      .then([
        anomaly('MESSAGE_ID_REUSED', 'message P1 came before with other content; this one is kept, not applied', at(6), {
          factKeys: ['message:P1|shortage:WH001:SKU001=1'],
        }),
      ]);
  });

  it('a message whose content was applied before, under another id or none, changes nothing and keeps no id', () => {
    given([...atTheWms(twoLines), shipped(first)])
      .when(recordShipment(first, at(11), { messageId: 'M9' }))
      .thenNothing();
  });
});
