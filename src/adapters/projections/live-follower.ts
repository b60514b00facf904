/**
 * Following the store live: one catch-up subscription from the lowest checkpoint, its events
 * applied in batches (every event it hands over before the loop turns, at most `batchSize`), each
 * batch one transaction of the checkpointed runner, one after the other. A full batch holds the
 * subscription until it is applied.
 *
 * A session is one subscription. It ends stopped, failed, or behind: a rebuild (here, or in
 * another process) put a projection's checkpoint behind what the session applied. A session that
 * ends behind is replaced by one from the stored checkpoints, which goes back for the events the
 * rebuilt tables have not seen.
 */
import type { Position, Subscription } from '../../application/ports/event-store.ts';
import { type Checkpoint, compareCheckpoints, lowestOf } from './checkpoint.ts';
import type { BatchOutcome, CheckpointedRunner } from './checkpointed-runner.ts';
import type { EventSource, ProjectionEvent } from './event-source.ts';

type Ending = Readonly<{ kind: 'stopped' }> | Readonly<{ kind: 'behind' }> | Readonly<{ kind: 'failed'; error: unknown }>;

const STOPPED: Ending = { kind: 'stopped' };
const BEHIND: Ending = { kind: 'behind' };

export type LiveOptions = Readonly<{
  /** most events per transaction */
  batchSize: number;
  /** following stopped on an error after it had caught up */
  onError: (error: unknown) => void;
}>;

/** One subscription, and the batch it fills. */
class LiveSession {
  /** how the session ended; set once */
  private ending: Ending | undefined;
  /** the batch being filled: its events, and where it ends (undefined: nothing received) */
  private pending: ProjectionEvent[] = [];
  private pendingEnd: Position | undefined;
  private timer: NodeJS.Immediate | undefined;
  /** the batches applied so far, one after the other */
  private applying: Promise<void> = Promise.resolve();
  /** the last event applied (at first: where the subscription starts) */
  private seen: Checkpoint;
  private readonly subscription: Subscription;
  private settle: (ending: Ending) => void = () => undefined;
  /** how the session ended, once its subscription no longer runs */
  readonly ended: Promise<Ending>;
  /** undefined once every event stored when it started is applied; how it ended, if it ended before */
  readonly caughtUp: Promise<Ending | undefined>;

  constructor(
    source: EventSource,
    private readonly runner: CheckpointedRunner,
    from: Checkpoint,
    private readonly batchSize: number,
  ) {
    this.seen = from;
    this.ended = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.subscription = source.follow(from, (event, position) => this.receive(event, position));
    this.subscription.done.then(
      async () => {
        await this.flush();
        this.end(STOPPED);
      },
      (error: unknown) => this.end({ kind: 'failed', error }),
    );
    const caughtUp = this.subscription.caughtUp.then(
      async () => {
        await this.flush();
        return this.ending === undefined ? undefined : this.ended;
      },
      () => this.ended,
    );
    this.caughtUp = Promise.race([caughtUp, this.ended]);
  }

  get failed(): boolean {
    return this.ending?.kind === 'failed';
  }

  /** A rebuild swapped tables in at `checkpoint`: behind what this session applied, it ends. */
  rebuiltAt(checkpoint: Checkpoint): void {
    if (compareCheckpoints(checkpoint, this.seen) < 0) this.end(BEHIND);
  }

  /** Stops the subscription, then applies what it received; throws if that fails. */
  async stop(): Promise<void> {
    const before = this.ending;
    await this.subscription.stop();
    await this.flush();
    this.end(STOPPED);
    await this.ended;
    if (before === undefined && this.ending?.kind === 'failed') throw this.ending.error;
  }

  /** Takes an event in; a full batch is applied before the subscription hands over the next. */
  private receive(event: ProjectionEvent | undefined, position: Position): Promise<void> | undefined {
    if (this.ending !== undefined) return undefined;
    if (event !== undefined) this.pending.push(event);
    this.pendingEnd = position;
    if (this.pending.length >= this.batchSize) return this.flush();
    this.timer ??= setImmediate(() => {
      this.timer = undefined;
      void this.flush();
    });
    return undefined;
  }

  /** What was received by the time the batches before it are applied, as one batch (never rejects). */
  private flush(): Promise<void> {
    this.applying = this.applying.then(() => this.applyPending());
    return this.applying;
  }

  /** A batch that fails or finds the tables rebuilt ends the session. */
  private async applyPending(): Promise<void> {
    const end = this.pendingEnd;
    if (end === undefined || this.ending !== undefined) return;
    const events = this.pending;
    this.pending = [];
    this.pendingEnd = undefined;
    let outcome: BatchOutcome;
    try {
      outcome = await this.runner.applyBatch({ events, end }, { kind: 'live', seen: this.seen });
    } catch (error) {
      this.end({ kind: 'failed', error });
      return;
    }
    this.seen = end;
    if (outcome === 'behind') this.end(BEHIND);
  }

  private end(ending: Ending): void {
    if (this.ending !== undefined) return;
    this.ending = ending;
    if (this.timer !== undefined) clearImmediate(this.timer);
    this.timer = undefined;
    // Not awaited: this may run inside the subscription's own handler, which `stop` waits for.
    // Nor begun here: a store may hand over its first events synchronously, inside `source.follow`,
    // so a first batch that fills at once and fails ends the session before the constructor has
    // its subscription (the stop would throw, and `ended` never settle: `start` would hang). A
    // microtask later the constructor has returned. `ended` settles whatever the stop does.
    void Promise.resolve()
      .then(() => this.subscription.stop())
      .catch(() => undefined)
      .then(() => this.settle(ending));
  }
}

/** Follows the store from the stored checkpoints, session after session. */
export class LiveFollower {
  /** the session following the store; undefined once stopped */
  private session: LiveSession | undefined;
  /** set by `stop`: a session being opened meanwhile is not opened */
  private stopped = false;

  constructor(
    private readonly source: EventSource,
    private readonly runner: CheckpointedRunner,
    private readonly checkpoints: () => Promise<ReadonlyMap<string, Checkpoint>>,
    private readonly options: LiveOptions,
  ) {}

  /** Following (or about to go back after a rebuild): neither stopped nor failed. */
  get following(): boolean {
    return this.session !== undefined && !this.session.failed;
  }

  /** Resolves once caught up (the rows then reflect every stored event); rejects if following failed before. */
  async start(): Promise<void> {
    this.stopped = false;
    return this.follow();
  }

  private async follow(): Promise<void> {
    for (;;) {
      const session = await this.open();
      if (session === undefined) return;
      const ending = await session.caughtUp;
      if (ending?.kind === 'failed') throw ending.error;
      if (session !== this.session || ending?.kind === 'stopped') return;
      if (ending === undefined) return this.watch(session);
      // behind: a new session, from the rebuilt checkpoints
    }
  }

  /** Stops following; what was received is applied first. */
  async stop(): Promise<void> {
    this.stopped = true;
    const session = this.session;
    this.session = undefined;
    await session?.stop();
  }

  /** A rebuild swapped tables in at `checkpoint`. */
  rebuiltAt(checkpoint: Checkpoint): void {
    this.session?.rebuiltAt(checkpoint);
  }

  private async open(): Promise<LiveSession | undefined> {
    const from = lowestOf((await this.checkpoints()).values()) ?? null;
    if (this.stopped) return undefined;
    this.session = new LiveSession(this.source, this.runner, from, this.options.batchSize);
    return this.session;
  }

  /** After the catch-up: a session that ends behind is replaced; one that fails is reported, and not restarted. */
  private watch(session: LiveSession): void {
    void session.ended.then((ending) => {
      if (session !== this.session) return;
      if (ending.kind === 'behind') this.follow().catch(this.options.onError);
      else if (ending.kind === 'failed') this.options.onError(ending.error);
    });
  }
}
