/**
 * A persistent set of strings that a state can hold by the hundred thousand and a snapshot can
 * give back at once: the keys in one sorted text (a line per key), and the keys added since that
 * text was last written in a small persistent set beside it. When the small set reaches
 * `MERGE_AT` keys, they are merged into a new text (one pass, the old text shared by every state
 * evolved before). A lookup is a binary search of the text's lines (strings only of the lines it
 * compares), so reading 100,000 keys back from a snapshot is reading one string, checked in order.
 *
 * In the text a key's backslashes are doubled and its line breaks written `\n`, so that no key
 * spans two lines; the lines are sorted by UTF-16 code units of that written form, each ends
 * with a line break (the empty set is the empty text; the set of the empty key is one line
 * break). The same keys added in the same order give the same set, equal with a deep equality.
 */
import { type PersistentSet, addKey, emptyMap, entriesOf, hasKey, mapOf } from './persistent-map.ts';

export type KeySet = Readonly<{ sorted: string; recent: PersistentSet }>;

/** Keys gathered beside the text before they are merged into it. */
export const MERGE_AT = 1024;

export const emptyKeySet: KeySet = { sorted: '', recent: emptyMap };

/** A key as its line writes it. */
const written = (key: string): string =>
  key.includes('\\') || key.includes('\n') ? key.replaceAll('\\', '\\\\').replaceAll('\n', '\\n') : key;

/**
 * Where the line `line` is in `sorted`, searching from `from` (a line's start): `found`, or the
 * start of the first line after it, where it would go.
 */
const locate = (sorted: string, line: string, from: number): Readonly<{ found: boolean; at: number }> => {
  let lo = from;
  let hi = sorted.length;
  // lo and hi are always starts of lines (or the end): the line before each ends with a line break
  while (lo < hi) {
    const middle = (lo + hi) >>> 1;
    const start = sorted.lastIndexOf('\n', middle - 1) + 1;
    const end = sorted.indexOf('\n', middle);
    const found = sorted.slice(start, end);
    if (found === line) return { found: true, at: start };
    if (line < found) hi = start;
    else lo = end + 1;
  }
  return { found: false, at: lo };
};

export const hasKeyIn = (set: KeySet, key: string): boolean => hasKey(set.recent, key) || locate(set.sorted, written(key), 0).found;

/** `keys` (written, sorted, none of them in `sorted`) put in their places. */
const mergedInto = (sorted: string, keys: readonly string[]): string => {
  const pieces: string[] = [];
  let from = 0;
  for (const key of keys) {
    const { at } = locate(sorted, key, from);
    pieces.push(sorted.slice(from, at), key, '\n');
    from = at;
  }
  pieces.push(sorted.slice(from));
  return pieces.join('');
};

/** The set with `key` in it (the same set when it already was). */
export const withKey = (set: KeySet, key: string): KeySet => {
  if (hasKeyIn(set, key)) return set;
  const recent = addKey(set.recent, key);
  if (recent.size < MERGE_AT) return { sorted: set.sorted, recent };
  const keys = Array.from(entriesOf(recent), ([added]) => written(added)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { sorted: mergedInto(set.sorted, keys), recent: emptyMap };
};

/** The two parts of a set, as a snapshot keeps them: the text, and the recent keys (in no particular order). */
export const keySetParts = (set: KeySet): Readonly<{ sorted: string; recent: string[] }> => ({
  sorted: set.sorted,
  recent: Array.from(entriesOf(set.recent), ([key]) => key),
});

/** Whether every line of `sorted` ends with a line break and comes after the one before it. */
const wellSorted = (sorted: string): boolean => {
  if (sorted.length > 0 && !sorted.endsWith('\n')) return false;
  let previous: string | undefined;
  for (let start = 0; start < sorted.length;) {
    const end = sorted.indexOf('\n', start);
    const line = sorted.slice(start, end);
    if (previous !== undefined && !(previous < line)) return false;
    previous = line;
    start = end + 1;
  }
  return true;
};

/**
 * The set of these parts (as `keySetParts` gave them); undefined when they cannot be one: a text
 * not sorted line by line, recent keys repeated or already in the text, or as many as `MERGE_AT`.
 */
export const keySetOf = (sorted: string, recent: readonly string[]): KeySet | undefined => {
  if (!wellSorted(sorted) || recent.length >= MERGE_AT) return undefined;
  const set = mapOf(recent.map((key) => [key, true] as const));
  if (set.size !== recent.length || recent.some((key) => locate(sorted, written(key), 0).found)) return undefined;
  return { sorted, recent: set };
};
