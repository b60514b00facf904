/** Quantities per SKU: the one way every aggregate counts goods. */
import { identifierProblems } from './identifiers.ts';

/**
 * `batchNo`: the batch (an identifier, ./identifiers.ts), when the line names one; a receipt's line
 * may also give the batch's production and expiry dates (ISO dates).
 */
export type Line = Readonly<{ sku: string; quantity: number; batchNo?: string; productionDate?: string; expiryDate?: string }>;

export type Problem = Readonly<{ path: string; message: string }>;

export const isPositiveInteger = (value: number): boolean => Number.isSafeInteger(value) && value > 0;

export const isNonNegativeInteger = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/**
 * The most units of one SKU that one line, report, count or stock movement may name: far above
 * any real shipment, and low enough that no sum of them leaves the safe integers.
 */
export const MAX_QUANTITY = 1_000_000;

/** The most lines one order, inbound, return or report may hold. */
export const MAX_LINES = 500;

/** The problem with a quantity of at least `least` (1: a line; 0: a count, a receipt), at `path`; none when it is one. */
export const quantityProblems = (path: string, value: number, least: 0 | 1): Problem[] => {
  if (!Number.isSafeInteger(value) || value < least)
    return [{ path, message: least === 1 ? 'must be a positive whole number' : 'must be a whole number, zero or more' }];
  return value > MAX_QUANTITY ? [{ path, message: `must be at most ${MAX_QUANTITY}` }] : [];
};

/**
 * Problems with a list of lines: empty or longer than MAX_LINES, non-positive or fractional quantities, SKUs blank or not
 * identifiers (./identifiers.ts), and a
 * SKU named twice, unless `allowRepeatedSkus` (a shipment may name a SKU once per batch).
 */
export const lineProblems = (
  lines: readonly Line[],
  path: string,
  { allowRepeatedSkus = false }: Readonly<{ allowRepeatedSkus?: boolean }> = {},
): Problem[] => {
  if (lines.length === 0) return [{ path, message: 'must hold at least one line' }];
  if (lines.length > MAX_LINES) return [{ path, message: `must hold at most ${MAX_LINES} lines` }];
  const seen = new Set<string>();
  return lines.flatMap((line, index): Problem[] => {
    const problems: Problem[] = [];
    const skuProblems = identifierProblems('code', `${path}[${index}].sku`, line.sku);
    if (skuProblems.length > 0) problems.push(...skuProblems);
    else if (!allowRepeatedSkus && seen.has(line.sku)) {
      problems.push({ path: `${path}[${index}].sku`, message: `${line.sku} appears more than once` });
    }
    seen.add(line.sku);
    problems.push(...quantityProblems(`${path}[${index}].quantity`, line.quantity, 1));
    return problems;
  });
};

/** Sums quantities per SKU (a shipment or receipt may name a SKU more than once, e.g. per batch). */
export const totalsBySku = (lines: readonly Line[]): ReadonlyMap<string, number> => {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return totals;
};

/** A key that is the same for the same lines in any order: for recognising a redelivered report. */
export const linesKey = (lines: readonly Line[]): string =>
  [...totalsBySku(lines)]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sku, q]) => `${sku}=${q}`)
    .join(',');
