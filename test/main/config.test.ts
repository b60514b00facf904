/** The service's configuration: defaults that run the hub with nothing set; a bad value stops it, naming the variable. */
import { describe, expect, test } from 'vitest';
import { ConfigError, readConfig } from '../../src/main/config.ts';

describe('configuration from the environment', () => {
  test("nothing set: the embedded store, the sandbox, the article's retry policy, Asia/Shanghai", () => {
    expect(readConfig({})).toMatchObject({
      PORT: 3000,
      OMS_DATA_DIR: './data',
      EVENT_STORE: 'sqlite',
      SQLITE_SYNCHRONOUS: 'FULL',
      SANDBOX_MODE: 'auto',
      WAREHOUSE_ZONE: 'Asia/Shanghai',
      RETRY_MAX_ATTEMPTS: 3,
      RETRY_BASE_DELAY_MS: 60_000,
      RETRY_MAX_DELAY_MS: 900_000,
      RETRY_JITTER: 'full',
      OMS_API_KEYS: [],
    });
    expect(readConfig({}).WMS_URL).toBeUndefined();
  });

  test('bad values stop start-up with one line per variable, naming it and why', () => {
    const read = () =>
      readConfig({
        PORT: 'abc',
        WAREHOUSE_ZONE: 'Mars/Olympus',
        WMS_URL: 'not a url',
        EVENT_STORE: 'eventstoredb',
        SANDBOX_MODE: 'sometimes',
      });
    expect(read).toThrow(ConfigError);
    const message = (() => {
      try {
        read();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const variable of ['PORT', 'WAREHOUSE_ZONE: must be an IANA time zone', 'WMS_URL: must be an http(s) URL', 'SANDBOX_MODE']) {
      expect(message).toContain(variable);
    }
  });

  test('listening beyond loopback needs credentials: without OMS_CREDENTIALS_FILE or OMS_API_KEYS start-up stops and says what to set', () => {
    for (const HOST of ['0.0.0.0', '::', '10.0.0.5', 'hub.example']) {
      expect(() => readConfig({ HOST })).toThrow(
        /HOST: listening beyond this machine needs credentials: set OMS_CREDENTIALS_FILE .* or OMS_API_KEYS/,
      );
      expect(readConfig({ HOST, OMS_API_KEYS: 'k1' }).HOST).toBe(HOST);
      expect(readConfig({ HOST, OMS_CREDENTIALS_FILE: '/etc/hub/credentials.json' }).HOST).toBe(HOST);
    }
    for (const HOST of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(readConfig({ HOST }).HOST).toBe(HOST);
  });

  test("the sandbox runs WH002 in Qimen by default; none: every warehouse in the article's JSON; or the codes given", () => {
    expect(readConfig({}).SANDBOX_QIMEN_WAREHOUSES).toEqual(['WH002']);
    expect(readConfig({ SANDBOX_QIMEN_WAREHOUSES: 'none' }).SANDBOX_QIMEN_WAREHOUSES).toEqual([]);
    expect(readConfig({ SANDBOX_QIMEN_WAREHOUSES: 'WH001, WH003' }).SANDBOX_QIMEN_WAREHOUSES).toEqual(['WH001', 'WH003']);
  });

  test('retries have full jitter by default; none turns it off; another value is named', () => {
    expect(readConfig({ RETRY_JITTER: 'none' }).RETRY_JITTER).toBe('none');
    expect(() => readConfig({ RETRY_JITTER: 'equal' })).toThrow(/RETRY_JITTER/);
  });

  test('stock reconciliation hourly and alerts above 10 units by default; 0 turns the schedule off; a bad value is named', () => {
    expect(readConfig({})).toMatchObject({ RECONCILE_EVERY_MS: 3_600_000, VARIANCE_ALERT_UNITS: 10 });
    expect(readConfig({ RECONCILE_EVERY_MS: '0', VARIANCE_ALERT_UNITS: '0' })).toMatchObject({
      RECONCILE_EVERY_MS: 0,
      VARIANCE_ALERT_UNITS: 0,
    });
    expect(() => readConfig({ RECONCILE_EVERY_MS: '-1' })).toThrow(/RECONCILE_EVERY_MS/);
    expect(() => readConfig({ VARIANCE_ALERT_UNITS: 'ten' })).toThrow(/VARIANCE_ALERT_UNITS/);
  });

  test('EventStoreDB needs its connection string', () => {
    expect(() => readConfig({ EVENT_STORE: 'eventstoredb' })).toThrow('ESDB_CONNECTION_STRING: is required when EVENT_STORE=eventstoredb');
    expect(readConfig({ EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).EVENT_STORE).toBe(
      'eventstoredb',
    );
  });

  test('PostgreSQL needs DATABASE_URL, a postgres:// connection string (the message does not repeat it: it holds a password)', () => {
    expect(() => readConfig({ EVENT_STORE: 'postgres' })).toThrow('DATABASE_URL: is required when EVENT_STORE=postgres');
    for (const bad of ['localhost:5432/hub', 'mysql://hub:pw@db/hub', 'postgres://hub:hunter2@[db/hub'])
      expect(() => readConfig({ EVENT_STORE: 'postgres', DATABASE_URL: bad })).toThrow(
        /DATABASE_URL: must be a postgres:\/\/ \(or postgresql:\/\/\) connection string/,
      );
    expect(() => readConfig({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://hub:hunter2@[db/hub' })).not.toThrow(/hunter2/);
    expect(readConfig({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgresql://hub:pw@db.internal:5432/hub' })).toMatchObject({
      EVENT_STORE: 'postgres',
      DATABASE_URL: 'postgresql://hub:pw@db.internal:5432/hub',
    });
  });

  test('API keys are a comma-separated list; an empty value counts as unset', () => {
    expect(readConfig({ OMS_API_KEYS: ' k1, k2 ,,' }).OMS_API_KEYS).toEqual(['k1', 'k2']);
    expect(readConfig({ PORT: '' }).PORT).toBe(3000);
  });
});
