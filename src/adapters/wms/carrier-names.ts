/**
 * The hub knows a carrier by its code (SF, YTO, ZTO, JD: kernel/identifiers.ts). A warehouse may
 * write the carrier's name instead, as the article's callback does (`"carrier": "顺丰速运"`): the
 * names of the large carriers are read as their codes, so that body is taken as it is written.
 * Any other name is left as it came, and the order refuses it as no carrier code.
 */
const codeOfName: ReadonlyMap<string, string> = new Map([
  ['顺丰速运', 'SF'],
  ['顺丰', 'SF'],
  ['圆通速递', 'YTO'],
  ['圆通', 'YTO'],
  ['中通快递', 'ZTO'],
  ['中通', 'ZTO'],
  ['申通快递', 'STO'],
  ['申通', 'STO'],
  ['韵达速递', 'YD'],
  ['韵达快递', 'YD'],
  ['韵达', 'YD'],
  ['京东物流', 'JD'],
  ['京东快递', 'JD'],
  ['京东', 'JD'],
]);

/** The carrier's code: a known carrier's name read as its code; anything else as it came. */
export const carrierCode = (carrier: string): string => codeOfName.get(carrier) ?? carrier;

/** The names read as codes, for the adapters that state them (the OpenAPI document). */
export const carrierNames = (): string => [...codeOfName].map(([name, code]) => `${name} → ${code}`).join(', ');
