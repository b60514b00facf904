/** A waybill is a carrier's: known by the carrier's code and the number together, written `{carrier}.{waybillNo}`. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { waybillId, waybillOfId } from '../../../src/domain/kernel/waybill.ts';

const waybill = fc.record({ carrier: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/), waybillNo: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/) });

describe('a waybill as one identifier', () => {
  it("is the carrier's code, a dot, and the number, which may have dots of its own", () => {
    expect(waybillId({ carrier: 'SF', waybillNo: 'SF1234567890' })).toBe('SF.SF1234567890');
    expect(waybillOfId('SF.SF1234567890')).toEqual({ carrier: 'SF', waybillNo: 'SF1234567890' });
    expect(waybillOfId('YTO.77.001')).toEqual({ carrier: 'YTO', waybillNo: '77.001' });
  });

  it('names no waybill without a dot, without a carrier code before it, or without a waybill number after it', () => {
    for (const id of ['SF1234567890', '.SF1', '顺丰速运.SF1', 'S F.1', 'C'.repeat(33) + '.1', 'SF.', 'SF.a b', `SF.${'9'.repeat(65)}`, ''])
      expect({ id, waybill: waybillOfId(id) }).toEqual({ id, waybill: null });
  });

  test.prop([waybill])('reads back as the waybill it was made of', (w) => {
    expect(waybillOfId(waybillId(w))).toEqual(w);
  });

  test.prop([fc.oneof(fc.string(), fc.stringMatching(/^[AB.-]{0,6}$/))])(
    'any text names at most one waybill: the one it is the identifier of',
    (id) => {
      const w = waybillOfId(id);
      if (w !== null) expect(waybillId(w)).toBe(id);
    },
  );
});
