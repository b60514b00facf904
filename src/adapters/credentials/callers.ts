/**
 * Who may call the hub, and as what. A caller is known by a key it presents; it acts in one or
 * more roles, and a warehouse caller only for its own warehouse codes:
 *
 *   channel    places and cancels orders, creates returns, reads its orders, shipments and stock
 *   warehouse  sends warehouse messages (callbacks) for its own warehouse codes, signed
 *   carrier    reads shipments
 *   operator   a person's manual actions (retry, reroute, resolve, adjust stock, acknowledge
 *              alerts, purchase inbounds) and every read
 *   reporting  reads: orders, reports, stock, alerts, shipments; changes nothing
 *
 * Keys given as OMS_API_KEYS act in every role for every warehouse (one trusted caller, or
 * development); the credentials file (./credentials-file.ts) names callers with their roles.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { QimenSignMethod } from '../qimen/qimen-signature.ts';

export const roles = ['channel', 'warehouse', 'carrier', 'operator', 'reporting'] as const;
export type Role = (typeof roles)[number];

export type Caller = Readonly<{
  /** how the store names it (`metadata.actor`): the file's id, `key:` + 12 hex digits of an OMS_API_KEYS key's SHA-256, or `open` */
  id: string;
  roles: readonly Role[];
  /** the warehouse codes it may report for */
  warehouses: 'any' | readonly string[];
  /** signs its requests, and the hub's calls to its warehouses (../signature/hub-signature.ts); null: does not sign */
  signingSecret: string | null;
  /** a warehouse that speaks Qimen: its app key and the secret and method its messages are signed with (../qimen/qimen-signature.ts); null: does not */
  qimen: QimenKey | null;
  /** a warehouse caller's warehouses: the zone of their local times, and how long a call to them may take (null: the hub's WAREHOUSE_ZONE, WMS_TIMEOUT_MS) */
  zone: string | null;
  timeoutMs: number | null;
}>;

export type QimenKey = Readonly<{
  appKey: string;
  secret: string;
  signMethod: QimenSignMethod;
  /** where the hub calls this caller's warehouses in Qimen (a WMS, or a Qimen gateway); absent: the hub calls them in the article's JSON */
  url?: string | undefined;
  /** Qimen's `customerId` on those calls, and the owner code of their lines */
  customerId?: string | undefined;
  ownerCode?: string | undefined;
}>;

/** A warehouse the hub calls in Qimen: where, with what key, for whom. */
export type QimenWarehouseKey = Readonly<{
  url: string;
  /** null: WMS_TIMEOUT_MS */
  timeoutMs: number | null;
  appKey: string;
  secret: string;
  signMethod: QimenSignMethod;
  customerId: string;
  ownerCode: string;
}>;

/** A caller and the SHA-256 of its key. */
export type KnownCaller = Caller & Readonly<{ keyDigest: Buffer }>;

/** Every caller, when the hub runs without credentials (open, on loopback). */
export const openCaller: Caller = { id: 'open', roles, warehouses: 'any', signingSecret: null, qimen: null, zone: null, timeoutMs: null };

export const keyDigest = (key: string): Buffer => createHash('sha256').update(key).digest();

/** A key of OMS_API_KEYS: every role, every warehouse, unsigned. */
export const fullAccessCaller = (key: string): KnownCaller => ({
  id: `key:${keyDigest(key).toString('hex').slice(0, 12)}`,
  roles,
  warehouses: 'any',
  signingSecret: null,
  qimen: null,
  zone: null,
  timeoutMs: null,
  keyDigest: keyDigest(key),
});

export const actsAs = (caller: Caller, allowed: readonly Role[]): boolean => caller.roles.some((role) => allowed.includes(role));

export const holdsWarehouse = (caller: Caller, warehouseCode: string): boolean =>
  caller.warehouses === 'any' || caller.warehouses.includes(warehouseCode);

/** What the hub signs its outgoing calls with: a warehouse's secret (its caller's), the TMS's own. */
export type OutgoingSecrets = Readonly<{ warehouse: (warehouseCode: string) => string | null; tms: () => string | null }>;

export type CallerBook = Readonly<{ callers: readonly KnownCaller[]; tmsSigningSecret: string | null }>;

/**
 * The callers the hub knows now. Replaced as a whole when the credentials file changes
 * (`replace`), so that a request sees one version or the other, never a mix.
 */
export class Callers implements OutgoingSecrets {
  private book: CallerBook;

  constructor(book: CallerBook) {
    this.book = book;
  }

  replace(book: CallerBook): void {
    this.book = book;
  }

  /** No callers configured: the hub is open (loopback only, see config). */
  get open(): boolean {
    return this.book.callers.length === 0;
  }

  get count(): number {
    return this.book.callers.length;
  }

  /** The caller of this id (`metadata.actor`'s form) as it is known now: how a parked warehouse message is applied later, as its sender. */
  byId(id: string): Caller | undefined {
    if (this.open) return id === openCaller.id ? openCaller : undefined;
    return this.book.callers.find((caller) => caller.id === id);
  }

  /** The caller a presented key belongs to; compared in constant time (equal-length digests, every caller compared). */
  identify(presented: string): Caller | undefined {
    const mine = keyDigest(presented);
    let found: Caller | undefined;
    for (const caller of this.book.callers) if (timingSafeEqual(caller.keyDigest, mine) && found === undefined) found = caller;
    return found;
  }

  /** The warehouse caller whose Qimen messages carry this `app_key` (undefined: none). */
  byQimenAppKey(appKey: string): Caller | undefined {
    return this.book.callers.find((caller) => caller.qimen?.appKey === appKey);
  }

  /** The warehouse caller of a warehouse code (undefined: none names it). */
  private warehouseCaller(warehouseCode: string): KnownCaller | undefined {
    return this.book.callers.find((candidate) => candidate.warehouses !== 'any' && candidate.warehouses.includes(warehouseCode));
  }

  /** The zone of a warehouse's local times, and how long a call to it may take, when its caller says (undefined: the hub's default). */
  zoneOf = (warehouseCode: string): string | undefined => this.warehouseCaller(warehouseCode)?.zone ?? undefined;
  timeoutOf = (warehouseCode: string): number | undefined => this.warehouseCaller(warehouseCode)?.timeoutMs ?? undefined;

  /** How the hub calls this warehouse in Qimen; null: in the article's JSON. */
  qimenWarehouse(warehouseCode: string): QimenWarehouseKey | null {
    const caller = this.warehouseCaller(warehouseCode);
    const key = caller?.qimen;
    if (key?.url === undefined) return null;
    return {
      url: key.url,
      timeoutMs: caller?.timeoutMs ?? null,
      appKey: key.appKey,
      secret: key.secret,
      signMethod: key.signMethod,
      customerId: key.customerId ?? key.appKey,
      ownerCode: key.ownerCode ?? caller?.id ?? warehouseCode,
    };
  }

  // a warehouse code has one caller (the credentials file says so)
  warehouse = (warehouseCode: string): string | null => this.warehouseCaller(warehouseCode)?.signingSecret ?? null;

  tms = (): string | null => this.book.tmsSigningSecret;
}
