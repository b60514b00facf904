/**
 * Whether a command is well-formed (docs/architecture.md#requests-and-facts): each `…Problems`
 * check names what is wrong with one kind of command, none when it may be decided.
 */
import { type Problem, lineProblems } from '../kernel/lines.ts';
import { identifierProblems } from '../kernel/identifiers.ts';
import { isInstant } from '../kernel/instant.ts';
import { type PlaceOrder, type RecordShipment, type RerouteOrder, type ResolveManually, priorities, timeRequirements } from './commands.ts';

const consigneeFields = ['name', 'phone', 'province', 'city', 'district', 'address'] as const;

/** No problem when `ok`, else the one problem at `path`. */
const problemUnless = (ok: boolean, path: string, message: string): Problem[] => (ok ? [] : [{ path, message }]);

export const placementProblems = ({ data: d }: PlaceOrder): Problem[] => [
  ...identifierProblems('code', 'orderNo', d.orderNo),
  ...identifierProblems('warehouseCode', 'warehouseCode', d.warehouseCode),
  ...problemUnless(priorities.includes(d.priority), 'priority', `must be one of ${priorities.join(', ')}`),
  ...problemUnless(timeRequirements.includes(d.timeRequirement), 'timeRequirement', `must be one of ${timeRequirements.join(', ')}`),
  ...lineProblems(d.items, 'items'),
  // a line that names a batch reserves from it (stock-ledger/batches.ts): a batch number is an identifier, as a SKU is
  // (an empty one is no batch, as placementKey reads it)
  ...d.items.flatMap((item, i) =>
    item.batchNo === undefined || item.batchNo === '' ? [] : identifierProblems('code', `items[${i}].batchNo`, item.batchNo),
  ),
  ...consigneeFields.flatMap((field) => problemUnless(d.consignee[field].trim() !== '', `consignee.${field}`, 'must not be blank')),
  ...problemUnless(isInstant(d.now), 'now', 'must be an ISO instant with an offset'),
];

export const rerouteProblems = ({ data: d }: RerouteOrder): Problem[] =>
  identifierProblems('warehouseCode', 'warehouseCode', d.warehouseCode);

export const resolveProblems = ({ data: d }: ResolveManually): Problem[] =>
  problemUnless(d.outboundNo.trim() !== '', 'outboundNo', 'the WMS order number must not be blank');

/**
 * A shipment may name a SKU more than once (once per batch): its items are summed per SKU. Its
 * carrier and waybill number name it (kernel/waybill.ts): each must be an identifier of its kind.
 */
export const shipmentProblems = ({ data: d }: RecordShipment): Problem[] => [
  ...lineProblems(d.items, 'items', { allowRepeatedSkus: true }),
  ...identifierProblems('code', 'waybillNo', d.waybillNo),
  ...identifierProblems('carrier', 'carrier', d.carrier),
];
