/**
 * An append waiting for the group commit of a store (SQLite's, PostgreSQL's), and what came of
 * it: its own result, or why it alone was refused (the others of its group stand).
 */
import type { AppendResult, EventToAppend, ExpectedRevision } from '../../application/ports/event-store.ts';

export type WaitingAppend = Readonly<{
  stream: string;
  events: readonly EventToAppend[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}>;

export type Outcome = Readonly<{ ok: true; result: AppendResult }> | Readonly<{ ok: false; error: unknown }>;
