/**
 * What every `oms` command shares: where it prints and which environment it reads ({@link CliIo}),
 * the failure that stops it with a message and an exit status, its configuration, and the event
 * store it reads, taken from the composition root (src/main/container.ts: `auditParts`).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { type Config, ConfigError, readConfig } from '../config.ts';
import { type AuditParts, auditParts } from '../container.ts';
import { NoEventStore } from '../open-event-store.ts';

/** What the commands print to, and the environment they read: the process's own, or a test's. */
export type CliIo = Readonly<{
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}>;

/** A problem that stops a command with a message and an exit status (2: usage, configuration, availability). */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** The options of `oms` itself, before the command. */
export type GlobalOptions = Readonly<{ dataDir?: string; progress: boolean }>;

export const configOf = (io: CliIo, options: GlobalOptions): Config => {
  try {
    return readConfig({ ...io.env, ...(options.dataDir === undefined ? {} : { OMS_DATA_DIR: options.dataDir }) });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliFailure(error.message);
    throw error;
  }
};

/** Runs `use` with the configured store (which must exist: no store is a usage failure), closed afterwards. */
export const withAuditParts = async <T>(config: Config, use: (parts: AuditParts) => Promise<T>): Promise<T> => {
  let parts: AuditParts;
  try {
    parts = auditParts(config);
  } catch (error) {
    if (error instanceof NoEventStore) throw new CliFailure(error.message);
    throw error;
  }
  try {
    return await use(parts);
  } finally {
    await parts.store.close();
  }
};

/** Writes, waiting for the stream to drain when it asks to. */
export const write = async (stream: Writable, text: string): Promise<void> => {
  if (!stream.write(text)) await once(stream, 'drain');
};
