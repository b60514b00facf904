/**
 * Alerts in PostgreSQL (EVENT_STORE=postgres: the event store's database), shared by every hub on
 * it, to the same rules as ./sqlite-alerting.ts: raised once per key across the hubs (the key is
 * unique; two hubs raising it at once store one alert, and only the one that stored it announces
 * it: ./alert-announcer.ts), newest first by id, the first acknowledgement kept (the UPDATE's
 * `acknowledged_at IS NULL` is checked again on the row as the other one committed it).
 *
 * The table, `alerts`: the columns of the SQLite table, `id` an identity (a bigint, read as a
 * number: far below 2^53). A raise whose key is there already inserts nothing and so takes no
 * number from the identity; only two raises of a new key at once spend one. The table is created
 * on first use, under an advisory lock (../postgres/create-under-lock.ts).
 */
import type pg from 'pg';
import type { Alert, Alerting, NewAlert } from '../../application/ports/alerting.ts';
import { createUnderLock } from '../postgres/create-under-lock.ts';
import { AlertAnnouncer, type AlertingOptions } from './alert-announcer.ts';
import { type AlertRow, checkLimit, detailsText, toAlert } from './alert-row.ts';
import { whileReachable } from '../postgres/unreachable.ts';
import { hubPool } from '../postgres/hub-pool.ts';

/** The advisory lock (two-int4 form) held while creating the table; the hub's shared state is 0x48554204 (the snapshots' 0x48554203). */
const SCHEMA_LOCK: readonly [number, number] = [0x48554204, 1];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS alerts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key             text NOT NULL UNIQUE,
    kind            text NOT NULL,
    subject         text NOT NULL,
    message         text NOT NULL,
    details         text NOT NULL,
    raised_at       text NOT NULL,
    acknowledged_at text,
    acknowledged_by text
  );
  CREATE INDEX IF NOT EXISTS alerts_by_subject ON alerts (subject, id);
`;

const RAISE = `
  INSERT INTO alerts (key, kind, subject, message, details, raised_at)
  SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM alerts WHERE key = $1)
  ON CONFLICT (key) DO NOTHING RETURNING *`;

// LIMIT NULL: no limit
const LIST = `
  SELECT * FROM alerts
   WHERE ($1::boolean IS NULL OR (acknowledged_at IS NOT NULL) = $1)
     AND ($2::text IS NULL OR subject = $2)
   ORDER BY id DESC LIMIT $3`;

const ACKNOWLEDGE = 'UPDATE alerts SET acknowledged_at = $1, acknowledged_by = $2 WHERE id = $3 AND acknowledged_at IS NULL';

const GET = 'SELECT * FROM alerts WHERE id = $1';

/** A row as pg reads it: a bigint comes back as text. */
type Row = Omit<AlertRow, 'id'> & Readonly<{ id: string }>;

const alertOf = (row: Row): Alert => toAlert({ ...row, id: Number(row.id) });

export class PostgresAlerting implements Alerting {
  private readonly ready: Promise<void>;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly announcer: AlertAnnouncer,
  ) {
    this.ready = createUnderLock(pool, SCHEMA_LOCK, SCHEMA);
    this.ready.catch(() => undefined); // reported by every call that awaits it
  }

  /** The alerts in the database at `connectionString` (postgres://…); returns at once, the table is made in the background. */
  static connect(connectionString: string, options: AlertingOptions): PostgresAlerting {
    const announcer = new AlertAnnouncer(options);
    return new PostgresAlerting(hubPool({ connectionString, max: 2, connectionTimeoutMillis: 5_000 }), announcer);
  }

  async raise(alert: NewAlert): Promise<void> {
    return whileReachable(async () => {
      await this.ready;
      const { key, kind, subject, message, details, raisedAt } = alert;
      const result = await this.pool.query<Row>(RAISE, [key, kind, subject, message, detailsText(details), raisedAt]);
      const row = result.rows[0];
      if (row !== undefined) this.announcer.raised(alertOf(row));
    });
  }

  async list(filter: Readonly<{ acknowledged?: boolean; subject?: string; limit?: number }> = {}): Promise<readonly Alert[]> {
    return whileReachable(async () => {
      const { acknowledged, subject, limit } = filter;
      checkLimit(limit);
      await this.ready;
      const result = await this.pool.query<Row>(LIST, [acknowledged ?? null, subject ?? null, limit ?? null]);
      return result.rows.map(alertOf);
    });
  }

  async get(id: number): Promise<Alert | undefined> {
    return whileReachable(async () => {
      await this.ready;
      const row = (await this.pool.query<Row>(GET, [id])).rows[0];
      return row === undefined ? undefined : alertOf(row);
    });
  }

  async acknowledge(id: number, by: string, at: string): Promise<boolean> {
    return whileReachable(async () => {
      await this.ready;
      if ((await this.pool.query(ACKNOWLEDGE, [at, by, id])).rowCount === 1) {
        this.announcer.acknowledged(id, by);
        return true;
      }
      return (await this.get(id)) !== undefined;
    });
  }

  /** Resolves once every webhook delivery started so far has ended, delivered or not. */
  flush(): Promise<void> {
    return this.announcer.flush();
  }

  /** Waits for the deliveries under way, then closes the pool. */
  async close(): Promise<void> {
    await this.flush();
    await this.pool.end();
  }
}
