/**
 * The request bodies and queries of the hub's own endpoints (the warehouse's callbacks are in
 * ../wms/wms-wire.ts). Unknown keys are ignored.
 */
import { z } from 'zod';
import { identifierRule } from '../../domain/kernel/identifiers.ts';
import { count, freeText, linesOf, outboundCreateRequest, quantity, text } from '../wms/wms-wire.ts';

const { pattern, rule } = identifierRule('code');
const code = (what: string) => z.string().regex(pattern, `${what} ${rule}`);
const instant = z.iso.datetime({ offset: true, local: true, message: 'must be an ISO-8601 date-time' });

/** Intake (`POST /api/oms/orders`): the article's outbound body, plus the order's shortage policy. */
export const orderIntake = outboundCreateRequest.extend({
  orderNo: code('orderNo'),
  allowPartialShip: z
    .boolean()
    .default(false)
    .describe('on a shortage, ship what there is and backorder the rest (docs/architecture.md#shortage-policy)'),
  allowCancel: z.boolean().default(false).describe('on a shortage the order may not wait for: cancel it and release its stock'),
});

export const cancelBody = z.object({ reason: freeText('reason').default('cancelled on request') });
export const retryBody = z.object({});
export const rerouteBody = z.object({ warehouseCode: text('warehouseCode'), reason: freeText('reason').default('rerouted on request') });
export const resolveBody = z.object({
  outboundNo: text('outboundNo').describe('the WMS order number the person arranged by hand'),
  note: freeText('note').default(''),
});

export const purchaseInboundBody = z.object({
  inboundNo: code('inboundNo'),
  warehouseCode: text('warehouseCode'),
  supplier: text('supplier'),
  poNumber: text('poNumber'),
  items: linesOf(z.object({ sku: text('sku'), quantity }), 'items'),
  expectedAt: instant.optional(),
});

export const returnBody = z.object({
  returnNo: code('returnNo'),
  orderNo: text('orderNo'),
  // required, as the return decider requires it (it was optional here and refused there: a 422 from two places)
  reason: text('reason').describe('why the customer sends the goods back'),
  items: linesOf(z.object({ sku: text('sku'), quantity }), 'items'),
  warehouseCode: text('warehouseCode').optional().describe("where the goods go back; default: the order's warehouse"),
});
export const closeReturnBody = z.object({});

export const stockQuery = z.object({ warehouseCode: z.string().optional(), sku: z.string().optional() });
export const stockAdjustmentBody = z.object({
  countId: code('countId').describe('the stock count this comes from: the adjustment is applied once per count, warehouse and SKU'),
  warehouseCode: text('warehouseCode'),
  sku: text('sku'),
  countedOnHand: count,
});
const warehouseCodeRule = identifierRule('warehouseCode');
export const reconcileBody = z.object({
  warehouseCode: z
    .string()
    .regex(warehouseCodeRule.pattern, `warehouseCode ${warehouseCodeRule.rule}`)
    .describe('the warehouse whose stock snapshot the ledgers are compared with'),
});

export const alertsQuery = z.object({
  acknowledged: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  subject: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const acknowledgeBody = z.object({ by: freeText('by').default('operator') });
