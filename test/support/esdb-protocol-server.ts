/**
 * A test double of EventStoreDB at the protocol level: an in-process gRPC server built on the
 * service definitions generated inside `@eventstore/db-client` itself, so that the real client
 * runs its real code over a real socket.
 *
 * It speaks: ServerFeatures/GetSupportedMethods (BatchAppend advertised or not, so that both
 * append paths of the client are exercised), Streams/Append and Streams/BatchAppend (expected
 * revisions, wrong-expected-version answers as a real server gives them, de-duplication by
 * event id), Streams/Read of one stream and of $all (both directions, count, stream not found)
 * and catch-up subscriptions to $all (exclusive start, stream-name and event-type filters by
 * prefix or regex, caught-up marker, then live events).
 *
 * It does NOT cover: stream subscriptions, persistent subscriptions, deletes and tombstones,
 * `$$` metadata streams and ACLs, system streams and projections ($ce-, $et-, links and link
 * resolution), real commit/prepare positions (here commit = 1024 + 128·n and prepare =
 * commit − 16: ordered, not log offsets), filter checkpoints, fell-behind, leader election and
 * gossip, authentication, deadlines, maximum append size, and the event-id cache expiring.
 * Those are checked only against a real server (ESDB_CONNECTION_STRING).
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';

type StreamsPb = typeof import('@eventstore/db-client/generated/streams_pb.js');
type SharedPb = typeof import('@eventstore/db-client/generated/shared_pb.js');
type ServerFeaturesPb = typeof import('@eventstore/db-client/generated/serverfeatures_pb.js');
type StatusPb = typeof import('@eventstore/db-client/generated/status_pb.js');
import type {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb.js';
import type { StreamIdentifier } from '@eventstore/db-client/generated/shared_pb.js';
import type { Code } from '@eventstore/db-client/generated/code_pb.js';

type ProposedMessage = AppendReq.ProposedMessage;

// Loaded from the client package itself: google-protobuf registers message classes globally,
// and a second copy of the generated code in the same process would clash with the client's.
const fromClient = createRequire(createRequire(import.meta.url).resolve('@eventstore/db-client'));
const streamsPb = fromClient('../generated/streams_pb.js') as StreamsPb;
const sharedPb = fromClient('../generated/shared_pb.js') as SharedPb;
const featuresPb = fromClient('../generated/serverfeatures_pb.js') as ServerFeaturesPb;
const statusPb = fromClient('../generated/status_pb.js') as StatusPb;
const { StreamsService } = fromClient('../generated/streams_grpc_pb.js') as { StreamsService: grpc.ServiceDefinition };
const { ServerFeaturesService } = fromClient('../generated/serverfeatures_grpc_pb.js') as { ServerFeaturesService: grpc.ServiceDefinition };
const { Any } = fromClient('google-protobuf/google/protobuf/any_pb.js') as typeof import('google-protobuf/google/protobuf/any_pb.js');
const { Empty } = fromClient('google-protobuf/google/protobuf/empty_pb.js') as typeof import('google-protobuf/google/protobuf/empty_pb.js');

type Expected = 'any' | 'no_stream' | 'stream_exists' | bigint;
type Proposed = Readonly<{ id: string; metadata: Map<string, string>; data: Uint8Array; customMetadata: Uint8Array }>;
type Recorded = Proposed & Readonly<{ stream: string; revision: bigint; commit: bigint; prepare: bigint; created: string }>;
type Outcome = { ok: true; revision: bigint; position?: Recorded } | { ok: false; current: bigint | undefined };
type Filter = (event: Recorded) => boolean;

export type EsdbProtocolServerOptions = Readonly<{ advertiseBatchAppend: boolean }>;

const streamName = (identifier: StreamIdentifier | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? []).toString('utf8');
const identifierOf = (stream: string): StreamIdentifier => new sharedPb.StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8'));
const uuidOf = (id: string) => new sharedPb.UUID().setString(id);

const proposedOf = (message: ProposedMessage): Proposed => ({
  id: message.getId()?.getString() ?? '',
  metadata: new Map(message.getMetadataMap().toArray() as [string, string][]),
  data: message.getData_asU8(),
  customMetadata: message.getCustomMetadata_asU8(),
});

const filterOf = (request: ReadReq.Options): Filter => {
  const options = request.getFilter();
  if (!request.hasFilter() || !options) return () => true;
  const onType = options.hasEventType();
  const expression = onType ? options.getEventType() : options.getStreamIdentifier();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (event) => {
    const subject = onType ? (event.metadata.get('type') ?? '') : event.stream;
    return prefixes.length > 0 ? prefixes.some((prefix: string) => subject.startsWith(prefix)) : (regex?.test(subject) ?? true);
  };
};

export class EsdbProtocolServer {
  private readonly log: Recorded[] = [];
  private readonly streams = new Map<string, Recorded[]>();
  private readonly live = new Set<(events: readonly Recorded[]) => void>();
  private readonly server = new grpc.Server();
  private port = 0;
  /** How many calls each Streams method served: proves which append path the client took. */
  readonly calls = { Append: 0, BatchAppend: 0, Read: 0 };

  private constructor(private readonly options: EsdbProtocolServerOptions) {
    this.server.addService(ServerFeaturesService, { getSupportedMethods: this.supportedMethods });
    this.server.addService(StreamsService, { read: this.read, append: this.appendCall, batchAppend: this.batchAppendCall });
  }

  static async start(options: EsdbProtocolServerOptions): Promise<EsdbProtocolServer> {
    const double = new EsdbProtocolServer(options);
    double.port = await new Promise<number>((resolve, reject) =>
      double.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    return double;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  async stop(): Promise<void> {
    this.server.forceShutdown();
  }

  private readonly supportedMethods: grpc.handleUnaryCall<unknown, unknown> = (_call, callback) => {
    const method = (name: string) =>
      new featuresPb.SupportedMethod().setServiceName('event_store.client.streams.Streams').setMethodName(name);
    const names = this.options.advertiseBatchAppend ? ['Read', 'Append', 'BatchAppend'] : ['Read', 'Append'];
    callback(
      null,
      new featuresPb.SupportedMethods().setEventStoreServerVersion('24.10.0-protocol-double').setMethodsList(names.map(method)),
    );
  };

  private write(stream: string, expected: Expected, proposed: readonly Proposed[]): Outcome {
    const existing = this.streams.get(stream) ?? [];
    const current = existing.length === 0 ? undefined : BigInt(existing.length - 1);
    const first = proposed[0] ? existing.findIndex((event) => event.id === proposed[0]?.id) : -1;
    if (first >= 0) {
      const at = BigInt(first);
      const placed = expected === 'no_stream' ? at === 0n : typeof expected === 'bigint' ? at === expected + 1n : true;
      const same = proposed.every((event, index) => existing[first + index]?.id === event.id);
      return placed && same ? { ok: true, revision: at + BigInt(proposed.length - 1) } : { ok: false, current };
    }
    const meets =
      expected === 'any' ||
      (expected === 'no_stream' && current === undefined) ||
      (expected === 'stream_exists' && current !== undefined) ||
      (typeof expected === 'bigint' && current === expected);
    if (!meets) return { ok: false, current };
    const created = (BigInt(Date.now()) * 10_000n).toString();
    const recorded = proposed.map((event, index): Recorded => {
      const commit = 1024n + 128n * BigInt(this.log.length + index);
      return { ...event, stream, revision: BigInt(existing.length + index), commit, prepare: commit - 16n, created };
    });
    this.log.push(...recorded);
    this.streams.set(stream, [...existing, ...recorded]);
    for (const listener of this.live) listener(recorded);
    const last = recorded[recorded.length - 1];
    return { ok: true, revision: last?.revision ?? -1n, ...(last ? { position: last } : {}) };
  }

  private readonly appendCall: grpc.handleClientStreamingCall<AppendReq, AppendResp> = (call, callback) => {
    this.calls.Append += 1;
    let options: AppendReq.Options | undefined;
    const proposed: Proposed[] = [];
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      const message = request.getProposedMessage();
      if (message) proposed.push(proposedOf(message));
    });
    call.on('end', () => {
      if (!options) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'no options' });
      const stream = streamName(options.getStreamIdentifier());
      const expected: Expected = options.hasRevision()
        ? BigInt(options.getRevision())
        : options.hasNoStream()
          ? 'no_stream'
          : options.hasStreamExists()
            ? 'stream_exists'
            : 'any';
      const outcome = this.write(stream, expected, proposed);
      const response = new streamsPb.AppendResp();
      if (outcome.ok) {
        const success = new streamsPb.AppendResp.Success().setCurrentRevision(outcome.revision.toString());
        if (outcome.position) {
          success.setPosition(
            new streamsPb.AppendResp.Position()
              .setCommitPosition(outcome.position.commit.toString())
              .setPreparePosition(outcome.position.prepare.toString()),
          );
        } else success.setNoPosition(new sharedPb.Empty());
        response.setSuccess(success);
      } else {
        const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
        if (outcome.current === undefined) wrong.setCurrentNoStream(new sharedPb.Empty());
        else wrong.setCurrentRevision(outcome.current.toString());
        if (typeof expected === 'bigint') wrong.setExpectedRevision(expected.toString());
        else if (expected === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
        else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
        else wrong.setExpectedAny(new sharedPb.Empty());
        response.setWrongExpectedVersion(wrong);
      }
      callback(null, response);
    });
  };

  private readonly batchAppendCall: grpc.handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> = (call) => {
    const pending = new Map<string, { options: BatchAppendReq.Options | undefined; proposed: Proposed[] }>();
    call.on('data', (request: BatchAppendReq) => {
      if (request.getIsFinal()) this.calls.BatchAppend += 1;
      const correlation = request.getCorrelationId()?.getString() ?? '';
      const batch = pending.get(correlation) ?? { options: undefined, proposed: [] };
      batch.options ??= request.getOptions();
      batch.proposed.push(...request.getProposedMessagesList().map((message) => proposedOf(message as unknown as ProposedMessage)));
      pending.set(correlation, batch);
      if (!request.getIsFinal()) return;
      pending.delete(correlation);
      const options = batch.options;
      const stream = streamName(options?.getStreamIdentifier());
      const expected: Expected = options?.hasStreamPosition()
        ? BigInt(options.getStreamPosition())
        : options?.hasNoStream()
          ? 'no_stream'
          : options?.hasStreamExists()
            ? 'stream_exists'
            : 'any';
      const outcome = this.write(stream, expected, batch.proposed);
      const response = new streamsPb.BatchAppendResp().setCorrelationId(uuidOf(correlation)).setStreamIdentifier(identifierOf(stream));
      if (outcome.ok) {
        const success = new streamsPb.BatchAppendResp.Success().setCurrentRevision(outcome.revision.toString());
        if (outcome.position) {
          success.setPosition(
            new sharedPb.AllStreamPosition()
              .setCommitPosition(outcome.position.commit.toString())
              .setPreparePosition(outcome.position.prepare.toString()),
          );
        } else success.setNoPosition(new Empty());
        response.setSuccess(success);
      } else {
        const wrong = new sharedPb.WrongExpectedVersion();
        if (outcome.current === undefined) wrong.setCurrentNoStream(new Empty());
        else wrong.setCurrentStreamRevision(outcome.current.toString());
        if (typeof expected === 'bigint') wrong.setExpectedStreamPosition(expected.toString());
        else if (expected === 'no_stream') wrong.setExpectedNoStream(new Empty());
        else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
        else wrong.setExpectedAny(new Empty());
        const details = new Any();
        details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
        response.setError(
          new statusPb.Status()
            .setCode(grpc.status.FAILED_PRECONDITION as number as Code)
            .setMessage('wrong expected version')
            .setDetails(details),
        );
      }
      call.write(response);
    });
    call.on('end', () => call.end());
  };

  private readonly read: grpc.handleServerStreamingCall<ReadReq, ReadResp> = (call) => {
    this.calls.Read += 1;
    const options = call.request.getOptions();
    if (!options) return call.destroy(new Error('no options'));
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    const count = options.hasCount() ? Number(options.getCount()) : Number.POSITIVE_INFINITY;
    const filter = filterOf(options);
    const send = (event: Recorded) => call.write(this.readEvent(event));

    const streamOptions = options.getStream();
    if (streamOptions) {
      if (options.hasSubscription())
        return call.destroy(
          Object.assign(new Error('stream subscriptions are not implemented by the double'), { code: grpc.status.UNIMPLEMENTED }),
        );
      const stream = streamName(streamOptions.getStreamIdentifier());
      const events = this.streams.get(stream);
      if (!events) {
        call.write(
          new streamsPb.ReadResp().setStreamNotFound(new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(identifierOf(stream))),
        );
        return call.end();
      }
      const from = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : streamOptions.hasEnd() ? BigInt(events.length) : 0n;
      const selected = backwards
        ? events.filter((event) => event.revision <= from).reverse()
        : events.filter((event) => event.revision >= from);
      selected.slice(0, count).forEach(send);
      return call.end();
    }

    const all = options.getAll();
    const at = all?.getPosition();
    const from = at ? { commit: BigInt(at.getCommitPosition()), prepare: BigInt(at.getPreparePosition()) } : undefined;
    const after = (event: Recorded, inclusive: boolean) =>
      !from ||
      event.commit > from.commit ||
      (event.commit === from.commit && (inclusive ? event.prepare >= from.prepare : event.prepare > from.prepare));

    if (!options.hasSubscription()) {
      const selected = all?.hasEnd()
        ? backwards
          ? [...this.log].reverse()
          : []
        : backwards
          ? this.log.filter((event) => !after(event, true)).reverse()
          : this.log.filter((event) => after(event, true));
      selected.filter(filter).slice(0, count).forEach(send);
      return call.end();
    }

    call.write(
      new streamsPb.ReadResp().setConfirmation(new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(`sub-${Date.now()}`)),
    );
    if (!all?.hasEnd()) this.log.filter((event) => after(event, false) && filter(event)).forEach(send);
    call.write(new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp()));
    const listener = (events: readonly Recorded[]) => events.filter(filter).forEach(send);
    this.live.add(listener);
    call.on('cancelled', () => this.live.delete(listener));
    call.on('close', () => this.live.delete(listener));
  };

  private readEvent(event: Recorded): ReadResp {
    const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
      .setId(uuidOf(event.id))
      .setStreamIdentifier(identifierOf(event.stream))
      .setStreamRevision(event.revision.toString())
      .setCommitPosition(event.commit.toString())
      .setPreparePosition(event.prepare.toString())
      .setData(event.data)
      .setCustomMetadata(event.customMetadata);
    const metadata = recorded.getMetadataMap();
    for (const [key, value] of event.metadata) metadata.set(key, value);
    metadata.set('created', event.created);
    return new streamsPb.ReadResp().setEvent(
      new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.commit.toString()),
    );
  }
}
