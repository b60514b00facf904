/**
 * `npm run sandbox`: the sandbox WMS and TMS in a process of their own, calling back the hub at
 * SANDBOX_HUB_URL, for a hub started with WMS_URL and TMS_URL pointing here (and DEMO_STOCK=true, so
 * that its ledgers start with the sandbox's shelves). The same settings as the hub's sandbox
 * (SANDBOX_MODE, SANDBOX_DELAY_MS, SANDBOX_WMS_PORT, SANDBOX_TMS_PORT, WAREHOUSE_ZONE); with
 * credentials, it calls back as SANDBOX_WAREHOUSE_KEY's caller and checks the hub's signatures as a
 * real warehouse would. It speaks the article's JSON for every warehouse (a Qimen warehouse needs
 * the hub to know its Qimen URL: a `qimen.url` in the credentials file).
 */
import { pino } from 'pino';
import { CredentialsFileError } from '../adapters/credentials/credentials-file.ts';
import { callersOf } from './callers-of-config.ts';
import { ConfigError, readConfig } from './config.ts';
import { sandboxCaller, startConfiguredSandbox } from './sandbox-of-config.ts';

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const main = async (): Promise<void> => {
  try {
    const config = readConfig(process.env);
    const hubUrl =
      config.SANDBOX_HUB_URL ?? fail('invalid configuration:\n  SANDBOX_HUB_URL: where the hub listens, e.g. http://127.0.0.1:3000');
    const logger = pino({ level: config.LOG_LEVEL, base: null });
    const callers = callersOf(config);
    const calledBack = { ...sandboxCaller(config, callers), ...(callers.open ? { qimen: undefined } : {}) };
    const sandbox = await startConfiguredSandbox(config, callers, calledBack, config.DEMO_STOCK !== 'false', logger, hubUrl);
    console.log(
      [
        `sandbox WMS at ${sandbox.wmsUrl}, sandbox TMS at ${sandbox.tmsUrl}, calling the hub back at ${hubUrl}`,
        `start the hub with: WMS_URL=${sandbox.wmsUrl} TMS_URL=${sandbox.tmsUrl} DEMO_STOCK=${config.DEMO_STOCK ?? 'true'} npm start`,
      ].join('\n'),
    );
    const stop = async () => {
      await sandbox.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CredentialsFileError) fail(error.message);
    throw error;
  }
};

await main();
