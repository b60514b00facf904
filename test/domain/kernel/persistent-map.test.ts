import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  type PersistentMap,
  emptyMap,
  entriesOf,
  getValue,
  hasKey,
  removeKey,
  setValue,
  toRecord,
} from '../../../src/domain/kernel/persistent-map.ts';

type Op = Readonly<{ kind: 'set'; key: string; value: number } | { kind: 'remove'; key: string }>;

// a small pool collides often; a large one grows the trie several levels deep
const key = fc.oneof(
  fc.constantFrom('a', 'b', 'OMS1#1', 'OMS2#1', ''),
  fc.string({ maxLength: 6 }),
  fc.nat({ max: 5000 }).map((n) => `K${n}`),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('remove' as const), key }),
);

const apply = (map: PersistentMap<number>, o: Op): PersistentMap<number> =>
  o.kind === 'set' ? setValue(map, o.key, o.value) : removeKey(map, o.key);

describe('persistent map', () => {
  test.prop([fc.array(op, { maxLength: 300 })], { numRuns: 300 })('behaves as a Map, and never changes a map it was built from', (ops) => {
    const model = new Map<string, number>();
    let map: PersistentMap<number> = emptyMap;
    const history: { map: PersistentMap<number>; record: Record<string, number> }[] = [];
    for (const o of ops) {
      if (o.kind === 'set') model.set(o.key, o.value);
      else model.delete(o.key);
      map = apply(map, o);
      history.push({ map, record: Object.fromEntries(model) });
      expect(map.size).toBe(model.size);
      expect(hasKey(map, o.key)).toBe(model.has(o.key));
      expect(getValue(map, o.key)).toBe(model.get(o.key));
    }
    for (const { map: old, record } of history) {
      expect(toRecord(old)).toEqual(record);
      expect([...entriesOf(old)].length).toBe(Object.keys(record).length);
    }
  });

  test.prop([fc.array(op, { maxLength: 200 }), fc.integer()], { numRuns: 200 })(
    'its structure depends only on its entries, so equal maps compare equal',
    (ops, seed) => {
      const built = ops.reduce(apply, emptyMap as PersistentMap<number>);
      const entries = Object.entries(toRecord(built));
      const shuffled = entries
        .map((entry, i) => ({ entry, rank: Math.imul(i + 1, seed | 1) >>> 0 }))
        .sort((a, b) => a.rank - b.rank)
        .map(({ entry }) => entry);
      const rebuilt = shuffled.reduce((map, [k, v]) => setValue(map, k, v), emptyMap as PersistentMap<number>);
      expect(rebuilt).toEqual(built);
    },
  );
});

describe('keys whose hashes collide', () => {
  // K47199 and K1168204 have the same FNV-1a hash (0xd304b818), as do K47198 and K1168205: they
  // share one leaf of the trie, which keeps its entries in key order
  const pairs = [
    ['K47199', 'K1168204'],
    ['K47198', 'K1168205'],
  ] as const;

  test('each keeps its own value; removing one leaves the other; the order of writing does not matter', () => {
    for (const [a, b] of pairs) {
      const ab = setValue(setValue(emptyMap, a, 1), b, 2);
      const ba = setValue(setValue(emptyMap, b, 2), a, 1);
      expect([getValue(ab, a), getValue(ab, b), ab.size]).toEqual([1, 2, 2]);
      expect(ba).toEqual(ab);
      expect(JSON.parse(JSON.stringify(ab))).toEqual(ab);
      // one leaf holds both, in key order: the collision path, not two leaves
      expect(ab.root).toMatchObject({
        entries: [
          [a, 1],
          [b, 2],
        ].sort(([x], [y]) => String(x).localeCompare(String(y))),
      });
      expect([...entriesOf(ab)].map(([k]) => k)).toEqual([a, b].sort());
      const onlyB = removeKey(ab, a);
      expect([hasKey(onlyB, a), getValue(onlyB, b), onlyB.size]).toEqual([false, 2, 1]);
      expect(removeKey(onlyB, b)).toEqual(emptyMap);
      expect(setValue(ab, b, 3)).not.toBe(ab);
      expect(getValue(setValue(ab, b, 3), a)).toBe(1);
      expect(removeKey(ab, 'K0')).toBe(ab);
    }
  });

  test('setting a key to the value it has returns the same map', () => {
    const map = setValue(setValue(emptyMap, 'a', 1), 'K47199', 2);
    expect(setValue(map, 'a', 1)).toBe(map);
    expect(setValue(map, 'K47199', 2)).toBe(map);
  });
});
