/** The identifiers that name streams: one rule per kind, and a missing one is blank, never "undefined". */
import { describe, expect, it } from 'vitest';
import { identifierProblems, identifierRule, isIdentifier } from '../../../src/domain/kernel/identifiers.ts';

describe('identifiers', () => {
  it('of a warehouse are 1–32 letters, digits, _ or -, without the dot that separates warehouse and SKU', () => {
    expect(isIdentifier('warehouseCode', 'WH_00-1')).toBe(true);
    for (const bad of ['', 'WH.01', 'W'.repeat(33), 'WH 1', '仓库', '\ud800'])
      expect({ bad, ok: isIdentifier('warehouseCode', bad) }).toEqual({ bad, ok: false });
    expect(isIdentifier('warehouseCode', 'W'.repeat(32))).toBe(true);
  });

  it("of a carrier are codes of 1–32 letters, digits, _ or -, without the dot that ends a carrier's code before its waybill number", () => {
    for (const good of ['SF', 'YTO', 'J_T-1', 'C'.repeat(32)])
      expect({ good, ok: isIdentifier('carrier', good) }).toEqual({ good, ok: true });
    for (const bad of ['', 'S.F', 'C'.repeat(33), 'S F', '顺丰速运', '\ud800'])
      expect({ bad, ok: isIdentifier('carrier', bad) }).toEqual({ bad, ok: false });
  });

  it('of anything else are 1–64 letters, digits, _ . or -', () => {
    expect(isIdentifier('code', 'SKU.001_a-b')).toBe(true);
    expect(isIdentifier('code', 'S'.repeat(64))).toBe(true);
    for (const bad of ['', 'S'.repeat(65), 'A=1,B', 'a/b', 'x\u0000', '\ud800'])
      expect({ bad, ok: isIdentifier('code', bad) }).toEqual({ bad, ok: false });
  });

  it('name each problem at its path: blank (missing included), or the rule of the kind', () => {
    expect(identifierProblems('code', 'sku', '  ')).toEqual([{ path: 'sku', message: 'must not be blank' }]);
    const missing: unknown = undefined;
    expect(identifierProblems('code', 'sku', missing as string)).toEqual([{ path: 'sku', message: 'must not be blank' }]);
    expect(identifierProblems('warehouseCode', 'warehouseCode', 'WH.1')).toEqual([
      { path: 'warehouseCode', message: 'must be 1–32 letters, digits, _ or -' },
    ]);
    expect(identifierProblems('code', 'orderNo', 'O 1')).toEqual([{ path: 'orderNo', message: 'must be 1–64 letters, digits, _ . or -' }]);
    expect(identifierProblems('code', 'orderNo', 'O1')).toEqual([]);
    expect(identifierProblems('carrier', 'carrier', '顺丰速运')).toEqual([
      { path: 'carrier', message: 'must be a carrier code: 1–32 letters, digits, _ or -' },
    ]);
    expect(identifierProblems('carrier', 'carrier', '')).toEqual([{ path: 'carrier', message: 'must not be blank' }]);
  });

  it('state their pattern and rule for the adapters that document them', () => {
    expect(identifierRule('code').rule).toBe('must be 1–64 letters, digits, _ . or -');
    expect(identifierRule('code').pattern.test('SKU.1')).toBe(true);
    expect(identifierRule('warehouseCode').pattern.test('WH.1')).toBe(false);
    expect(identifierRule('carrier')).toEqual({
      pattern: /^[A-Za-z0-9_-]{1,32}$/,
      rule: 'must be a carrier code: 1–32 letters, digits, _ or -',
    });
  });
});
