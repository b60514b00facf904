import Database from 'better-sqlite3';
import type { IdempotencyKeys, KeyUse } from '../http/idempotency-key.ts';
import { applyHubPragmas } from '../sqlite-pragmas.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS idempotency_keys (
    key      TEXT PRIMARY KEY,
    request  TEXT NOT NULL,
    bound_at TEXT NOT NULL
  ) STRICT;
`;

/**
 * Idempotency keys and the request each was first used for, in SQLite (its own file in the data
 * directory, WAL). A key is kept for ever: keys are few (people's actions), and a key reused a
 * year later for another request is still a mistake worth refusing. One hub's own: hubs sharing
 * a PostgreSQL share ./postgres-idempotency-keys.ts instead.
 */
export class SqliteIdempotencyKeys implements IdempotencyKeys {
  private readonly statements;

  private constructor(private readonly db: Database.Database) {
    applyHubPragmas(db, 'NORMAL');
    db.exec(SCHEMA);
    this.statements = {
      find: db.prepare<[string], string>('SELECT request FROM idempotency_keys WHERE key = ?').pluck(),
      bind: db.prepare<[string, string, string]>(
        'INSERT INTO idempotency_keys (key, request, bound_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING',
      ),
    };
  }

  static open(path: string): SqliteIdempotencyKeys {
    return new SqliteIdempotencyKeys(new Database(path));
  }

  async use(key: string, request: string): Promise<KeyUse> {
    const bound = this.statements.find.get(key);
    if (bound === undefined) return { kind: 'new' };
    return bound === request ? { kind: 'same' } : { kind: 'other', request: bound };
  }

  async bind(key: string, request: string, at: string): Promise<void> {
    this.statements.bind.run(key, request, at);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
