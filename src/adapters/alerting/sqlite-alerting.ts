import Database from 'better-sqlite3';
import type { Alert, Alerting, NewAlert } from '../../application/ports/alerting.ts';
import { applyHubPragmas } from '../sqlite-pragmas.ts';
import { AlertAnnouncer, type AlertingOptions } from './alert-announcer.ts';
import { type AlertRow, checkLimit, detailsText, toAlert } from './alert-row.ts';

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

type ListParameters = Readonly<{ acknowledged: number | null; subject: string | null; limit: number }>;

/**
 * Alerts in a SQLite table (WAL), raised once per key: a redelivered raise changes nothing, logs
 * nothing and calls no webhook. A new alert is stored first, then announced (./alert-announcer.ts:
 * logged, and sent to the webhook in the background). `details` is kept as JSON (an absent
 * `details` comes back as null). One hub's own: hubs sharing a PostgreSQL share
 * ./postgres-alerting.ts instead.
 */
export class SqliteAlerting implements Alerting {
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    private readonly announcer: AlertAnnouncer,
  ) {
    applyHubPragmas(db, 'FULL');
    db.exec(SCHEMA);
    this.statements = {
      insert: db.prepare<[string, string, string, string, string, string], AlertRow>(
        `INSERT INTO alerts (key, kind, subject, message, details, raised_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING RETURNING *`,
      ),
      list: db.prepare<ListParameters, AlertRow>(
        `SELECT * FROM alerts
         WHERE (@acknowledged IS NULL OR (acknowledged_at IS NOT NULL) = @acknowledged)
           AND (@subject IS NULL OR subject = @subject)
         ORDER BY id DESC LIMIT @limit`,
      ),
      acknowledge: db.prepare<[string, string, number]>(
        'UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL',
      ),
      exists: db.prepare<[number], number>('SELECT 1 FROM alerts WHERE id = ?').pluck(),
      get: db.prepare<[number], AlertRow>('SELECT * FROM alerts WHERE id = ?'),
    };
  }

  /** Opens (creating if need be) the alerts table in the file at `path`; it may share a file with other tables. */
  static open(path: string, options: AlertingOptions): SqliteAlerting {
    const announcer = new AlertAnnouncer(options);
    return new SqliteAlerting(new Database(path), announcer);
  }

  async raise(alert: NewAlert): Promise<void> {
    const { key, kind, subject, message, details, raisedAt } = alert;
    const row = this.statements.insert.get(key, kind, subject, message, detailsText(details), raisedAt);
    if (row !== undefined) this.announcer.raised(toAlert(row));
  }

  async list(filter: Readonly<{ acknowledged?: boolean; subject?: string; limit?: number }> = {}): Promise<readonly Alert[]> {
    const { acknowledged, subject, limit } = filter;
    checkLimit(limit);
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
      this.announcer.acknowledged(id, by);
      return true;
    }
    return this.statements.exists.get(id) !== undefined;
  }

  /** Resolves once every webhook delivery started so far has ended, delivered or not. */
  flush(): Promise<void> {
    return this.announcer.flush();
  }

  /** Waits for the deliveries under way, then closes the file. */
  async close(): Promise<void> {
    await this.flush();
    this.db.close();
  }
}
