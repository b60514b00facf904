import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  type PersistentMap,
  addKey,
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

  test('removing an absent key that shares its hash with a present one returns the same map', () => {
    for (const [a, b] of pairs) {
      const onlyA = setValue(emptyMap, a, 1);
      expect(removeKey(onlyA, b)).toBe(onlyA);
      const underABranch = setValue(setValue(emptyMap, 'K0', 0), a, 1);
      expect(removeKey(underABranch, b)).toBe(underABranch);
      expect(removeKey(underABranch, b).size).toBe(2);
    }
  });
});

type Node = NonNullable<PersistentMap<unknown>['root']>;

/** every leaf of the trie: how many branches lie above it, and how many keys it holds */
const leavesOf = (map: PersistentMap<unknown>): { depth: number; keys: number }[] => {
  const leaves: { depth: number; keys: number }[] = [];
  const visit = (node: Node, depth: number): void => {
    if ('entries' in node) leaves.push({ depth, keys: node.entries.length });
    else for (const child of node.children) if (child !== null) visit(child, depth + 1);
  };
  if (map.root !== null) visit(map.root, 0);
  return leaves;
};

describe('the shape of the trie', () => {
  test('keys are hashed with FNV-1a (its published test vectors), so a map has the same shape in every process', () => {
    expect(setValue(emptyMap, '', 1).root).toEqual({ hash: 0x811c9dc5, entries: [['', 1]] });
    expect(setValue(emptyMap, 'a', 1).root).toEqual({ hash: 0xe40c292c, entries: [['a', 1]] });
    expect(setValue(emptyMap, 'foobar', 1).root).toEqual({ hash: 0xbf9cf968, entries: [['foobar', 1]] });
    expect(setValue(emptyMap, 'K47199', 1).root).toEqual({ hash: 0xd304b818, entries: [['K47199', 1]] });
  });

  test.prop([fc.uniqueArray(key, { minLength: 2, maxLength: 200 })], { numRuns: 100 })(
    'no leaf lies deeper than the seven levels of five bits a 32-bit hash can index',
    (keys) => {
      const map = keys.reduce((m, k) => setValue(m, k, 1), emptyMap as PersistentMap<number>);
      const leaves = leavesOf(map);
      expect(leaves.reduce((n, leaf) => n + leaf.keys, 0)).toBe(keys.length);
      expect(Math.max(...leaves.map((leaf) => leaf.depth))).toBeLessThanOrEqual(7);
    },
  );

  test('a map of 2000 keys holds one leaf per key, and setting a key copies only the path to it', () => {
    let map: PersistentMap<number> = emptyMap;
    for (let i = 0; i < 2000; i += 1) map = setValue(map, `K${i}`, i);
    const leaves = leavesOf(map);
    expect(leaves).toHaveLength(2000);
    expect(leaves.every((leaf) => leaf.keys === 1)).toBe(true);

    const next = setValue(map, 'K2000', 2000);
    const [before, after] = [map.root, next.root];
    if (before === null || 'entries' in before || after === null || 'entries' in after) throw new Error('the root is not a branch');
    const copied = after.children.filter((child, i) => child !== before.children[i]);
    expect(copied).toHaveLength(1);
    expect(after.children.filter((child) => child !== null).length).toBeGreaterThan(1);
    expect(getValue(map, 'K2000')).toBeUndefined();
  });
});

describe('a persistent set', () => {
  test('holds each key added once, as true, and adding a key it holds returns the same set', () => {
    const set = addKey(addKey(addKey(emptyMap, 'OMS1#1'), 'OMS2#1'), 'OMS1#1');
    expect(set.size).toBe(2);
    expect(toRecord(set)).toEqual({ 'OMS1#1': true, 'OMS2#1': true });
    expect(addKey(set, 'OMS2#1')).toBe(set);
  });
});
