/**
 * Alerts ask a person to look: manual intervention, anomalies, callbacks the hub could not apply,
 * a reaction that has fallen behind (LAGGING), a scheduled reconciliation that failed (RECONCILIATION_FAILED).
 * Raising is idempotent by `key`, so a redelivered event raises one alert.
 */
export type AlertKind = 'MANUAL_INTERVENTION' | 'ANOMALY' | 'UNAPPLIED_CALLBACK' | 'LAGGING' | 'RECONCILIATION_FAILED';

export type NewAlert = Readonly<{
  key: string;
  kind: AlertKind;
  /** what it is about: `order-OMS1`, `inbound-IN1`, `callback` … */
  subject: string;
  message: string;
  /** anything a person needs: the anomaly's data, the raw callback body */
  details: unknown;
  raisedAt: string;
}>;

export type Alert = NewAlert &
  Readonly<{
    id: number;
    /** 32 hex digits of the key's SHA-256: names the alert's stream (`alert-{keyDigest}`, ../alerts/acknowledge-alert.ts) */
    keyDigest: string;
    acknowledgedAt: string | null;
    acknowledgedBy: string | null;
  }>;

export interface Alerting {
  raise(alert: NewAlert): Promise<void>;
  list(filter?: Readonly<{ acknowledged?: boolean; subject?: string; limit?: number }>): Promise<readonly Alert[]>;
  get(id: number): Promise<Alert | undefined>;
  /** records the first acknowledgement in the table (../alerts/acknowledge-alert.ts records it as an event); false when there is no such alert */
  acknowledge(id: number, by: string, at: string): Promise<boolean>;
}
