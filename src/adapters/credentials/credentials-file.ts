/**
 * The credentials file (OMS_CREDENTIALS_FILE): the hub's callers, their roles, their keys (plain,
 * or as the SHA-256 of the key in hex, so that the file need not hold them), the warehouse codes
 * a warehouse caller reports for and the secret it signs with, and the secret the hub signs its
 * calls to the TMS with. Validated as a whole: a file with a mistake is refused with every
 * problem named (at start-up the hub does not start; on a reload it keeps the callers it had).
 *
 * It is read again when it changes (the directory is watched, so that an editor's or a deploy's
 * write-and-rename is seen) and on SIGHUP: a key added or withdrawn takes effect without a restart.
 */
import { readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { identifierRule } from '../../domain/kernel/identifiers.ts';
import { qimenSignMethods } from '../qimen/qimen-signature.ts';
import { type CallerBook, type KnownCaller, keyDigest, roles } from './callers.ts';

const warehouseCode = z.string().regex(identifierRule('warehouseCode').pattern, identifierRule('warehouseCode').rule);
const secret = z.string().min(32, 'must be at least 32 characters').max(256);

const callerEntry = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, _ . or -'),
    roles: z.array(z.enum(roles)).min(1, 'must name at least one role'),
    key: z.string().min(16, 'must be at least 16 characters').max(256).optional(),
    keySha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the SHA-256 of the key in hex (64 digits)')
      .optional(),
    warehouses: z.array(warehouseCode).min(1).optional(),
    signingSecret: secret.optional(),
    zone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Asia/Shanghai')
      .optional(),
    timeoutMs: z.int('must be a whole number of milliseconds').min(100).max(120_000).optional(),
    qimen: z
      .strictObject({
        appKey: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, _ . or -'),
        secret,
        signMethod: z.enum(qimenSignMethods).default('md5'),
        url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
        customerId: z.string().min(1).max(64).optional(),
        ownerCode: z.string().min(1).max(64).optional(),
      })
      .optional(),
  })
  .superRefine((entry, ctx) => {
    if ((entry.key === undefined) === (entry.keySha256 === undefined))
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'give exactly one of key and keySha256' });
    const isWarehouse = entry.roles.includes('warehouse');
    if (isWarehouse && entry.warehouses === undefined)
      ctx.addIssue({ code: 'custom', path: ['warehouses'], message: 'a warehouse caller names the warehouse codes it reports for' });
    if (!isWarehouse && entry.warehouses !== undefined)
      ctx.addIssue({ code: 'custom', path: ['warehouses'], message: 'only a warehouse caller names warehouses' });
    if (isWarehouse && entry.signingSecret === undefined && entry.qimen === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['signingSecret'],
        message: 'a warehouse caller signs its callbacks: give it a signingSecret (JSON), a qimen key (Qimen), or both',
      });
    if (!isWarehouse && (entry.zone !== undefined || entry.timeoutMs !== undefined))
      ctx.addIssue({ code: 'custom', path: ['zone'], message: 'only a warehouse caller has a zone and a timeout' });
    if (!isWarehouse && entry.qimen !== undefined)
      ctx.addIssue({ code: 'custom', path: ['qimen'], message: 'only a warehouse caller speaks Qimen' });
  });

export const credentialsFile = z
  .strictObject({
    callers: z.array(callerEntry).min(1, 'must name at least one caller'),
    tms: z.strictObject({ signingSecret: secret }).optional(),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.callers.forEach((entry, index) => {
      const first = seen.get(entry.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['callers', index, 'id'], message: `the same id as callers.${first}` });
      seen.set(entry.id, index);
    });
    const digests = new Map<string, number>();
    file.callers.forEach((entry, index) => {
      const digest = digestOf(entry).toString('hex');
      const first = digests.get(digest);
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path: ['callers', index, 'key'], message: `the same key as callers.${first}` });
      digests.set(digest, index);
    });
    const appKeys = new Map<string, number>();
    file.callers.forEach((entry, index) => {
      if (entry.qimen === undefined) return;
      const first = appKeys.get(entry.qimen.appKey);
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path: ['callers', index, 'qimen', 'appKey'], message: `the same appKey as callers.${first}` });
      appKeys.set(entry.qimen.appKey, index);
    });
    const signer = new Map<string, number>();
    file.callers.forEach((entry, index) => {
      for (const code of entry.warehouses ?? []) {
        const first = signer.get(code);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['callers', index, 'warehouses'],
            message: `${code} is also callers.${first}'s: a warehouse has one caller (the hub signs its calls to it with that caller's secret)`,
          });
        signer.set(code, index);
      }
    });
  });

export type CredentialsFile = z.input<typeof credentialsFile>;
type Entry = z.output<typeof callerEntry>;

const digestOf = (entry: Entry): Buffer =>
  entry.keySha256 !== undefined ? Buffer.from(entry.keySha256.toLowerCase(), 'hex') : keyDigest(entry.key ?? '');

export class CredentialsFileError extends Error {}

/** The callers of a credentials file's text; a CredentialsFileError naming each problem when it is not valid. */
export const parseCredentials = (text: string, path: string): CallerBook => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CredentialsFileError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = credentialsFile.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.map(String).join('.') || '(file)'}: ${issue.message}`);
    throw new CredentialsFileError(`${path} is not a valid credentials file:\n${lines.join('\n')}`);
  }
  const callers = parsed.data.callers.map((entry): KnownCaller => ({
    id: entry.id,
    roles: entry.roles,
    warehouses: entry.warehouses ?? [],
    signingSecret: entry.signingSecret ?? null,
    qimen: entry.qimen ?? null,
    zone: entry.zone ?? null,
    timeoutMs: entry.timeoutMs ?? null,
    keyDigest: digestOf(entry),
  }));
  return { callers, tmsSigningSecret: parsed.data.tms?.signingSecret ?? null };
};

export const readCredentials = (path: string): CallerBook => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CredentialsFileError(`cannot read the credentials file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseCredentials(text, path);
};

export type CredentialsWatch = Readonly<{ reload: () => void; close: () => void }>;

/**
 * Read the file again whenever it changes, and on SIGHUP: each new version that is valid goes to
 * `onLoad`; one that is not goes to `onError` (and the callers stay as they were).
 */
export const watchCredentials = (
  path: string,
  onLoad: (book: CallerBook) => void,
  onError: (error: CredentialsFileError) => void,
): CredentialsWatch => {
  const reload = () => {
    try {
      onLoad(readCredentials(path));
    } catch (error) {
      if (error instanceof CredentialsFileError) onError(error);
      else throw error;
    }
  };
  const watcher = watch(dirname(path), (_event, file) => {
    if (file === basename(path)) reload();
  });
  process.on('SIGHUP', reload);
  return {
    reload,
    close: () => {
      watcher.close();
      process.off('SIGHUP', reload);
    },
  };
};
