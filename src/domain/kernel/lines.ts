/** Quantities per SKU: the one way every aggregate counts goods. */
export type Line = Readonly<{ sku: string; quantity: number; batchNo?: string }>;

export type Problem = Readonly<{ path: string; message: string }>;

export const isPositiveInteger = (value: number): boolean => Number.isSafeInteger(value) && value > 0;

export const isNonNegativeInteger = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/**
 * Problems with a list of lines: empty, non-positive or fractional quantities, blank SKUs, and a
 * SKU named twice, unless `allowRepeatedSkus` (a shipment may name a SKU once per batch).
 */
export const lineProblems = (
  lines: readonly Line[],
  path: string,
  { allowRepeatedSkus = false }: Readonly<{ allowRepeatedSkus?: boolean }> = {},
): Problem[] => {
  if (lines.length === 0) return [{ path, message: 'must hold at least one line' }];
  const seen = new Set<string>();
  return lines.flatMap((line, index): Problem[] => {
    const problems: Problem[] = [];
    if (line.sku.trim() === '') problems.push({ path: `${path}[${index}].sku`, message: 'must not be blank' });
    else if (!allowRepeatedSkus && seen.has(line.sku)) {
      problems.push({ path: `${path}[${index}].sku`, message: `${line.sku} appears more than once` });
    }
    seen.add(line.sku);
    if (!isPositiveInteger(line.quantity)) {
      problems.push({ path: `${path}[${index}].quantity`, message: 'must be a positive whole number' });
    }
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
