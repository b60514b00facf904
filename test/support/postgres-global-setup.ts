/**
 * vitest globalSetup: one PostgreSQL for the whole run (./postgres-server.ts), or the server at
 * TEST_DATABASE_URL when it is set. Test files reach it through `testDatabase()`
 * (./test-database.ts), each in a database of its own.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** a connection string to a database of the test server, where test databases are created */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.TEST_DATABASE_URL;
  if (external !== undefined && external !== '') {
    project.provide('postgresUrl', external);
    return undefined;
  }
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
