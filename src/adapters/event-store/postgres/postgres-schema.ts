/**
 * The PostgreSQL event store's schema (PostgreSQL 14 or later: xid8, pg_current_snapshot,
 * CREATE OR REPLACE TRIGGER). Created on first use, under an advisory lock so that hubs starting
 * together do not race on it; every statement is idempotent.
 *
 * - `position`: an identity column, the order of inserts (which is not the order of commits).
 * - `transaction_id`: the appending transaction's id (`pg_current_xact_id()`, 64 bits, never
 *   wraps). The store-wide order is (transaction_id, position): see postgres-event-store.ts.
 * - `data`, `metadata`: `json`, which keeps the text as written (jsonb would reorder keys and
 *   refuse `\u0000`), so an event reads back as it was appended.
 * - Each committed insert statement NOTIFYs `events_appended` (a statement trigger, so that a
 *   writer other than this adapter wakes the subscribers too); PostgreSQL delivers it after commit.
 */

/** The advisory lock space (two-int4 form, first key) of this store; the bigint form is left to others. */
export const LOCK_SPACE = 0x48554201;
/** Second key of the lock held while creating the schema (appends lock `hashtext(stream)`). */
export const SCHEMA_LOCK = 0;

export const NOTIFY_CHANNEL = 'events_appended';

export const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id xid8   NOT NULL DEFAULT pg_current_xact_id(),
    id             text   NOT NULL,
    stream         text   NOT NULL,
    category       text   NOT NULL,
    revision       bigint NOT NULL,
    type           text   NOT NULL,
    data           json   NOT NULL,
    metadata       json   NOT NULL,
    CONSTRAINT events_id_unique UNIQUE (id),
    CONSTRAINT events_stream_revision_unique UNIQUE (stream, revision)
  );
  CREATE INDEX IF NOT EXISTS events_in_order ON events (transaction_id, position);
  CREATE INDEX IF NOT EXISTS events_by_category ON events (category, transaction_id, position);
  CREATE OR REPLACE FUNCTION events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('${NOTIFY_CHANNEL}', '');
    RETURN NULL;
  END
  $$;
  CREATE OR REPLACE TRIGGER events_appended AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION events_appended();
`;
