/** Inbound numbers name streams: a purchase may not take the prefix of the inbounds customer returns create. */
import { describe, expect, it } from 'vitest';
import { Refused } from '../../../src/domain/kernel/refused.ts';
import { type InboundCommand, inboundOrderDecider, returnInboundNo } from '../../../src/domain/inbound-order/index.ts';

const create = (data: Partial<Extract<InboundCommand, { type: 'CreateInbound' }>['data']>): InboundCommand => ({
  type: 'CreateInbound',
  data: {
    inboundNo: 'IN1',
    kind: 'PURCHASE',
    warehouseCode: 'WH001',
    supplier: 'ACME',
    poNumber: 'PO1',
    lines: [{ sku: 'SKU001', quantity: 1 }],
    now: '2025-11-22T02:00:00.000Z',
    ...data,
  },
});
const refusal = (command: InboundCommand): unknown => {
  try {
    inboundOrderDecider.decide(command, inboundOrderDecider.initialState);
  } catch (error) {
    if (error instanceof Refused) return { reason: error.reason, details: error.details };
  }
  return null;
};

describe('inbound numbers', () => {
  it('of a purchase may not start with RT-, which names the inbound of a customer return', () => {
    expect(returnInboundNo('R1')).toBe('RT-R1');
    expect(refusal(create({ inboundNo: 'RT-R1' }))).toEqual({
      reason: 'INVALID_INBOUND',
      details: [{ path: 'inboundNo', message: 'must not start with RT-, which names the inbounds of customer returns' }],
    });
    expect(refusal(create({ inboundNo: 'RTR1' }))).toBeNull();
    expect(refusal(create({ inboundNo: 'RT-R1', kind: 'RETURN', returnNo: 'R1', supplier: undefined, poNumber: undefined }))).toBeNull();
  });

  it('are identifiers: 1–64 letters, digits, _ . or -', () => {
    expect(refusal(create({ inboundNo: 'IN 1' }))).toEqual({
      reason: 'INVALID_INBOUND',
      details: [{ path: 'inboundNo', message: 'must be 1–64 letters, digits, _ . or -' }],
    });
  });
});
