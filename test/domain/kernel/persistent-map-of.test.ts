/** `mapOf`, the map built at once from its entries: the very map that setting them one by one makes. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type PersistentMap, emptyMap, entriesOf, mapOf, removeKey, setValue } from '../../../src/domain/kernel/persistent-map.ts';

// a small pool repeats keys; a large one grows the trie several levels deep
const key = fc.oneof(
  fc.constantFrom('a', 'b', 'OMS1/R1', ''),
  fc.string({ maxLength: 6 }),
  fc.nat({ max: 50_000 }).map((n) => `K${n}`),
);
const entry = fc.tuple(key, fc.integer({ min: 1, max: 9 }));

const oneByOne = (entries: readonly (readonly [string, number])[]): PersistentMap<number> =>
  entries.reduce<PersistentMap<number>>((map, [k, v]) => setValue(map, k, v), emptyMap);

describe('mapOf', () => {
  test.prop([fc.array(entry, { maxLength: 2_000, size: 'large' })], { numRuns: 200 })(
    'in any order, with keys given twice (the later value wins): the same structure as setting them one by one',
    (entries) => {
      const built = mapOf(entries);
      expect(built).toEqual(oneByOne(entries));
      expect(built.size).toBe(new Set(entries.map(([k]) => k)).size);
    },
  );

  test.prop([fc.array(entry, { maxLength: 2_000, size: 'large' }), fc.array(key, { maxLength: 500, size: 'large' })], { numRuns: 200 })(
    "a map's own entries, in its own order (after removals too), build that map again",
    (entries, removed) => {
      const map = removed.reduce((m, k) => removeKey(m, k), oneByOne(entries));
      expect(mapOf(entriesOf(map))).toEqual(map);
    },
  );

  test('no entries: the empty map', () => {
    expect(mapOf([])).toEqual(emptyMap);
  });
});
