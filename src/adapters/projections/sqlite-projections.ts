/**
 * The reporting projections on a SQLite file (DESIGN §5: read models live in SQLite whatever the
 * event store, and can always be rebuilt from the events).
 *
 * Live: one catch-up subscription over $all from the lowest checkpoint; events are applied in
 * batches (every event the subscription hands over before the loop turns, at most `batchSize`),
 * and each batch's rows and every projection's checkpoint are written in ONE transaction, so a
 * crash never applies an event twice nor skips one. Each projection keeps its own checkpoint: an
 * event at or before it is passed over (another process, or a rebuild, got there first).
 *
 * Rebuild: every event replayed into fresh tables (`<table>__rebuild`), in large transactions,
 * indexes built at the end, then swapped in with one transaction of renames; readers keep the old
 * tables until that commit. A rebuild that ends behind what the live subscription already applied
 * makes the subscription go back to the rebuilt checkpoint.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { allProjections } from '../../application/projections/all-projections.ts';
import { defaultReportingZone, reportingCalendar } from '../../application/projections/calendar.ts';
import type { Projection, ProjectionContext } from '../../application/projections/projection.ts';
import type {
  AnomaliesQuery,
  BackorderQuery,
  LeadTimesQuery,
  ManualQueueQuery,
  OrderListQuery,
  ReportQueries,
  ShippedPerDayQuery,
  StatusCountsQuery,
  StockQuery,
} from '../../application/projections/report-queries.ts';
import {
  type EventStore,
  type Position,
  type StoredEvent,
  type Subscription,
  categoryOf,
  comparePositions,
  positionFromString,
  positionToString,
} from '../../application/ports/event-store.ts';
import { RowBatch, TableWriter, type Writers, createIndexSql, createTableSql, quote, tablesFingerprint } from './projection-tables.ts';
import { SqliteReports } from './sqlite-reports.ts';

/** The names `oms projections rebuild [name…]` accepts. */
export const projectionNames: readonly string[] = allProjections.map((projection) => projection.name);

export type SqliteProjectionsOptions = Readonly<{
  /** the zone days are counted in (reports per day); default Asia/Shanghai */
  zone?: string;
  /** most events per live transaction (catch-up applies this many at a time); default 2,000 */
  batchSize?: number;
  /** events per transaction during a rebuild; default 25,000 */
  rebuildBatchSize?: number;
  /** 'NORMAL' (default) or 'FULL': a read model can be rebuilt, and WAL + NORMAL never tears a transaction */
  synchronous?: 'NORMAL' | 'FULL';
  /** what to run (default: every projection); for tests */
  projections?: readonly Projection[];
  /** a projection that has applied nothing yet is rebuilt by `start` before it follows (default true; false: the live path does it all) */
  rebuildFreshOnStart?: boolean;
  /** the live subscription stopped on an error (it is not restarted; `lag` shows it falling behind) */
  onError?: (error: unknown) => void;
}>;

export type RebuildResult = Readonly<{ events: number; seconds: number }>;

type Checkpoint = Position | null;

type StateRow = Readonly<{
  name: string;
  version: number;
  zone: string;
  fingerprint: string;
  position: string | null;
  generation: number;
  tables: string;
}>;

const META = `
  CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name        TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    zone        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    position    TEXT,
    generation  INTEGER NOT NULL,
    tables      TEXT NOT NULL
  )
`;

const REBUILD_SUFFIX = '__rebuild';
const READ_PAGE = 4_096;
const LAG_PAGE = 10_000;

const parseCheckpoint = (text: string | null): Checkpoint => (text === null ? null : positionFromString(text));
/** null (nothing applied) comes before every position */
const compareCheckpoints = (a: Checkpoint, b: Checkpoint): number =>
  a === null ? (b === null ? 0 : -1) : b === null ? 1 : comparePositions(a, b);

/** The subscription must start again from the checkpoints (a rebuild moved one behind it). */
class ResyncNeeded extends Error {
  override readonly name = 'ResyncNeeded';
}

type Target = Readonly<{ projection: Projection; skipUntil: Checkpoint; until: Checkpoint | undefined }>;

export class SqliteProjections implements ReportQueries {
  readonly zone: string;
  private readonly context: ProjectionContext;
  private readonly projections: readonly Projection[];
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly reports: SqliteReports;
  private readonly statements;
  private liveWriters: Writers;

  private store: EventStore | undefined;
  private subscription: Subscription | undefined;
  private following: Promise<void> | undefined;
  private pending: StoredEvent[] = [];
  private flushTimer: NodeJS.Immediate | undefined;
  /** the last event the live runner handed to a batch (null: none yet) */
  private lastSeen: Checkpoint = null;
  private resync = false;
  private rebuilding = false;
  private stopped = true;
  private failure: unknown = undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly options: SqliteProjectionsOptions,
  ) {
    this.zone = options.zone ?? defaultReportingZone;
    this.context = reportingCalendar(this.zone);
    this.projections = options.projections ?? allProjections;
    this.batchSize = options.batchSize ?? 2_000;
    this.rebuildBatchSize = options.rebuildBatchSize ?? 25_000;
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    db.pragma('busy_timeout = 10000');
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    db.exec(META);
    this.statements = {
      states: db.prepare<[], StateRow>('SELECT * FROM projection_checkpoints'),
      state: db.prepare<[string], StateRow>('SELECT * FROM projection_checkpoints WHERE name = ?'),
      saveState: db.prepare<[string, number, string, string, string | null, number, string]>(
        `INSERT INTO projection_checkpoints (name, version, zone, fingerprint, position, generation, tables) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, zone = excluded.zone, fingerprint = excluded.fingerprint,
           position = excluded.position, generation = excluded.generation, tables = excluded.tables`,
      ),
      savePosition: db.prepare<[string, string]>('UPDATE projection_checkpoints SET position = ? WHERE name = ?'),
    };
    for (const projection of this.projections) this.prepareProjection(projection);
    this.liveWriters = this.writersFor(this.projections, '');
    this.reports = new SqliteReports(db);
  }

  /** Opens (creating if need be) the projections' file; a projection whose version, tables or zone changed starts again empty. */
  static open(path: string, options: SqliteProjectionsOptions = {}): SqliteProjections {
    return new SqliteProjections(new Database(path), options);
  }

  // ------------------------------------------------------------------ live

  /** Follows the store from the stored checkpoints; resolves once caught up (the rows then reflect every stored event). */
  async start(store: EventStore): Promise<void> {
    if (!this.stopped) {
      if (this.failure === undefined) throw new Error('the projections are running already');
      await this.stop();
    }
    this.store = store;
    this.stopped = false;
    this.failure = undefined;
    this.lastSeen = null;
    try {
      // a projection that has applied nothing yet (new, or its version changed) is built the fast way first
      const fresh = [...this.storedCheckpoints()].filter(([, checkpoint]) => checkpoint === null).map(([name]) => name);
      if (fresh.length > 0 && this.options.rebuildFreshOnStart !== false) await this.rebuild(store, fresh);
      await this.follow();
    } catch (error) {
      this.stopped = true;
      throw error;
    }
  }

  /** Stops following; what was received is applied first. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer !== undefined) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
    await this.following?.catch(() => undefined);
    if (this.failure === undefined && this.db.open) this.flushPending();
    this.pending = [];
  }

  async close(): Promise<void> {
    await this.stop();
    this.db.close();
  }

  /** Events behind the head, per projection (0: caught up). */
  async lag(store: EventStore): Promise<Record<string, number>> {
    const checkpoints = this.storedCheckpoints();
    const lag: Record<string, number> = {};
    for (const projection of this.projections) lag[projection.name] = 0;
    const lowest = [...checkpoints.values()].reduce<Checkpoint | undefined>(
      (low, checkpoint) => (low === undefined || compareCheckpoints(checkpoint, low) < 0 ? checkpoint : low),
      undefined,
    );
    if (lowest === undefined) return lag;
    let after = lowest ?? undefined;
    for (;;) {
      const page = await store.readAll(after === undefined ? { maxCount: LAG_PAGE } : { after, maxCount: LAG_PAGE });
      for (const event of page) {
        for (const projection of this.projections) {
          const checkpoint = checkpoints.get(projection.name) ?? null;
          if (checkpoint === null || comparePositions(event.position, checkpoint) > 0)
            lag[projection.name] = (lag[projection.name] ?? 0) + 1;
        }
      }
      const last = page.at(-1);
      if (last === undefined || page.length < LAG_PAGE) return lag;
      after = last.position;
    }
  }

  /** The checkpoint of each projection ("commit/prepare", null when nothing was applied). */
  checkpoints(): Record<string, string | null> {
    return Object.fromEntries(
      [...this.storedCheckpoints()].map(([name, checkpoint]) => [name, checkpoint === null ? null : positionToString(checkpoint)]),
    );
  }

  private async follow(): Promise<void> {
    const run = async (): Promise<void> => {
      for (;;) {
        if (this.stopped) return;
        const store = this.store as EventStore;
        const checkpoints = this.storedCheckpoints();
        const lowest = [...checkpoints.values()].reduce<Checkpoint>(
          (low, checkpoint, i) => (i === 0 || compareCheckpoints(checkpoint, low) < 0 ? checkpoint : low),
          null,
        );
        this.lastSeen = lowest;
        this.resync = false;
        this.pending = [];
        const subscription = store.subscribe({ ...(lowest === null ? {} : { after: lowest }), onEvent: (event) => this.onEvent(event) });
        this.subscription = subscription;
        try {
          // a subscription stopped before it caught up never catches up: its end is as good
          await Promise.race([subscription.caughtUp, subscription.done]);
        } catch (error) {
          if (error instanceof ResyncNeeded && !this.stopped) continue;
          throw error;
        }
        this.flushPending();
        void subscription.done.then(
          () => undefined,
          (error: unknown) => {
            if (this.subscription !== subscription || this.stopped) return;
            if (error instanceof ResyncNeeded) this.restart();
            else this.fail(error);
          },
        );
        return;
      }
    };
    this.following = run();
    await this.following;
  }

  /** Go back to the stored checkpoints: called when the live subscription is ahead of a rebuilt projection. */
  private restart(): void {
    const subscription = this.subscription;
    this.subscription = undefined;
    this.following = (async () => {
      await subscription?.stop();
      if (this.flushTimer !== undefined) clearImmediate(this.flushTimer);
      this.flushTimer = undefined;
      await this.follow();
    })().catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    this.failure = error;
    this.options.onError?.(error);
  }

  private onEvent(event: StoredEvent): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.resync) throw new ResyncNeeded();
    this.pending.push(event);
    if (this.pending.length >= this.batchSize) {
      this.flushPending();
      if (this.resync) throw new ResyncNeeded();
    } else if (this.flushTimer === undefined) {
      this.flushTimer = setImmediate(() => {
        this.flushTimer = undefined;
        try {
          this.flushPending();
        } catch (error) {
          this.fail(error);
          void this.subscription?.stop();
          return;
        }
        if (this.resync && !this.stopped) this.restart();
      });
    }
  }

  private flushPending(): void {
    if (this.pending.length === 0 || !this.db.open) return;
    const events = this.pending;
    this.pending = [];
    this.applyLive(events, undefined);
    this.lastSeen = (events[events.length - 1] as StoredEvent).position;
  }

  /**
   * One transaction: the rows of every projection in step with the runner, and their checkpoints.
   * A projection whose stored checkpoint is behind what this runner already applied (a rebuild
   * swapped in meanwhile) is left out and the subscription is told to go back.
   * `until` (compare): no projection goes past its own limit.
   */
  private applyLive(events: readonly StoredEvent[], until: ReadonlyMap<string, Checkpoint> | undefined): void {
    this.db
      .transaction(() => {
        const stored = this.storedCheckpoints();
        const targets: Target[] = [];
        for (const projection of this.projections) {
          const checkpoint = stored.get(projection.name) ?? null;
          if (until === undefined && compareCheckpoints(checkpoint, this.lastSeen) < 0) {
            this.resync = true;
            continue;
          }
          targets.push({ projection, skipUntil: checkpoint, until: until?.get(projection.name) });
        }
        const batch = new RowBatch(this.liveWriters);
        this.applyEvents(batch, events, targets);
        batch.flush();
        const last = (events[events.length - 1] as StoredEvent).position;
        for (const { projection, skipUntil, until: limit } of targets) {
          const reached = limit === undefined || compareCheckpoints(last, limit) <= 0 ? last : limit;
          if (compareCheckpoints(reached, skipUntil) > 0 && reached !== null)
            this.statements.savePosition.run(positionToString(reached), projection.name);
        }
      })
      .immediate();
  }

  private applyEvents(batch: RowBatch, events: readonly StoredEvent[], targets: readonly Target[]): void {
    const byCategory = new Map<string, Target[]>();
    for (const target of targets) {
      for (const category of target.projection.categories) {
        const list = byCategory.get(category) ?? [];
        list.push(target);
        byCategory.set(category, list);
      }
    }
    const { context } = this;
    for (const event of events) {
      const interested = byCategory.get(categoryOf(event.stream));
      if (interested === undefined) continue;
      for (const target of interested) {
        if (target.skipUntil !== null && comparePositions(event.position, target.skipUntil) <= 0) continue;
        if (target.until !== undefined && (target.until === null || comparePositions(event.position, target.until) > 0)) continue;
        const operations = target.projection.evolve(event, batch.read, context);
        if (operations.length > 0) batch.apply(operations);
      }
    }
  }

  // ------------------------------------------------------------------ rebuild

  /**
   * Replays every event into fresh tables for the named projections (all by default) and swaps
   * them in atomically. `onProgress` hears the number of events replayed so far.
   */
  async rebuild(store: EventStore, names?: readonly string[], onProgress?: (events: number) => void): Promise<RebuildResult> {
    return this.replay(store, this.select(names), onProgress, undefined);
  }

  /** A rebuild in which each projection stops at its own position (for comparing with a live file). */
  async rebuildUpTo(
    store: EventStore,
    until: ReadonlyMap<string, Checkpoint>,
    onProgress?: (events: number) => void,
  ): Promise<RebuildResult> {
    return this.replay(
      store,
      this.projections.filter((p) => until.has(p.name)),
      onProgress,
      until,
    );
  }

  /** Moves every projection forward to its position in `until` (never back), in live batches. */
  async catchUpTo(store: EventStore, until: ReadonlyMap<string, Checkpoint>): Promise<void> {
    const stored = this.storedCheckpoints();
    const lowest = [...stored.values()].reduce<Checkpoint>((low, c, i) => (i === 0 || compareCheckpoints(c, low) < 0 ? c : low), null);
    const highest = [...until.values()].reduce<Checkpoint>((high, c) => (compareCheckpoints(c, high) > 0 ? c : high), null);
    let after = lowest ?? undefined;
    while (compareCheckpoints(after ?? null, highest) < 0) {
      const page = await store.readAll(after === undefined ? { maxCount: READ_PAGE } : { after, maxCount: READ_PAGE });
      const events = page.filter((event) => compareCheckpoints(event.position, highest) <= 0);
      if (events.length > 0) this.applyLive(events, until);
      const last = page.at(-1);
      if (last === undefined || events.length < page.length) return;
      after = last.position;
    }
  }

  private async replay(
    store: EventStore,
    selected: readonly Projection[],
    onProgress: ((events: number) => void) | undefined,
    until: ReadonlyMap<string, Checkpoint> | undefined,
  ): Promise<RebuildResult> {
    if (this.rebuilding) throw new Error('a rebuild is running already');
    this.rebuilding = true;
    try {
      return await this.replaySelected(store, selected, onProgress, until);
    } finally {
      this.rebuilding = false;
    }
  }

  private async replaySelected(
    store: EventStore,
    selected: readonly Projection[],
    onProgress: ((events: number) => void) | undefined,
    until: ReadonlyMap<string, Checkpoint> | undefined,
  ): Promise<RebuildResult> {
    const started = process.hrtime.bigint();
    const generations = new Map(selected.map((p) => [p.name, (this.statements.state.get(p.name)?.generation ?? 0) + 1]));
    this.db
      .transaction(() => {
        for (const projection of selected) {
          for (const t of projection.tables) {
            this.db.exec(`DROP TABLE IF EXISTS ${quote(t.name + REBUILD_SUFFIX)}`);
            this.db.exec(createTableSql(t, t.name + REBUILD_SUFFIX));
          }
        }
      })
      .immediate();
    const writers = this.writersFor(selected, REBUILD_SUFFIX);
    const targets: Target[] = selected.map((projection) => ({ projection, skipUntil: null, until: until?.get(projection.name) }));
    const stopAt =
      until === undefined
        ? undefined
        : [...until.values()].reduce<Checkpoint>((high, c) => (compareCheckpoints(c, high) > 0 ? c : high), null);
    const batch = new RowBatch(writers, true);
    let inBatch = 0;
    let events = 0;
    let last: Checkpoint = null;
    let after: Position | undefined;
    const write = () => {
      this.db.transaction(() => batch.flush()).immediate();
      inBatch = 0;
    };
    for (;;) {
      if (stopAt === null) break;
      const page = await store.readAll(after === undefined ? { maxCount: READ_PAGE } : { after, maxCount: READ_PAGE });
      const upTo = stopAt === undefined ? page : page.filter((event) => comparePositions(event.position, stopAt) <= 0);
      for (let from = 0; from < upTo.length;) {
        const slice = upTo.slice(from, from + this.rebuildBatchSize - inBatch);
        this.applyEvents(batch, slice, targets);
        from += slice.length;
        events += slice.length;
        inBatch += slice.length;
        last = (slice[slice.length - 1] as StoredEvent).position;
        if (inBatch >= this.rebuildBatchSize) {
          write();
          onProgress?.(events);
        }
      }
      if (upTo.length > 0 && inBatch > 0) onProgress?.(events);
      const end = page.at(-1);
      if (end === undefined || upTo.length < page.length) break;
      after = end.position;
    }
    write();
    for (const projection of selected) {
      const generation = generations.get(projection.name) as number;
      for (const t of projection.tables) for (const sql of createIndexSql(t, t.name + REBUILD_SUFFIX, generation)) this.db.exec(sql);
    }
    this.db
      .transaction(() => {
        for (const projection of selected) {
          const previous = this.statements.state.get(projection.name);
          const names = new Set(projection.tables.map((t) => t.name));
          const obsolete = previous === undefined ? [] : (JSON.parse(previous.tables) as string[]).filter((name) => !names.has(name));
          for (const name of obsolete) this.db.exec(`DROP TABLE IF EXISTS ${quote(name)}`);
          for (const t of projection.tables) {
            this.db.exec(`DROP TABLE IF EXISTS ${quote(t.name)}`);
            this.db.exec(`ALTER TABLE ${quote(t.name + REBUILD_SUFFIX)} RENAME TO ${quote(t.name)}`);
          }
          const limit = until?.get(projection.name);
          const position = limit === undefined || compareCheckpoints(last, limit) <= 0 ? last : limit;
          this.saveState(projection, position, generations.get(projection.name) as number);
        }
      })
      .immediate();
    this.liveWriters = this.writersFor(this.projections, '');
    if (!this.stopped && this.subscription !== undefined && compareCheckpoints(last, this.lastSeen) < 0) {
      // the live subscription applied events the rebuilt tables have not seen: it goes back for them
      this.resync = true;
      if (this.pending.length === 0) this.restart();
    }
    return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }

  // ------------------------------------------------------------------ reports

  orders(query: OrderListQuery) {
    return this.reports.orders(query);
  }
  statusCounts(query: StatusCountsQuery) {
    return this.reports.statusCounts(query);
  }
  backorders(query: BackorderQuery) {
    return this.reports.backorders(query);
  }
  manualInterventions(query: ManualQueueQuery) {
    return this.reports.manualInterventions(query);
  }
  stock(query: StockQuery) {
    return this.reports.stock(query);
  }
  leadTimes(query: LeadTimesQuery) {
    return this.reports.leadTimes(query);
  }
  shippedPerDay(query: ShippedPerDayQuery) {
    return this.reports.shippedPerDay(query);
  }
  anomalies(query: AnomaliesQuery) {
    return this.reports.anomalies(query);
  }

  // ------------------------------------------------------------------ tables and checkpoints

  private select(names: readonly string[] | undefined): readonly Projection[] {
    if (names === undefined || names.length === 0) return this.projections;
    const unknown = names.filter((name) => !this.projections.some((p) => p.name === name));
    if (unknown.length > 0)
      throw new RangeError(`no projection named ${unknown.join(', ')}; there are ${this.projections.map((p) => p.name).join(', ')}`);
    return this.projections.filter((p) => names.includes(p.name));
  }

  /** Makes sure the projection's tables exist as this code defines them; a new version, shape or zone starts it again. */
  private prepareProjection(projection: Projection): void {
    const fingerprint = tablesFingerprint(projection.tables);
    this.db
      .transaction(() => {
        const state = this.statements.state.get(projection.name);
        const current =
          state !== undefined && state.version === projection.version && state.fingerprint === fingerprint && state.zone === this.zone;
        const generation = current ? state.generation : (state?.generation ?? 0) + 1;
        if (!current) {
          const previous = state === undefined ? [] : (JSON.parse(state.tables) as string[]);
          for (const name of new Set([...previous, ...projection.tables.map((t) => t.name)]))
            this.db.exec(`DROP TABLE IF EXISTS ${quote(name)}`);
          this.saveState(projection, null, generation);
        }
        for (const t of projection.tables) {
          this.db.exec(createTableSql(t, t.name));
          for (const sql of createIndexSql(t, t.name, generation)) this.db.exec(sql);
        }
      })
      .immediate();
  }

  private saveState(projection: Projection, position: Checkpoint, generation: number): void {
    this.statements.saveState.run(
      projection.name,
      projection.version,
      this.zone,
      tablesFingerprint(projection.tables),
      position === null ? null : positionToString(position),
      generation,
      JSON.stringify(projection.tables.map((t) => t.name)),
    );
  }

  private storedCheckpoints(): Map<string, Checkpoint> {
    const rows = new Map(this.statements.states.all().map((row) => [row.name, row]));
    return new Map(this.projections.map((p) => [p.name, parseCheckpoint(rows.get(p.name)?.position ?? null)]));
  }

  private writersFor(projections: readonly Projection[], suffix: string): Writers {
    const writers = new Map<string, TableWriter>();
    for (const projection of projections)
      for (const t of projection.tables) writers.set(t.name, new TableWriter(this.db, t, t.name + suffix));
    return writers;
  }
}

// ------------------------------------------------------------------ verify

const describeKey = (row: Record<string, unknown>, key: readonly string[]): string =>
  `{${key.map((k) => `${k}: ${JSON.stringify(row[k])}`).join(', ')}}`;

const MAX_ROWS_LISTED = 50;

/**
 * Rebuilds every projection into a scratch file, each up to the position the live file has
 * reached, and compares the two row by row. Returns the differences in words (empty: equal).
 * The live file is only read. If the live projections move on while this runs, the scratch
 * catches up with them before the comparison (a few times at most).
 */
export const compareProjections = async (
  store: EventStore,
  livePath: string,
  scratchPath: string,
  onProgress?: (events: number) => void,
): Promise<readonly string[]> => {
  if (resolve(livePath) === resolve(scratchPath)) throw new RangeError('the scratch file must not be the live one');
  if (!existsSync(livePath)) return [`no projections file at ${livePath}`];
  const live = new Database(livePath, { readonly: true, fileMustExist: true });
  const differences: string[] = [];
  try {
    const hasMeta =
      live.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'").get() !== undefined;
    const liveStates = (): Map<string, StateRow> =>
      new Map(
        hasMeta
          ? live
              .prepare<[], StateRow>('SELECT * FROM projection_checkpoints')
              .all()
              .map((row) => [row.name, row])
          : [],
      );
    const states = liveStates();
    const zone = [...states.values()][0]?.zone ?? defaultReportingZone;
    const comparable = allProjections.filter((projection) => {
      const state = states.get(projection.name);
      if (state === undefined) differences.push(`${projection.name}: not in the live file (the projections never ran there)`);
      else if (state.version !== projection.version)
        differences.push(
          `${projection.name}: the live file holds version ${state.version}, this code builds version ${projection.version}`,
        );
      else if (state.fingerprint !== tablesFingerprint(projection.tables))
        differences.push(`${projection.name}: the live file's tables are not the ones this code defines`);
      else if (state.zone !== zone) differences.push(`${projection.name}: the live file counts days in ${state.zone}, not ${zone}`);
      else return true;
      return false;
    });
    const positions = (from: Map<string, StateRow>) =>
      new Map(comparable.map((p) => [p.name, parseCheckpoint(from.get(p.name)?.position ?? null)]));
    const scratch = SqliteProjections.open(scratchPath, { zone, projections: comparable });
    try {
      let wanted = positions(states);
      await scratch.rebuildUpTo(store, wanted, onProgress);
      const compare = new Database(scratchPath, { readonly: true });
      try {
        compare.prepare('ATTACH DATABASE ? AS live').run(livePath);
        for (let round = 0; ; round += 1) {
          compare.exec('BEGIN');
          const seen = new Map(
            hasMeta
              ? compare
                  .prepare<[], StateRow>('SELECT * FROM live.projection_checkpoints')
                  .all()
                  .map((row) => [row.name, row])
              : [],
          );
          const now = positions(seen);
          const moved = comparable.filter((p) => compareCheckpoints(now.get(p.name) ?? null, wanted.get(p.name) ?? null) !== 0);
          if (moved.length === 0 || round >= 3) {
            if (moved.length > 0)
              differences.push(
                `the live projections kept moving while they were compared (${moved.map((p) => p.name).join(', ')}): run again when the hub is quieter`,
              );
            for (const projection of comparable)
              for (const t of projection.tables) differences.push(...compareTable(compare, projection.name, t.name, t.key));
            compare.exec('COMMIT');
            break;
          }
          compare.exec('COMMIT');
          wanted = now;
          await scratch.catchUpTo(store, wanted);
        }
      } finally {
        compare.close();
      }
    } finally {
      await scratch.close();
    }
  } finally {
    live.close();
  }
  return differences;
};

const compareTable = (db: Database.Database, projection: string, table: string, key: readonly string[]): string[] => {
  const t = quote(table);
  const onlyLive = db.prepare(`SELECT * FROM live.${t} EXCEPT SELECT * FROM main.${t} LIMIT ${MAX_ROWS_LISTED * 4}`).all() as Record<
    string,
    unknown
  >[];
  const onlyRebuilt = db.prepare(`SELECT * FROM main.${t} EXCEPT SELECT * FROM live.${t} LIMIT ${MAX_ROWS_LISTED * 4}`).all() as Record<
    string,
    unknown
  >[];
  if (onlyLive.length === 0 && onlyRebuilt.length === 0) return [];
  const keyOf = (row: Record<string, unknown>) => JSON.stringify(key.map((k) => row[k]));
  const rebuilt = new Map(onlyRebuilt.map((row) => [keyOf(row), row]));
  const lines: string[] = [];
  for (const row of onlyLive) {
    const other = rebuilt.get(keyOf(row));
    const where = `${projection}: ${table} ${describeKey(row, key)}`;
    if (other === undefined) {
      lines.push(`${where}: in the live file, not when rebuilt`);
      continue;
    }
    rebuilt.delete(keyOf(row));
    const changed = Object.keys(row)
      .filter((column) => row[column] !== other[column])
      .map((column) => `${column} is ${JSON.stringify(row[column])} live, ${JSON.stringify(other[column])} rebuilt`);
    lines.push(`${where}: ${changed.join('; ')}`);
  }
  for (const row of rebuilt.values()) lines.push(`${projection}: ${table} ${describeKey(row, key)}: missing from the live file`);
  const total = lines.length;
  return total > MAX_ROWS_LISTED
    ? [...lines.slice(0, MAX_ROWS_LISTED), `${projection}: ${table}: … and ${total - MAX_ROWS_LISTED} more differences`]
    : lines;
};
