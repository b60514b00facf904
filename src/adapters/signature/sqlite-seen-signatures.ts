import Database from 'better-sqlite3';
import { type SeenSignatures, TOLERANCE_SECONDS } from './hub-signature.ts';
import { applyHubPragmas } from '../sqlite-pragmas.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS seen_signatures (
    signature  TEXT PRIMARY KEY,
    seen_at_ms INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS seen_signatures_by_age ON seen_signatures (seen_at_ms);
`;

/**
 * The signatures of messages received, in SQLite (its own file in the data directory), so that a
 * replay is refused across a restart too. A signature is forgotten once it is older than twice the
 * tolerance: its timestamp is stale by then, and refused for that. One hub's own: hubs sharing a
 * PostgreSQL share ./postgres-seen-signatures.ts instead.
 */
export class SqliteSeenSignatures implements SeenSignatures {
  private readonly statements;

  private constructor(private readonly db: Database.Database) {
    applyHubPragmas(db, 'NORMAL');
    db.exec(SCHEMA);
    this.statements = {
      forget: db.prepare<[number]>('DELETE FROM seen_signatures WHERE seen_at_ms < ?'),
      see: db.prepare<[string, number]>('INSERT INTO seen_signatures (signature, seen_at_ms) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    };
  }

  static open(path: string): SqliteSeenSignatures {
    return new SqliteSeenSignatures(new Database(path));
  }

  async firstSight(signature: string, nowMs: number): Promise<boolean> {
    this.statements.forget.run(nowMs - 2 * TOLERANCE_SECONDS * 1000);
    return this.statements.see.run(signature, nowMs).changes === 1;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
