/**
 * Who may call the hub, as the configuration says: the credentials file's callers (read again when
 * it changes) and a full-access caller per key of OMS_API_KEYS. The hub and the stand-alone
 * sandbox (which signs as one of them) read them the same way.
 */
import type { Logger } from 'pino';
import { type CallerBook, Callers, fullAccessCaller } from '../adapters/credentials/callers.ts';
import { type CredentialsWatch, readCredentials, watchCredentials } from '../adapters/credentials/credentials-file.ts';
import type { Config } from './config.ts';

const noFile: CallerBook = { callers: [], tmsSigningSecret: null };

/** The callers: the credentials file's, and a full-access caller per key of OMS_API_KEYS. */
const withKeys = (config: Config, file: CallerBook): CallerBook => ({
  callers: [...file.callers, ...config.OMS_API_KEYS.map(fullAccessCaller)],
  tmsSigningSecret: file.tmsSigningSecret,
});

/** Read the credentials file again whenever it changes (null: there is none). */
export const watchCallers = (config: Config, callers: Callers, logger: Logger): CredentialsWatch | null => {
  const path = config.OMS_CREDENTIALS_FILE;
  if (path === undefined) return null;
  return watchCredentials(
    path,
    (file) => {
      callers.replace(withKeys(config, file));
      logger.info({ callers: callers.count }, `credentials reloaded from ${path}: ${callers.count} callers`);
    },
    (error) => logger.error(`${error.message}\nthe callers stay as they were`),
  );
};

/** The callers now (the file read once). */
export const callersOf = (config: Config): Callers => {
  const path = config.OMS_CREDENTIALS_FILE;
  return new Callers(withKeys(config, path === undefined ? noFile : readCredentials(path)));
};
