/**
 * The reporting projections (docs/architecture.md#projections: read models in SQLite, or in
 * PostgreSQL beside a PostgreSQL event store, always rebuildable from the events), whatever
 * database holds them. This class puts the pieces together:
 *
 *   ./event-source.ts            pages of events after a position, and the live subscription
 *   ./checkpointed-runner.ts     a batch of events and the checkpoints it moves: one transaction
 *   ./live-follower.ts           live batching, and going back after a rebuild
 *   ./rebuild.ts                 replay into fresh tables, swap them in
 *   ./verify.ts                  a live read model compared with a rebuild
 *   ./projection-store.ts        what a database implements: tables, checkpoints, transactions
 *   ./sqlite-projections.ts      on a SQLite file; ./postgres-projections.ts on PostgreSQL
 */
import { EventReader } from '../../application/events/event-reader.ts';
import type { EventDecoder } from '../../application/ports/event-decoder.ts';
import type { EventStore } from '../../application/ports/event-store.ts';
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
  StockVarianceQuery,
} from '../../application/projections/report-queries.ts';
import { type Checkpoint, formatCheckpoint, highestOf, lowestOf } from './checkpoint.ts';
import { CheckpointedRunner } from './checkpointed-runner.ts';
import { ZodEventDecoder } from '../event-codec/zod-event-decoder.ts';
import { type Behind, EventSource, type OnUndecodable } from './event-source.ts';
import { LiveFollower } from './live-follower.ts';
import { type RebuildResult, replayInto } from './rebuild.ts';
import type { ProjectionStore } from './projection-store.ts';

export type { RebuildResult } from './rebuild.ts';

/** The names `oms projections rebuild [name…]` accepts. */
export const projectionNames: readonly string[] = allProjections.map((projection) => projection.name);

export type ProjectionsOptions = Readonly<{
  /** the zone days are counted in (reports per day); default Asia/Shanghai */
  zone?: string;
  /** most events per live transaction (catch-up applies this many at a time); default 2,000 */
  batchSize?: number;
  /** events per transaction during a rebuild; default 25,000 */
  rebuildBatchSize?: number;
  /** what to run (default: every projection); for tests */
  projections?: readonly Projection[];
  /** a projection that has applied nothing yet is rebuilt by `start` before it follows (default true; false: the live path does it all) */
  rebuildFreshOnStart?: boolean;
  /** the live subscription stopped on an error (it is not restarted; `lag` shows it falling behind) */
  onError?: (error: unknown) => void;
  /** how stored events are read (default: the hub's own codecs) */
  decoder?: EventDecoder;
  /** an event that does not decode: left out of every projection, reported here (default: it stops the projections, as an error) */
  onUndecodable?: OnUndecodable;
}>;

/** What a database gives the projections: its store, the reports read from it, and how to let go of it. */
/** A projection's lag: its checkpoint ("commit/prepare", null before its first event), the events after it, since when the first waits. */
export type ProjectionLag = Behind & Readonly<{ position: string | null }>;

export type ReadModelDatabase = Readonly<{
  store: (zone: string, projections: readonly Projection[]) => ProjectionStore;
  reports: ReportQueries;
  close: () => Promise<void>;
}>;

export class Projections implements ReportQueries {
  readonly zone: string;
  private readonly context: ProjectionContext;
  private readonly projections: readonly Projection[];
  private readonly tables: ProjectionStore;
  private readonly runner: CheckpointedRunner;
  private readonly reports: ReportQueries;
  private follower: LiveFollower | undefined;
  private rebuilding = false;
  /** moved on by each stop: a start that sees it move stops too */
  private runs = 0;
  /** the count of `lags` under way, shared by whoever asks meanwhile */
  private lagUnderWay: Promise<Record<string, ProjectionLag>> | undefined;

  /** A projection whose version, tables or zone changed in the database starts again empty. */
  constructor(
    private readonly database: ReadModelDatabase,
    private readonly options: ProjectionsOptions,
  ) {
    this.zone = options.zone ?? defaultReportingZone;
    this.context = reportingCalendar(this.zone);
    this.projections = options.projections ?? allProjections;
    this.tables = database.store(this.zone, this.projections);
    this.runner = new CheckpointedRunner(this.tables, this.projections, this.context);
    this.reports = database.reports;
  }

  /** The events of this store, decoded, for the projections. */
  private sourceOf(store: EventStore): EventSource {
    const decoder = this.options.decoder ?? new ZodEventDecoder();
    const report =
      this.options.onUndecodable ??
      ((problem) => {
        throw problem;
      });
    return new EventSource(store, new EventReader(store, decoder), report);
  }

  // ------------------------------------------------------------------ live

  /** Follows the store from the stored checkpoints; resolves once caught up (the rows then reflect every stored event). */
  async start(store: EventStore): Promise<void> {
    if (this.follower?.following === true) throw new Error('the projections are running already');
    await this.stop();
    const run = this.runs;
    // a projection that has applied nothing yet (new, or its version changed) is built the fast way first
    const fresh = [...(await this.tables.checkpoints())].filter(([, checkpoint]) => checkpoint === null).map(([name]) => name);
    if (fresh.length > 0 && this.options.rebuildFreshOnStart !== false) await this.rebuild(store, fresh);
    // stopped meanwhile: nothing to follow
    if (run !== this.runs) return;
    this.follower = new LiveFollower(this.sourceOf(store), this.runner, () => this.tables.checkpoints(), {
      batchSize: this.options.batchSize ?? 2_000,
      onError: (error) => this.options.onError?.(error),
    });
    await this.follower.start();
  }

  /** Stops following; what was received is applied first. */
  async stop(): Promise<void> {
    this.runs += 1;
    await this.follower?.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.database.close();
  }

  /** Events behind the head, per projection (0: caught up). */
  async lag(store: EventStore): Promise<Record<string, number>> {
    return Object.fromEntries(Object.entries(await this.lags(store)).map(([name, { behind }]) => [name, behind]));
  }

  /**
   * Per projection: its checkpoint, the events behind it and since when the first of them waits.
   * Counting reads every event after the lowest checkpoint, so callers asking while a count is
   * under way (a load balancer asking /health faster than a long count ends) share it instead of
   * each starting another.
   */
  async lags(store: EventStore): Promise<Record<string, ProjectionLag>> {
    this.lagUnderWay ??= this.tables
      .checkpoints()
      .then(async (checkpoints) => {
        const behind = await this.sourceOf(store).behind(checkpoints);
        return Object.fromEntries(
          [...checkpoints].map(([name, checkpoint]) => [
            name,
            { position: formatCheckpoint(checkpoint), ...(behind[name] ?? { behind: 0, waitingSince: null }) },
          ]),
        );
      })
      .finally(() => {
        this.lagUnderWay = undefined;
      });
    return this.lagUnderWay;
  }

  /** The position every projection has reached (null: none has applied an event): the store's head once `start` has resolved. */
  async reached(): Promise<Checkpoint> {
    return lowestOf((await this.tables.checkpoints()).values()) ?? null;
  }

  /** The position the furthest projection has reached (null: none has applied an event): where the store's head stood when they last ran. */
  async furthest(): Promise<Checkpoint> {
    return highestOf((await this.tables.checkpoints()).values());
  }

  /** The checkpoint of each projection ("commit/prepare", null when nothing was applied). */
  async checkpoints(): Promise<Record<string, string | null>> {
    return Object.fromEntries([...(await this.tables.checkpoints())].map(([name, checkpoint]) => [name, formatCheckpoint(checkpoint)]));
  }

  // ------------------------------------------------------------------ rebuild

  /**
   * Replays every event into fresh tables for the named projections (all by default) and swaps
   * them in atomically. `onProgress` hears the number of events replayed so far. A rebuild that
   * ends behind what the live subscription already applied sends the subscription back.
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
    await this.runner.catchUpTo(this.sourceOf(store), until);
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
      const batchSize = this.options.rebuildBatchSize ?? 25_000;
      const { events, seconds, last } = await replayInto(this.tables, this.sourceOf(store), selected, this.context, {
        batchSize,
        until,
        onProgress,
      });
      this.follower?.rebuiltAt(last);
      return { events, seconds };
    } finally {
      this.rebuilding = false;
    }
  }

  private select(names: readonly string[] | undefined): readonly Projection[] {
    if (names === undefined || names.length === 0) return this.projections;
    const unknown = names.filter((name) => !this.projections.some((p) => p.name === name));
    if (unknown.length > 0)
      throw new RangeError(`no projection named ${unknown.join(', ')}; there are ${this.projections.map((p) => p.name).join(', ')}`);
    return this.projections.filter((p) => names.includes(p.name));
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
  stockVariances(query: StockVarianceQuery) {
    return this.reports.stockVariances(query);
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
}
