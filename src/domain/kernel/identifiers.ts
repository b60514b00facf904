/**
 * The identifiers that become part of stream names (`order-{orderNo}`, `stock-{warehouseCode}.{sku}`,
 * `inbound-{inboundNo}`, `return-{returnNo}`, `shipment-{carrier}.{waybillNo}`): each kind has one
 * documented character set and length, checked by every decider that names one, so that every
 * stream name reads back as the identifiers it was made of.
 *
 *   warehouse code  1–32 letters, digits, `_` or `-` (no `.`: it separates warehouse and SKU in
 *                   a stock ledger's stream name, so that name splits one way only)
 *   carrier         1–32 letters, digits, `_` or `-`: the carrier's code (SF, YTO, ZTO, JD). No
 *                   `.`: a waybill number is unique per carrier only, so a shipment is named by
 *                   both, `{carrier}.{waybillNo}` (./waybill.ts), and the first `.` ends the carrier
 *   any other       1–64 letters, digits, `_`, `.` or `-` (order, SKU, inbound, return, waybill;
 *                   and a batch number, which names no stream but is held to the SKU's rule, as
 *                   the stock ledger keeps stock per batch)
 *
 * Letters are ASCII: no spaces, no separators of other scripts, no lone surrogates, nothing a
 * store, a URL or a terminal could read differently.
 */
import type { Problem } from './lines.ts';

export type IdentifierKind = 'warehouseCode' | 'carrier' | 'code';

const rules: Readonly<Record<IdentifierKind, Readonly<{ pattern: RegExp; rule: string }>>> = {
  warehouseCode: { pattern: /^[A-Za-z0-9_-]{1,32}$/, rule: 'must be 1–32 letters, digits, _ or -' },
  carrier: { pattern: /^[A-Za-z0-9_-]{1,32}$/, rule: 'must be a carrier code: 1–32 letters, digits, _ or -' },
  code: { pattern: /^[A-Za-z0-9_.-]{1,64}$/, rule: 'must be 1–64 letters, digits, _ . or -' },
};

/** The pattern and the rule of a kind, for adapters that state them (the OpenAPI document). */
export const identifierRule = (kind: IdentifierKind): Readonly<{ pattern: RegExp; rule: string }> => rules[kind];

export const isIdentifier = (kind: IdentifierKind, value: string): boolean => typeof value === 'string' && rules[kind].pattern.test(value);

/** The problem with `value` as an identifier of this kind, at `path` (blank, or not of its kind); none when it is one. */
export const identifierProblems = (kind: IdentifierKind, path: string, value: string): Problem[] => {
  if (isIdentifier(kind, value)) return [];
  return [{ path, message: typeof value !== 'string' || value.trim() === '' ? 'must not be blank' : rules[kind].rule }];
};
