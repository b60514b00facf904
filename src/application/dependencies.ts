import type { RetryPolicy } from '../domain/kernel/retry-policy.ts';
import type { Snapshots } from './commands/snapshots.ts';
import type { StateCache } from './commands/state-cache.ts';
import type { EventReader } from './events/event-reader.ts';
import type { Alerting } from './ports/alerting.ts';
import type { Clock } from './ports/clock.ts';
import type { EventStore } from './ports/event-store.ts';
import type { Ids } from './ports/ids.ts';
import type { Inventory } from './ports/inventory.ts';
import type { KeptReadModels } from './ports/kept-read-model.ts';
import type { Random } from './ports/random.ts';
import type { Transport } from './ports/transport.ts';
import type { Warehouse } from './ports/warehouse.ts';

/** The ports the use cases and reactions work through, and the policies they apply. */
export type Dependencies = Readonly<{
  /** where commands append */
  store: EventStore;
  /** how everything is read: decoded, typed events */
  events: EventReader;
  /** folded states of recent streams; absent: every command folds its stream from the start */
  stateCache?: StateCache | undefined;
  /** snapshots of long streams (the stock ledgers); absent: a fold without a cached state starts from the stream's first event */
  snapshots?: Snapshots | undefined;
  ids: Ids;
  clock: Clock;
  warehouse: Warehouse;
  transport: Transport;
  inventory: Inventory;
  alerting: Alerting;
  /** retries of pushes to the WMS (outbound and inbound) */
  wmsRetryPolicy: RetryPolicy;
  /** retries of hand-offs to the TMS */
  tmsRetryPolicy: RetryPolicy;
  /**
   * where the jitter of each retry is drawn (full jitter: the retry comes due at a random point of
   * its backoff window, RETRY_JITTER=full); absent: no jitter, each retry due exactly after its backoff
   */
  retryJitter?: Random | undefined;
  /** where the retry index and the backorder book are kept between runs; absent: in memory, rebuilt from the events at start */
  keptReadModels?: KeptReadModels | undefined;
  /**
   * how long a claimed call to the WMS or TMS stands without an outcome before it is presumed lost
   * and may be made again (CALL_CLAIM_MS; ../domain/kernel/push-attempts.ts `PushClaim`)
   */
  callClaimMs: number;
  /** a stock variance of more units than this is an anomaly for a person (VARIANCE_ALERT_UNITS) */
  varianceAlertUnits: number;
}>;
