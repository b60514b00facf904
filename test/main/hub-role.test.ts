/** HUB_ROLE and LEASE_TTL_MS: api and worker only on PostgreSQL (hub processes sharing one database); the default is all. */
import { describe, expect, test } from 'vitest';
import { readConfig } from '../../src/main/config.ts';

const postgres = { EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://hub:pw@db.internal:5432/hub' };

describe('HUB_ROLE', () => {
  test('all by default, with a lease time to live of 15 s', () => {
    expect(readConfig({})).toMatchObject({ HUB_ROLE: 'all', LEASE_TTL_MS: 15_000 });
    expect(readConfig({ ...postgres, HUB_ROLE: 'worker', LEASE_TTL_MS: '1000' })).toMatchObject({ HUB_ROLE: 'worker', LEASE_TTL_MS: 1000 });
    expect(readConfig({ ...postgres, HUB_ROLE: 'api' }).HUB_ROLE).toBe('api');
  });

  test('api or worker without EVENT_STORE=postgres stops the start, naming HUB_ROLE', () => {
    for (const role of ['api', 'worker']) {
      expect(() => readConfig({ HUB_ROLE: role })).toThrow(/HUB_ROLE: api and worker need EVENT_STORE=postgres/);
      expect(() => readConfig({ HUB_ROLE: role, EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: 'esdb://localhost:2113' })).toThrow(
        /HUB_ROLE/,
      );
    }
    expect(() => readConfig({ HUB_ROLE: 'both' })).toThrow(/HUB_ROLE/);
    expect(() => readConfig({ ...postgres, LEASE_TTL_MS: '10' })).toThrow(/LEASE_TTL_MS/);
  });
});
