import type { Position } from '../ports/event-store.ts';
import type { KeptReadModel } from '../ports/kept-read-model.ts';

/** no row changed: what most of the events a model looks at come to */
const NO_CHANGE: ReadonlyMap<string, never> = new Map<string, never>();

/**
 * A read model's rows in memory, each change handed to the model's store as it is made, with the
 * position the rows then reflect (../ports/kept-read-model.ts). Without a store (tests of the
 * application alone) the rows live in memory only, and `load` starts them from the first event.
 */
export class KeptRows<Row> {
  private readonly rows = new Map<string, Row>();
  private after: Position | undefined;

  constructor(private readonly kept: KeptReadModel<Row> | undefined) {}

  /** The rows as last saved; answers the position to follow the store after (undefined: from its first event). */
  async load(): Promise<Position | undefined> {
    this.rows.clear();
    this.after = undefined;
    if (this.kept === undefined) return undefined;
    const { rows, after } = await this.kept.load();
    for (const [key, row] of rows) this.rows.set(key, row);
    this.after = after;
    return after;
  }

  get(key: string): Row | undefined {
    return this.rows.get(key);
  }

  values(): IterableIterator<Row> {
    return this.rows.values();
  }

  entries(): IterableIterator<[string, Row]> {
    return this.rows.entries();
  }

  set(key: string, row: Row): void {
    this.rows.set(key, row);
    this.kept?.save(new Map([[key, row]]), this.after);
  }

  delete(key: string): void {
    if (this.rows.delete(key)) this.kept?.save(new Map([[key, undefined]]), this.after);
  }

  /** The rows now reflect every event up to `position`. */
  reached(position: Position): void {
    this.after = position;
    this.kept?.save(NO_CHANGE, position);
  }

  /** Writes what was saved so far. */
  async flush(): Promise<void> {
    await this.kept?.flush();
  }
}
