/** A database of its own for the calling test file, on the run's PostgreSQL (./postgres-global-setup.ts). */
import { inject } from 'vitest';
import { freshDatabase } from './postgres-server.ts';

export const testDatabase = (prefix?: string): Promise<string> => freshDatabase(inject('postgresUrl'), prefix);
