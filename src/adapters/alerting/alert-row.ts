/**
 * What the alerting tables share (SQLite and PostgreSQL: the same columns): an alert as stored,
 * the {@link Alert} a row makes (`details` kept as JSON text, the key's digest computed from the
 * key), and the list's limit checked.
 */
import { createHash } from 'node:crypto';
import type { Alert, AlertKind } from '../../application/ports/alerting.ts';

export type AlertRow = Readonly<{
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

/** An alert's key may be long and hold any character: its digest names it in a stream. */
export const alertKeyDigest = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 32);

/** `details` as stored: JSON text, an absent value as `null`. */
export const detailsText = (details: unknown): string => JSON.stringify(details) ?? 'null';

export const toAlert = (row: AlertRow): Alert => ({
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

/** A list's limit: a whole number, zero or more (undefined: no limit). */
export const checkLimit = (limit: number | undefined): void => {
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0))
    throw new RangeError(`limit must be a whole number, zero or more: ${limit}`);
};
