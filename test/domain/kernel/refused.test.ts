import { describe, expect, it } from 'vitest';
import { Refused, refuse } from '../../../src/domain/kernel/refused.ts';

const refusalBy = (request: () => unknown): Refused => {
  try {
    request();
  } catch (error) {
    if (error instanceof Refused) return error;
    throw error;
  }
  throw new Error('the request was granted');
};

describe('a refusal', () => {
  it('is an error named Refused, with its reason, its sentence and the problems it names', () => {
    const details = [{ path: 'items', message: 'must hold at least one line' }];
    const refused = new Refused('INVALID_ORDER', 'the order cannot be placed', details);
    expect(refused).toBeInstanceOf(Error);
    expect(refused.name).toBe('Refused');
    expect(String(refused)).toBe('Refused: the order cannot be placed');
    expect([refused.reason, refused.message, refused.details]).toEqual(['INVALID_ORDER', 'the order cannot be placed', details]);
  });

  it('names no problems unless it is given some', () => {
    expect(new Refused('ORDER_NOT_FOUND', 'there is no order OMS1').details).toEqual([]);
  });

  it('is what refuse throws, with no problems unless it is given some', () => {
    const refused = refusalBy(() => refuse('ORDER_NOT_FOUND', 'there is no order OMS1'));
    expect(refused.name).toBe('Refused');
    expect([refused.reason, refused.message, refused.details]).toEqual(['ORDER_NOT_FOUND', 'there is no order OMS1', []]);
    const details = [{ path: 'now', message: 'must be an ISO-8601 instant with an offset' }];
    expect(refusalBy(() => refuse('INVALID_ORDER', 'the order cannot be placed', details)).details).toEqual(details);
  });
});
