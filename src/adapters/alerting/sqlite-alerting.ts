import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Alert, AlertKind, Alerting, NewAlert } from '../../application/ports/alerting.ts';
import { applyHubPragmas } from '../sqlite-pragmas.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS alerts (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message         TEXT NOT NULL,
    details         TEXT NOT NULL,
    raised_at       TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT
  ) STRICT;
  CREATE INDEX IF NOT EXISTS alerts_by_subject ON alerts (subject, id);
`;

type Row = Readonly<{
  id: number;
  key: string;
  kind: string;
  subject: string;
  message: string;
  details: string;
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}>;

type ListParameters = Readonly<{ acknowledged: number | null; subject: string | null; limit: number }>;

/** An alert's key may be long and hold any character: its digest names it in a stream. */
export const alertKeyDigest = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 32);

const toAlert = (row: Row): Alert => ({
  id: row.id,
  key: row.key,
  keyDigest: alertKeyDigest(row.key),
  kind: row.kind as AlertKind,
  subject: row.subject,
  message: row.message,
  details: JSON.parse(row.details) as unknown,
  raisedAt: row.raised_at,
  acknowledgedAt: row.acknowledged_at,
  acknowledgedBy: row.acknowledged_by,
});

type Webhook = Readonly<{ url: URL; timeoutMs: number }>;

export type SqliteAlertingOptions = Readonly<{
  /** every new alert is logged at warn; failed webhook deliveries at error */
  logger: Logger;
  /** where to POST each new alert as JSON (a chat or paging hook), `timeoutMs` 5000 unless given; absent: no webhook */
  webhook?: Readonly<{ url: string; timeoutMs?: number }>;
}>;

/**
 * Alerts in a SQLite table (WAL), raised once per key: a redelivered raise changes nothing, logs
 * nothing and calls no webhook. A new alert is stored first, then logged, then sent to the webhook
 * in the background; a delivery that fails or times out is logged, never retried (the alert is in
 * the table for whoever looks) and never reaches the caller. `details` is kept as JSON (an absent
 * `details` comes back as null).
 */
export class SqliteAlerting implements Alerting {
  private readonly statements;
  private readonly deliveries = new Set<Promise<void>>();

  private constructor(
    private readonly db: Database.Database,
    private readonly logger: Logger,
    private readonly webhook: Webhook | undefined,
  ) {
    applyHubPragmas(db, 'FULL');
    db.exec(SCHEMA);
    this.statements = {
      insert: db.prepare<[string, string, string, string, string, string], Row>(
        `INSERT INTO alerts (key, kind, subject, message, details, raised_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING RETURNING *`,
      ),
      list: db.prepare<ListParameters, Row>(
        `SELECT * FROM alerts
         WHERE (@acknowledged IS NULL OR (acknowledged_at IS NOT NULL) = @acknowledged)
           AND (@subject IS NULL OR subject = @subject)
         ORDER BY id DESC LIMIT @limit`,
      ),
      acknowledge: db.prepare<[string, string, number]>(
        'UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL',
      ),
      exists: db.prepare<[number], number>('SELECT 1 FROM alerts WHERE id = ?').pluck(),
      get: db.prepare<[number], Row>('SELECT * FROM alerts WHERE id = ?'),
    };
  }

  /** Opens (creating if need be) the alerts table in the file at `path`; it may share a file with other tables. */
  static open(path: string, options: SqliteAlertingOptions): SqliteAlerting {
    const { logger, webhook } = options;
    const target = webhook && { url: new URL(webhook.url), timeoutMs: webhook.timeoutMs ?? 5_000 };
    return new SqliteAlerting(new Database(path), logger, target);
  }

  async raise(alert: NewAlert): Promise<void> {
    const { key, kind, subject, message, details, raisedAt } = alert;
    const row = this.statements.insert.get(key, kind, subject, message, JSON.stringify(details) ?? 'null', raisedAt);
    if (row === undefined) return;
    const raised = toAlert(row);
    this.logger.warn({ alertId: raised.id, kind, subject, key }, message);
    if (this.webhook !== undefined) this.deliverInBackground(raised, this.webhook);
  }

  async list(filter: Readonly<{ acknowledged?: boolean; subject?: string; limit?: number }> = {}): Promise<readonly Alert[]> {
    const { acknowledged, subject, limit } = filter;
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0))
      throw new RangeError(`limit must be a whole number, zero or more: ${limit}`);
    return this.statements.list
      .all({ acknowledged: acknowledged === undefined ? null : Number(acknowledged), subject: subject ?? null, limit: limit ?? -1 })
      .map(toAlert);
  }

  async get(id: number): Promise<Alert | undefined> {
    const row = this.statements.get.get(id);
    return row === undefined ? undefined : toAlert(row);
  }

  async acknowledge(id: number, by: string, at: string): Promise<boolean> {
    if (this.statements.acknowledge.run(at, by, id).changes === 1) {
      this.logger.info({ alertId: id, acknowledgedBy: by }, 'alert acknowledged');
      return true;
    }
    return this.statements.exists.get(id) !== undefined;
  }

  /** Resolves once every webhook delivery started so far has ended, delivered or not. */
  async flush(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all(this.deliveries);
  }

  /** Waits for the deliveries under way, then closes the file. */
  async close(): Promise<void> {
    await this.flush();
    this.db.close();
  }

  private deliverInBackground(alert: Alert, webhook: Webhook): void {
    const delivery = this.deliver(alert, webhook).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  private async deliver(alert: Alert, webhook: Webhook): Promise<void> {
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alert),
        signal: AbortSignal.timeout(webhook.timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
    } catch (error) {
      // the origin only: a webhook's path and query often carry its secret token
      this.logger.error({ err: error, alertId: alert.id, key: alert.key, webhook: webhook.url.origin }, 'alert webhook delivery failed');
    }
  }
}
