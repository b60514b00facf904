/**
 * A persistent (immutable, structurally shared) map from strings to values: a hash array mapped
 * trie of 32-way branches. `set` and `remove` return a new map and copy only the path to the key
 * (O(log₃₂ n)), so a state holding thousands of references can evolve per event without copying
 * them all, while every state it was evolved from stays as it was (callers may keep old states).
 *
 * Plain objects and arrays only (no classes, no mutation after construction). A map's structure
 * depends only on its entries (removal collapses what it empties; keys sharing a hash are kept in
 * key order), so two maps with the same entries compare equal with a deep equality.
 */

type Entry<V> = readonly [key: string, value: V];
/** keys sharing one full 32-bit hash (almost always one) */
type Leaf<V> = Readonly<{ hash: number; entries: readonly Entry<V>[] }>;
/** 32 slots, indexed by 5 bits of the hash at this depth */
type Branch<V> = Readonly<{ children: readonly (Node<V> | null)[] }>;
type Node<V> = Leaf<V> | Branch<V>;

export type PersistentMap<V> = Readonly<{ size: number; root: Node<V> | null }>;
/** A persistent set of strings. */
export type PersistentSet = PersistentMap<true>;

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

export const emptyMap: PersistentMap<never> = { size: 0, root: null };

/** FNV-1a over UTF-16 code units: deterministic, so the structure is the same in every process. */
const hashOf = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/** entries sharing a hash are kept in key order, so the structure never depends on insertion order */
const byKey = <V>(a: Entry<V>, b: Entry<V>): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

const isLeaf = <V>(node: Node<V>): node is Leaf<V> => 'entries' in node;
const slot = (hash: number, shift: number): number => (shift >= 32 ? 0 : (hash >>> shift) & MASK);

const lookup = <V>(map: PersistentMap<V>, key: string): Entry<V> | undefined => {
  const hash = hashOf(key);
  let node = map.root;
  let shift = 0;
  while (node !== null) {
    if (isLeaf(node)) return node.hash === hash ? node.entries.find((entry) => entry[0] === key) : undefined;
    node = node.children[slot(hash, shift)] ?? null;
    shift += BITS;
  }
  return undefined;
};

export const hasKey = <V>(map: PersistentMap<V>, key: string): boolean => lookup(map, key) !== undefined;

export const getValue = <V>(map: PersistentMap<V>, key: string): V | undefined => lookup(map, key)?.[1];

const withChild = <V>(branch: Branch<V>, index: number, child: Node<V> | null): Branch<V> => {
  const children = branch.children.slice();
  children[index] = child;
  return { children };
};

/** A branch (at `shift`) holding two leaves of different hashes. */
const split = <V>(a: Leaf<V>, b: Leaf<V>, shift: number): Node<V> => {
  const children = new Array<Node<V> | null>(WIDTH).fill(null);
  const ia = slot(a.hash, shift);
  const ib = slot(b.hash, shift);
  if (ia === ib) children[ia] = split(a, b, shift + BITS);
  else {
    children[ia] = a;
    children[ib] = b;
  }
  return { children };
};

const put = <V>(node: Node<V> | null, hash: number, key: string, value: V, shift: number): { node: Node<V>; added: boolean } => {
  if (node === null) return { node: { hash, entries: [[key, value]] }, added: true };
  if (isLeaf(node)) {
    if (node.hash !== hash) return { node: split(node, { hash, entries: [[key, value]] }, shift), added: true };
    const at = node.entries.findIndex((entry) => entry[0] === key);
    if (at === -1) return { node: { hash, entries: [...node.entries, [key, value] as const].sort(byKey) }, added: true };
    if (node.entries[at]?.[1] === value) return { node, added: false };
    return { node: { hash, entries: node.entries.map((entry, i) => (i === at ? ([key, value] as const) : entry)) }, added: false };
  }
  const index = slot(hash, shift);
  const child = node.children[index] ?? null;
  const next = put(child, hash, key, value, shift + BITS);
  return { node: next.node === child ? node : withChild(node, index, next.node), added: next.added };
};

/** The map with `key` set to `value` (the same map when it already was). */
export const setValue = <V>(map: PersistentMap<V>, key: string, value: V): PersistentMap<V> => {
  const { node, added } = put(map.root, hashOf(key), key, value, 0);
  return node === map.root ? map : { size: added ? map.size + 1 : map.size, root: node };
};

/** A branch left with a single leaf and nothing else becomes that leaf; an empty one disappears. */
const collapsed = <V>(branch: Branch<V>): Node<V> | null => {
  let only: Node<V> | null = null;
  for (const child of branch.children) {
    if (child === null) continue;
    if (only !== null || !isLeaf(child)) return branch;
    only = child;
  }
  return only;
};

const take = <V>(node: Node<V> | null, hash: number, key: string, shift: number): Node<V> | null => {
  if (node === null) return null;
  if (isLeaf(node)) {
    if (node.hash !== hash) return node;
    const entries = node.entries.filter((entry) => entry[0] !== key);
    if (entries.length === node.entries.length) return node;
    return entries.length === 0 ? null : { hash, entries };
  }
  const index = slot(hash, shift);
  const child = node.children[index] ?? null;
  const next = take(child, hash, key, shift + BITS);
  return next === child ? node : collapsed(withChild(node, index, next));
};

/** The map without `key` (the same map when it had none). */
export const removeKey = <V>(map: PersistentMap<V>, key: string): PersistentMap<V> => {
  const root = take(map.root, hashOf(key), key, 0);
  return root === map.root ? map : { size: map.size - 1, root };
};

/** Every entry, in no particular order (but the same order for the same entries). */
export function* entriesOf<V>(map: PersistentMap<V>): Generator<Entry<V>> {
  const stack: Node<V>[] = map.root === null ? [] : [map.root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isLeaf(node)) {
      yield* node.entries;
      continue;
    }
    for (let i = WIDTH - 1; i >= 0; i -= 1) {
      const child = node.children[i];
      if (child !== null && child !== undefined) stack.push(child);
    }
  }
}

/** A plain record of the entries (for reading and tests; keys in no particular order). */
export const toRecord = <V>(map: PersistentMap<V>): Record<string, V> => Object.fromEntries(entriesOf(map));

/** The set with `key` in it. */
export const addKey = (set: PersistentSet, key: string): PersistentSet => setValue(set, key, true);

/**
 * A key's place in the trie's own order (the order `entriesOf` walks): its hash read 5 bits at a
 * time from the lowest, the first slot most significant. Below 2^35, so exact in a number.
 */
const trieOrder = (hash: number): number => {
  let order = 0;
  for (let shift = 0; shift < 32; shift += BITS) order = order * WIDTH + slot(hash, shift);
  return order;
};

/** Entries with their hashes and places in the trie's order, side by side (no object per entry: a snapshot holds 100,000). */
type Hashed<V> = Readonly<{ hashes: number[]; orders: number[]; entries: Entry<V>[] }>;

const compare = <V>(items: Hashed<V>, a: number, b: number): number => {
  const ka = items.entries[a]?.[0] ?? '';
  const kb = items.entries[b]?.[0] ?? '';
  return (items.orders[a] ?? 0) - (items.orders[b] ?? 0) || (ka < kb ? -1 : ka > kb ? 1 : 0);
};

/** The node of entries [lo, hi) (in trie order, one per key) at `shift`, as `put` and `take` would leave it. */
const nodeOf = <V>(items: Hashed<V>, lo: number, hi: number, shift: number): Node<V> | null => {
  if (lo >= hi) return null;
  const hash = items.hashes[lo] ?? 0;
  if (hash === items.hashes[hi - 1]) return { hash, entries: items.entries.slice(lo, hi) };
  const children = new Array<Node<V> | null>(WIDTH).fill(null);
  for (let start = lo; start < hi;) {
    const index = slot(items.hashes[start] ?? 0, shift);
    let end = start + 1;
    while (end < hi && slot(items.hashes[end] ?? 0, shift) === index) end += 1;
    children[index] = nodeOf(items, start, end, shift + BITS);
    start = end;
  }
  return { children };
};

/** The entries in trie order, one per key (of a key given twice, the later value). */
const inTrieOrder = <V>(given: Hashed<V>): Hashed<V> => {
  let ordered = true;
  for (let i = 1; i < given.entries.length && ordered; i += 1) ordered = compare(given, i - 1, i) < 0;
  if (ordered) return given;
  // a stable sort keeps a key's entries in the order given: the last of each run is the later value
  const sorted = given.entries.map((_, i) => i).sort((a, b) => compare(given, a, b));
  const kept: Hashed<V> = { hashes: [], orders: [], entries: [] };
  sorted.forEach((at, i) => {
    const entry = given.entries[at];
    if (entry === undefined || given.entries[sorted[i + 1] ?? -1]?.[0] === entry[0]) return;
    kept.hashes.push(given.hashes[at] ?? 0);
    kept.orders.push(given.orders[at] ?? 0);
    kept.entries.push(entry);
  });
  return kept;
};

/**
 * The map of these entries (of a key given twice, the later value), built at once: the same map
 * as setting them one by one, without copying a path per entry. Reading a ledger's 100,000
 * references back from a snapshot one `setValue` at a time costs several times more. Entries
 * already in `entriesOf` order (as a map's own entries are) are taken in one pass; others are
 * sorted first.
 */
export const mapOf = <V>(entries: Iterable<Entry<V>>): PersistentMap<V> => {
  const given: Hashed<V> = { hashes: [], orders: [], entries: [] };
  for (const entry of entries) {
    const hash = hashOf(entry[0]);
    given.hashes.push(hash);
    given.orders.push(trieOrder(hash));
    given.entries.push(entry);
  }
  const items = inTrieOrder(given);
  return { size: items.entries.length, root: nodeOf(items, 0, items.entries.length, 0) };
};
