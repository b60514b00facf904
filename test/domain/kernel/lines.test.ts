import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type Line, MAX_LINES, lineProblems, linesKey, totalsBySku } from '../../../src/domain/kernel/lines.ts';

describe('the problems with a list of lines', () => {
  it('names an empty list at the list’s own path', () => {
    expect(lineProblems([], 'items')).toEqual([{ path: 'items', message: 'must hold at least one line' }]);
  });

  it('names a blank SKU, a SKU named twice and a quantity that is not a positive whole number, each at its line', () => {
    const lines: Line[] = [
      { sku: 'SKU001', quantity: 1 },
      { sku: '  ', quantity: 0 },
      { sku: 'SKU001', quantity: 1.5 },
      { sku: 'SKU002', quantity: 2 },
    ];
    expect(lineProblems(lines, 'items')).toEqual([
      { path: 'items[1].sku', message: 'must not be blank' },
      { path: 'items[1].quantity', message: 'must be a positive whole number' },
      { path: 'items[2].sku', message: 'SKU001 appears more than once' },
      { path: 'items[2].quantity', message: 'must be a positive whole number' },
    ]);
  });

  it('lets a SKU be named once per batch when repeats are allowed', () => {
    const lines: Line[] = [
      { sku: 'SKU001', quantity: 1, batchNo: 'B1' },
      { sku: 'SKU001', quantity: 2, batchNo: 'B2' },
    ];
    expect(lineProblems(lines, 'items', { allowRepeatedSkus: true })).toEqual([]);
    expect(lineProblems(lines, 'items')).toEqual([{ path: 'items[1].sku', message: 'SKU001 appears more than once' }]);
  });
});

describe('the key of a list of lines', () => {
  it('lists the total of each SKU, in SKU order, separated by commas', () => {
    const lines: Line[] = [
      { sku: 'SKU002', quantity: 2 },
      { sku: 'SKU001', quantity: 1 },
      { sku: 'SKU002', quantity: 3, batchNo: 'B2' },
    ];
    expect(linesKey(lines)).toBe('SKU001=1,SKU002=5');
    expect(linesKey([{ sku: 'SKU001', quantity: 4 }])).toBe('SKU001=4');
  });

  // SKUs here hold neither "," nor "=", the separators of the key
  const line: fc.Arbitrary<Line> = fc.record({
    sku: fc.oneof(fc.constantFrom('SKU001', 'SKU002', 'SKU010', 'A', 'b'), fc.stringMatching(/^[A-Za-z0-9#-]{1,4}$/)),
    quantity: fc.integer({ min: 1, max: 9 }),
  });
  const linesInTwoOrders = fc
    .array(line, { minLength: 1, maxLength: 40 })
    .chain((lines) => fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length })));

  test.prop([linesInTwoOrders])(
    'is the same for the same lines in any order, and names each SKU once with its total',
    ([lines, shuffled]) => {
      const key = linesKey(lines);
      expect(linesKey(shuffled)).toBe(key);
      expect(key.split(',')).toHaveLength(totalsBySku(lines).size);
    },
  );
});

describe('the number of lines', () => {
  it('is at most MAX_LINES (500): one more is refused at the list, as many is taken', () => {
    const many = (n: number): Line[] => Array.from({ length: n }, (_, i) => ({ sku: `SKU${i}`, quantity: 1 }));
    expect(MAX_LINES).toBe(500);
    expect(lineProblems(many(500), 'items')).toEqual([]);
    expect(lineProblems(many(501), 'items')).toEqual([{ path: 'items', message: 'must hold at most 500 lines' }]);
  });
});
