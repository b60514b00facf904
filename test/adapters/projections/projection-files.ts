/** Reading and comparing what the projections wrote in their SQLite files, and a projection that dies on cue, for the tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { allProjections } from '../../../src/application/projections/all-projections.ts';
import type { Projection, Row } from '../../../src/application/projections/projection.ts';
import type { StoredEvent } from '../../../src/application/ports/event-store.ts';
import { project } from '../../application/projections/projection-harness.ts';

export type Dump = Record<string, Row[]>;

/** Rows in the order of their key. */
export const byKey = (key: readonly string[]) => (a: Row, b: Row) => {
  const ka = JSON.stringify(key.map((k) => a[k]));
  const kb = JSON.stringify(key.map((k) => b[k]));
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** Every table of the projections in a file, rows in key order, JSON columns parsed. */
export const dumpFile = (path: string, projections: readonly Projection[] = allProjections): Dump => {
  const db = new Database(path, { readonly: true });
  try {
    const dump: Dump = {};
    for (const projection of projections) {
      for (const t of projection.tables) {
        const rows = db.prepare(`SELECT * FROM "${t.name}"`).all() as Record<string, unknown>[];
        for (const row of rows)
          for (const [column, type] of Object.entries(t.columns))
            if (type === 'json' && typeof row[column] === 'string') row[column] = JSON.parse(row[column] as string);
        dump[t.name] = rows.sort(byKey(t.key));
      }
    }
    return dump;
  } finally {
    db.close();
  }
};

/** What the projections hold after these events, by the in-memory reading of their operations. */
export const dumpModel = (
  events: readonly StoredEvent[],
  projections: readonly Projection[] = allProjections,
  zone = 'Asia/Shanghai',
): Dump => {
  const dump: Dump = {};
  for (const projection of projections) {
    const tables = project(projection, events, zone);
    for (const t of projection.tables) dump[t.name] = [...(tables.get(t.name)?.values() ?? [])].sort(byKey(t.key));
  }
  return dump;
};

let files = 0;
const directory = mkdtempSync(join(tmpdir(), 'hub-projections-'));
/** A fresh file name in a temporary directory. */
export const freshFile = (name = 'projections'): string => join(directory, `${name}-${(files += 1)}.sqlite`);

/** Lets the loop turn until a condition holds: bounded by turns, never by wall time. */
export const settle = async (condition: () => boolean | Promise<boolean>, turns = 10_000): Promise<void> => {
  for (let turn = 0; turn < turns; turn += 1) {
    if (await condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
};

/** The projections, failing at their n-th evolve between them, as a process would die in the middle of a batch. */
export const failingAt = (n: number): Projection[] => {
  let seen = 0;
  return allProjections.map((projection) => ({
    ...projection,
    evolve: (event, read, context) => {
      seen += 1;
      if (seen === n) throw new Error('the process died here');
      return projection.evolve(event, read, context);
    },
  }));
};
