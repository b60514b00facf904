/**
 * The event store, in the hub's own words. Adapters: SQLite (default, embedded), EventStoreDB
 * (production), PostgreSQL (hubs sharing a database), memory (unit tests). One contract suite
 * (test/contracts) holds them all to the rules written here.
 *
 * Numbers: stream revisions and positions are `bigint`, everywhere, never `number`: EventStoreDB
 * counts in unsigned 64-bit integers and a single representation keeps `===` honest.
 */
/** The revision of an event inside its stream: 0n for the first event, then 1n, 2n, … with no gaps. */
export type Revision = bigint;

/**
 * What the writer believes about the stream before appending:
 *   'no_stream'     the stream has no events yet;
 *   'stream_exists' the stream has at least one event;
 *   'any'           no check;
 *   a bigint        the revision of the stream's last event (exact).
 * A belief that does not hold makes `append` throw `StreamConflict` (./stream-conflict.ts).
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | Revision;

/** The revision a stream actually had when a conflict was found: 'no_stream' when it has no events. */
export type ActualRevision = 'no_stream' | Revision;

/**
 * A place in the store-wide order of events ("$all"). EventStoreDB gives a commit/prepare pair
 * (offsets in its log); SQLite gives one global sequence, carried as commit = prepare = sequence;
 * PostgreSQL gives the appending transaction's id as commit and the row's identity as prepare.
 * Compare with {@link comparePositions}; persist with {@link positionToString} / {@link positionFromString}.
 */
export type Position = Readonly<{ commit: bigint; prepare: bigint }>;

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Metadata stored with every event. The application fills it: `correlationId` (the request or
 * flow it belongs to), `causationId` (the message that caused it), `recordedAt` (ISO-8601 instant
 * from the Clock port). Any other key is kept as it is.
 */
export type EventMetadata = Readonly<{ correlationId: string; causationId: string; recordedAt: string }> &
  Readonly<Record<string, JsonValue>>;

/** A domain message as the deciders produce it: a type tag and a JSON-serialisable object. */
export type DomainMessage = Readonly<{ type: string; data: object }>;

/** An event to append: the domain's message plus its id (a uuid chosen by the writer) and metadata. */
export type EventToAppend<E extends DomainMessage = DomainMessage> = E & Readonly<{ id: string; metadata: EventMetadata }>;

/** An event as stored: what was appended plus where it landed. */
export type StoredEvent = EventToAppend & Readonly<{ stream: string; revision: Revision; position: Position }>;

/** The outcome of an append: the revision of the last event written (the next expected revision) and its position. */
export type AppendResult = Readonly<{ nextExpectedRevision: Revision; position: Position }>;

export type ReadStreamOptions = Readonly<{
  /** 'forwards' (default) reads up from `fromRevision` (default 0n); 'backwards' reads down from it (default: the last event). Inclusive. */
  direction?: 'forwards' | 'backwards';
  fromRevision?: Revision;
  maxCount?: number;
}>;

export type ReadAllOptions = Readonly<{
  /** Exclusive: the events after this position. Absent: from the first event. */
  after?: Position;
  /** Only streams of this category (the part of the stream name before the first '-'). */
  category?: string;
  maxCount?: number;
}>;

export type SubscribeOptions = Readonly<{
  /** Exclusive, as EventStoreDB does: a checkpoint saved after handling an event resumes with the next one. */
  after?: Position;
  category?: string;
  /** Called once per event, in position order, one at a time (the next waits for the returned promise). */
  onEvent: (event: StoredEvent) => void | Promise<void>;
}>;

/**
 * A running catch-up subscription. Events stored before the subscription started are delivered
 * first; `caughtUp` resolves once the subscriber has handled all of them; live events follow, with
 * no gap and no duplicate at the seam. A handler that throws stops the subscription.
 */
export interface Subscription {
  readonly caughtUp: Promise<void>;
  /** Settles when the subscription ends: resolves after `stop()`, rejects when it failed (a handler threw, the store went away). */
  readonly done: Promise<void>;
  /** Stops delivering; resolves once no handler runs any more. */
  stop(): Promise<void>;
}

/**
 * Rules every adapter keeps (the contract suite checks them):
 * - `append` writes all events or none, at revisions following the stream's last one; it needs
 *   at least one event. A wrong expected revision throws `StreamConflict` (./stream-conflict.ts).
 * - Appending again the same event ids at the same expected revision writes nothing and returns
 *   the first append's result. Ids that only partly match what is stored are a conflict.
 * - Reads of a stream that does not exist return [].
 * - The store does not check event types against the domain: it hands out `type` and `data` as
 *   stored; the application reads them only through its decoder (../events/event-reader.ts).
 */
export interface EventStore {
  append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<readonly StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<readonly StoredEvent[]>;
  subscribe(options: SubscribeOptions): Subscription;
}

export const comparePositions = (a: Position, b: Position): number =>
  a.commit === b.commit ? Number(a.prepare > b.prepare) - Number(a.prepare < b.prepare) : a.commit > b.commit ? 1 : -1;

/** "commit/prepare" in decimal, e.g. "1024/1024": what checkpoints persist. */
export const positionToString = (position: Position): string => `${position.commit}/${position.prepare}`;

export const positionFromString = (text: string): Position => {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new RangeError(`not a position: ${JSON.stringify(text)}`);
  return { commit: BigInt(match[1] as string), prepare: BigInt(match[2] as string) };
};

/** The category of a stream: `order-OMS1` → `order`. A stream with no dash is its own category. */
export const categoryOf = (stream: string): string => {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
};

/** The id part of a stream name: `order-OMS1` → `OMS1`, `stock-WH001.SKU001` → `WH001.SKU001` (a stream with no dash: ''). */
export const streamIdOf = (stream: string): string => {
  const dash = stream.indexOf('-');
  return dash < 0 ? '' : stream.slice(dash + 1);
};
