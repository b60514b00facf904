/**
 * The hub's metrics, in Prometheus's text format (prom-client), on a registry of its own:
 *
 *   oms_http_requests_total{method,route,status}            requests answered, by route pattern
 *   oms_http_request_duration_seconds{method,route}         their latency
 *   oms_events_appended_total{type}                         events appended, by type
 *   oms_event_store_append_duration_seconds                 how long an append took
 *   oms_outside_calls_total{system,call,outcome}            calls to the WMS and the TMS: ok, retryable, refused
 *   oms_outside_call_duration_seconds{system,call}          their latency
 *   oms_retries_pending                                     pushes and hand-offs waiting for their next attempt
 *   oms_backorders_waiting                                  backorders in the book
 *   oms_alerts_open{kind}                                   alerts not acknowledged, by kind
 *   oms_warehouse_circuit_open{warehouse}                   1 while a warehouse is left alone by the circuit breaker (absent: closed)
 *   oms_projection_lag_events{projection}                   events a projection has not applied yet
 *   oms_reaction_position{reaction}                         the global position each reaction has handled
 *   oms_reaction_lag_events{reaction}                       events waiting for each reaction (its categories and types)
 *   oms_reaction_lag_seconds{reaction}                      how long the oldest of them has waited
 *   oms_store_position                                      the position of the last event this hub appended
 *
 * and Node's own (prom-client's defaults, prefixed `oms_`: CPU, memory, `oms_nodejs_eventloop_lag_seconds`, …).
 *
 * A reaction's lag is `oms_reaction_lag_events`, not `oms_store_position - oms_reaction_position`:
 * a reaction that follows one category keeps its checkpoint at that category's last event however
 * far the store goes. The gauges are read from their sources at each scrape.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Where the gauges are read from at each scrape. */
export type MetricSources = Readonly<{
  retriesPending: () => number;
  backordersWaiting: () => number;
  openAlertKinds: () => Promise<readonly string[]>;
  /** the warehouses whose circuit is open now (../outside-call/warehouse-breaker.ts) */
  openCircuits: () => readonly string[];
  projectionLag: () => Promise<Readonly<Record<string, Readonly<{ behind: number; waitingSeconds: number }>>>>;
  reactionPositions: () => Promise<Readonly<Record<string, bigint | undefined>>>;
  reactionLags: () => Promise<Readonly<Record<string, Readonly<{ behind: number; waitingSeconds: number }>>>>;
}>;

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class HubMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'oms_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'oms_http_request_duration_seconds',
    help: 'HTTP request latency, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({
    name: 'oms_events_appended_total',
    help: 'events appended to the store, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly appendDuration = new Histogram({
    name: 'oms_event_store_append_duration_seconds',
    help: 'how long an append to the event store took',
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly storePosition = new Gauge({
    name: 'oms_store_position',
    help: 'the global position of the last event this hub appended (0: none yet)',
    registers: [this.registry],
  });
  readonly outsideCalls = new Counter({
    name: 'oms_outside_calls_total',
    help: 'calls to the WMS and the TMS, by system, call and outcome (ok, retryable, refused)',
    labelNames: ['system', 'call', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly outsideDuration = new Histogram({
    name: 'oms_outside_call_duration_seconds',
    help: 'latency of calls to the WMS and the TMS, by system and call',
    labelNames: ['system', 'call'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'oms_' });
  }

  /** The gauges, read from `sources` at each scrape. */
  watch(sources: MetricSources): void {
    const { registry } = this;
    new Gauge({
      name: 'oms_retries_pending',
      help: 'pushes and hand-offs waiting for their next attempt',
      registers: [registry],
      collect() {
        this.set(sources.retriesPending());
      },
    });
    new Gauge({
      name: 'oms_backorders_waiting',
      help: 'backorders in the book, waiting for stock (or for a person)',
      registers: [registry],
      collect() {
        this.set(sources.backordersWaiting());
      },
    });
    new Gauge({
      name: 'oms_alerts_open',
      help: 'alerts not acknowledged, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const kind of await sources.openAlertKinds()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
        for (const [kind, count] of counts) this.set({ kind }, count);
      },
    });
    new Gauge({
      name: 'oms_warehouse_circuit_open',
      help: '1 while a warehouse is not called after failing WMS_BREAKER_FAILURES calls in a row (absent: called as usual)',
      labelNames: ['warehouse'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const warehouse of sources.openCircuits()) this.set({ warehouse }, 1);
      },
    });
    new Gauge({
      name: 'oms_projection_lag_events',
      help: 'events a projection has not applied yet',
      labelNames: ['projection'] as const,
      registers: [registry],
      async collect() {
        for (const [projection, lag] of Object.entries(await sources.projectionLag())) this.set({ projection }, lag.behind);
      },
    });
    new Gauge({
      name: 'oms_projection_lag_seconds',
      help: 'how long the oldest event a projection has not applied yet has waited (0: none waits)',
      labelNames: ['projection'] as const,
      registers: [registry],
      async collect() {
        for (const [projection, lag] of Object.entries(await sources.projectionLag())) this.set({ projection }, lag.waitingSeconds);
      },
    });
    new Gauge({
      name: 'oms_reaction_position',
      help: 'the global position of the last event each reaction has handled (0: none yet)',
      labelNames: ['reaction'] as const,
      registers: [registry],
      async collect() {
        for (const [reaction, position] of Object.entries(await sources.reactionPositions()))
          this.set({ reaction }, Number(position ?? 0n));
      },
    });
    new Gauge({
      name: 'oms_reaction_lag_events',
      help: 'events each reaction will handle that are stored after its checkpoint (of its categories and types)',
      labelNames: ['reaction'] as const,
      registers: [registry],
      async collect() {
        for (const [reaction, lag] of Object.entries(await sources.reactionLags())) this.set({ reaction }, lag.behind);
      },
    });
    new Gauge({
      name: 'oms_reaction_lag_seconds',
      help: 'how long the oldest event waiting for each reaction has waited (0: none waits)',
      labelNames: ['reaction'] as const,
      registers: [registry],
      async collect() {
        for (const [reaction, lag] of Object.entries(await sources.reactionLags())) this.set({ reaction }, lag.waitingSeconds);
      },
    });
  }

  /** The metrics in Prometheus's text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
