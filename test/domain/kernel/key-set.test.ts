import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type KeySet, MERGE_AT, emptyKeySet, hasKeyIn, keySetOf, keySetParts, withKey } from '../../../src/domain/kernel/key-set.ts';

// keys that sort next to each other, hold what a line of the text must not (breaks, backslashes), or are empty
const key = fc.oneof(
  fc.constantFrom('', 'a', 'a\n', 'a\\n', 'a\\', '\\', '\n', 'OMS1/R1', 'OMS1/R10', 'SELLABLE:PO1\nB1'),
  fc.string({ maxLength: 5, unit: fc.constantFrom('a', 'b', '\n', '\\', 'n', 'é') }),
  fc.nat({ max: 4000 }).map((n) => `K${n}`),
);

const built = (keys: readonly string[]): KeySet => keys.reduce(withKey, emptyKeySet);

/** enough keys to merge two or three times */
const many = (count: number, prefix: string): string[] => Array.from({ length: count }, (_, i) => `${prefix}${(i * 7919) % count}`);

describe('key set', () => {
  test.prop([fc.array(key, { maxLength: 300 }), fc.array(key, { maxLength: 20 }), fc.boolean()], { numRuns: 150 })(
    'behaves as a Set, and never changes a set it was built from (before, across and after a merge)',
    (keys, probes, nearMerge) => {
      // near a merge, the keys given cross it: 100 of them fit beside the first MERGE_AT - 100
      const start = nearMerge ? many(MERGE_AT - 100, 'P') : [];
      const model = new Set<string>(start);
      const history: { set: KeySet; seen: Set<string> }[] = [];
      let set = built(start);
      for (const added of keys) {
        model.add(added);
        set = withKey(set, added);
        history.push({ set, seen: new Set(model) });
      }
      for (const probe of [...keys, ...probes, ...start.slice(0, 50)]) expect(hasKeyIn(set, probe)).toBe(model.has(probe));
      for (const { set: old, seen } of history) {
        for (const probe of [...keys, ...probes]) expect(hasKeyIn(old, probe)).toBe(seen.has(probe));
      }
    },
  );

  test('keys merged into the text are still found, with the keys added after them, and nothing else is', () => {
    const first = many(MERGE_AT * 2 + 5, 'OMS');
    const set = built([...first, 'a\nb', 'a\\nb', '']);
    expect(keySetParts(set).recent.length).toBe(8);
    expect(keySetParts(set).sorted.split('\n').length - 1).toBe(MERGE_AT * 2);
    for (const found of [...first, 'a\nb', 'a\\nb', '']) expect(hasKeyIn(set, found)).toBe(true);
    for (const missing of ['OMS', 'OMS-1', `OMS${first.length}`, 'a', 'a\\', 'b', 'OMS1\n']) expect(hasKeyIn(set, missing)).toBe(false);
  });

  test('keys with backslashes and line breaks keep apart from the keys they would look like, once in the text', () => {
    const tricky = ['a\\b', 'a\nb', 'a\\nb', 'x\\', 'x\n'];
    const set = built([...many(MERGE_AT - tricky.length, 'T'), ...tricky]);
    expect(keySetParts(set).recent).toEqual([]);
    for (const key of tricky) expect(hasKeyIn(set, key)).toBe(true);
    for (const lookalike of ['ab', 'a\\\\b', 'anb', 'a\\\\nb', 'a\n\nb', 'x', 'x\\\\', 'xn', 'x\\n']) {
      expect(hasKeyIn(set, lookalike)).toBe(false);
    }
  });

  test('a key already in the set leaves it as it was', () => {
    const set = built(many(MERGE_AT + 3, 'R'));
    expect(withKey(set, 'R5')).toBe(set);
    expect(withKey(set, `R${MERGE_AT + 1}`)).toBe(set);
  });

  test.prop([fc.array(key, { maxLength: 80 })], { numRuns: 100 })('its parts read back as the same set, through JSON', (keys) => {
    const set = built([...many(MERGE_AT, 'S'), ...keys]);
    const parts = JSON.parse(JSON.stringify(keySetParts(set)));
    expect(keySetOf(parts.sorted, parts.recent)).toEqual(set);
  });

  test.each([
    ['a line out of order', 'b\na\n', []],
    ['a line twice', 'a\na\n', []],
    ['a text without its last line break', 'a\nb', []],
    ['a text whose last line is longer and has no line break', 'a\nbc', []],
    ['a text of one line with no line break', 'a', []],
    ['a recent key already in the text', 'a\nb\n', ['b']],
    ['a recent key twice', '', ['c', 'c']],
    ['as many recent keys as merge', '', Array.from({ length: MERGE_AT }, (_, i) => `k${i}`)],
  ])('parts that cannot be a set are refused: %s', (_, sorted, recent) => {
    expect(keySetOf(sorted, recent)).toBeUndefined();
  });

  test('parts a set could have are taken', () => {
    expect(keySetOf('', [])).toEqual(emptyKeySet);
    expect(hasKeyIn(keySetOf('\n', ['x']) ?? emptyKeySet, '')).toBe(true);
    expect(hasKeyIn(keySetOf('a\\nb\nc\n', []) ?? emptyKeySet, 'a\nb')).toBe(true);
  });
});
