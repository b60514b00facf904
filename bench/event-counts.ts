/**
 * The events a hub under benchmark has stored, counted per `category/type`, read from its SQLite
 * file by a connection of the benchmark's own (WAL: the hub's writers are not blocked). Each
 * `refresh` reads only what was stored since the last one.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';

export class EventCounts {
  protected readonly db: Database.Database;
  private after = 0;
  private readonly counts = new Map<string, number>();
  private readonly since;

  constructor(dataDir: string) {
    this.db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
    this.since = this.db.prepare<[number], { category: string; type: string; n: number; last: number }>(
      'SELECT category, type, COUNT(*) AS n, MAX(position) AS last FROM events WHERE position > ? GROUP BY category, type',
    );
  }

  /** Counts per `category/type`, brought up to date (each event is counted once). */
  refresh(): ReadonlyMap<string, number> {
    for (const row of this.since.all(this.after)) {
      const key = `${row.category}/${row.type}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + row.n);
      this.after = Math.max(this.after, row.last);
    }
    return this.counts;
  }

  count(key: string): number {
    return this.refresh().get(key) ?? 0;
  }

  total(): number {
    return [...this.refresh().values()].reduce((sum, n) => sum + n, 0);
  }

  close(): void {
    this.db.close();
  }
}
