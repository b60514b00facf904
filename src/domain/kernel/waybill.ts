/**
 * A waybill: the number a carrier gives a parcel. The number is unique per carrier only (two
 * carriers may print the same one), so a shipment is known by the carrier and the number together,
 * everywhere the hub keys on one: its hand-off's stream, the order's memory of what it has
 * applied, the stock deducted for it.
 *
 * Written as one identifier, `{carrier}.{waybillNo}`. A carrier code has no `.` (./identifiers.ts),
 * so the first `.` ends it and the text reads back as the one waybill it was made of, even when
 * the number itself has dots.
 */
import { isIdentifier } from './identifiers.ts';

export type Waybill = Readonly<{ carrier: string; waybillNo: string }>;

export const waybillId = ({ carrier, waybillNo }: Waybill): string => `${carrier}.${waybillNo}`;

/** The waybill an id names; null when it names none (no carrier code before the first `.`, or no waybill number after it). */
export const waybillOfId = (id: string): Waybill | null => {
  const dot = id.indexOf('.');
  if (dot < 0) return null;
  const waybill = { carrier: id.slice(0, dot), waybillNo: id.slice(dot + 1) };
  return isIdentifier('carrier', waybill.carrier) && isIdentifier('code', waybill.waybillNo) ? waybill : null;
};
