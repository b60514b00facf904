/**
 * The wire contract between the hub and a warehouse management system, as zod schemas: what the
 * hub sends the WMS, what the WMS answers, and the callbacks the WMS sends the hub. One source for
 * the HTTP client, the REST adapter that takes the callbacks, the sandbox WMS and /openapi.json.
 *
 * The article's two bodies (outbound create, outbound callback) are accepted byte for byte:
 * - `priority: "HIGH/NORMAL/LOW"` and `timeRequirement: "STANDARD/EXPRESS"` are the article's
 *   way of listing an enum. A body that carries the placeholder itself is read as the default
 *   (NORMAL, STANDARD), so the article's example can be pasted as it is.
 * - `shippedTime` and the other warehouse times may come without an offset (the article's
 *   `"2025-11-22T10:00:00"`): they are then read in the warehouse's zone (configured; default
 *   Asia/Shanghai).
 * - `carrier` is the carrier's code (SF, YTO, …); the article writes its name, `"顺丰速运"`, and
 *   the large carriers' names are read as their codes (./carrier-names.ts).
 * Unknown keys are ignored, so a WMS may send more than we read.
 */
import { z } from 'zod';
import { identifierRule } from '../../domain/kernel/identifiers.ts';
import { MAX_LINES, MAX_QUANTITY } from '../../domain/kernel/lines.ts';
import { carrierCode, carrierNames } from './carrier-names.ts';

/**
 * The bounds of what a caller may send (README, "Limits"), so that no single request can hold the
 * hub: every text field, every list of lines, every quantity (the domain's own bound).
 */
export const MAX_TEXT = 256;
export const text = (what: string) =>
  z.string().trim().min(1, `${what} must not be empty`).max(MAX_TEXT, `${what} must be at most ${MAX_TEXT} characters`);
/** Free text that may be empty (a reason, a note). */
export const freeText = (what: string) => z.string().max(MAX_TEXT, `${what} must be at most ${MAX_TEXT} characters`);
export const quantity = z
  .int('quantity must be a whole number')
  .positive('quantity must be at least 1')
  .max(MAX_QUANTITY, `quantity must be at most ${MAX_QUANTITY}`);
export const count = z
  .int('must be a whole number')
  .nonnegative('must not be negative')
  .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`);
/** A list of lines: at least one, at most MAX_LINES. */
export const linesOf = <T extends z.ZodType>(line: T, what: string) =>
  z.array(line).min(1, `${what} must list at least one line`).max(MAX_LINES, `${what} must list at most ${MAX_LINES} lines`);
/** An ISO-8601 date-time, with or without offset (without: in the warehouse's zone). */
export const warehouseTime = z.iso.datetime({
  local: true,
  offset: true,
  message: 'must be an ISO-8601 date-time such as 2025-11-22T10:00:00',
});

export const priority = z
  .enum(['HIGH', 'NORMAL', 'LOW', 'HIGH/NORMAL/LOW'])
  .transform((value) => (value === 'HIGH/NORMAL/LOW' ? 'NORMAL' : value))
  .describe('HIGH, NORMAL or LOW. The article\'s placeholder "HIGH/NORMAL/LOW" is read as NORMAL.');
export const timeRequirement = z
  .enum(['STANDARD', 'EXPRESS', 'STANDARD/EXPRESS'])
  .transform((value) => (value === 'STANDARD/EXPRESS' ? 'STANDARD' : value))
  .describe('STANDARD or EXPRESS. The article\'s placeholder "STANDARD/EXPRESS" is read as STANDARD.');

/** The carrier of a shipment, by code; a large carrier's name is read as its code. The order refuses anything else. */
export const carrier = text('carrier')
  .transform(carrierCode)
  .describe(
    `The carrier's code: 1–32 ASCII letters, digits, _ or - (SF, YTO, ZTO, JD, …); a waybill number is unique per carrier only. These names are read as their codes: ${carrierNames()}.`,
  );

export const itemLine = z.object({ sku: text('sku'), quantity, batchNo: text('batchNo').optional() });
export const consignee = z.object({
  name: text('name'),
  phone: text('phone'),
  province: text('province'),
  city: text('city'),
  district: text('district'),
  address: text('address'),
});

/** docs/contracts.md#outbound-instruction: `POST /api/wms/outbound/create`, the body the hub sends. */
export const outboundCreateRequest = z.object({
  orderNo: text('orderNo'),
  warehouseCode: text('warehouseCode'),
  priority,
  timeRequirement,
  items: linesOf(itemLine, 'items'),
  consignee,
});
export type OutboundCreateRequest = z.input<typeof outboundCreateRequest>;

/** The answer envelope every party uses: `{ code, message, data }`, code mirroring the HTTP status. */
export const envelope = <T extends z.ZodType>(data: T) => z.object({ code: z.int(), message: z.string(), data });

export const outboundCreateAnswer = envelope(z.object({ outboundNo: text('outboundNo'), status: z.string() }));

/** `POST /api/wms/outbound/cancel`: stop an order; the WMS says whether it could. */
export const outboundCancelRequest = z.object({
  orderNo: text('orderNo'),
  warehouseCode: text('warehouseCode'),
  outboundNo: text('outboundNo').nullable(),
  reason: z.string(),
});
export type OutboundCancelRequest = z.input<typeof outboundCancelRequest>;
export const outboundCancelAnswer = envelope(
  z.object({ orderNo: z.string(), intercepted: z.boolean(), status: z.string(), detail: z.string() }),
);

/** `POST /api/wms/inbound/create`: a purchase receipt or a customer return to expect. */
export const inboundCreateRequest = z.object({
  inboundNo: text('inboundNo'),
  warehouseCode: text('warehouseCode'),
  type: z.enum(['PURCHASE', 'RETURN']),
  supplier: z.string().nullable(),
  poNumber: z.string().nullable(),
  returnNo: z.string().nullable(),
  items: linesOf(z.object({ sku: text('sku'), quantity }), 'items'),
});
export type InboundCreateRequest = z.input<typeof inboundCreateRequest>;
export const inboundCreateAnswer = envelope(z.object({ wmsInboundNo: text('wmsInboundNo'), status: z.string() }));

// ---- callbacks: the WMS calls the hub ----

/**
 * A warehouse message's own id, optional (docs/contracts.md#message-ids): `messageId`, or Qimen's
 * name for it, `outBizCode` (both: the same value). The same id twice on an order is one effect;
 * with other content it is kept as an anomaly and not applied.
 */
const messageIds = {
  messageId: text('messageId')
    .optional()
    .describe("the warehouse's own id of this message: sent again (a retry), it is applied once; with other content, kept as an anomaly"),
  outBizCode: text('outBizCode').optional().describe("Qimen's name for messageId; when both are given they must be equal"),
};
const oneMessageId = (body: Readonly<{ messageId?: string | undefined; outBizCode?: string | undefined }>): boolean =>
  body.messageId === undefined || body.outBizCode === undefined || body.messageId === body.outBizCode;
const oneMessageIdRule = { path: ['outBizCode'], message: 'outBizCode must equal messageId when both are given' };

/** The id a warehouse gave its message, under either name (undefined: none). */
export const warehouseMessageId = (
  body: Readonly<{ messageId?: string | undefined; outBizCode?: string | undefined }>,
): string | undefined => body.messageId ?? body.outBizCode;

/** docs/contracts.md#shipment-callback: `POST /api/oms/outbound/callback`, goods left the warehouse (one per waybill; partial shipments send several). */
export const outboundCallback = z
  .object({
    orderNo: text('orderNo'),
    outboundNo: text('outboundNo'),
    waybillNo: text('waybillNo'),
    carrier,
    actualItems: linesOf(itemLine, 'actualItems'),
    shippedTime: warehouseTime,
    confirmType: z
      .literal([0, 1], 'confirmType must be 0 (final) or 1 (intermediate)')
      .optional()
      .describe(
        "As Qimen's deliveryorder.confirm: 0, the warehouse's final shipment of this order (what is still open is closed short by the order's shortage policy: backorder, or cancel and release; else a person); 1, or absent, more may follow.",
      ),
    ...messageIds,
  })
  .refine(oneMessageId, oneMessageIdRule);
export type OutboundCallback = z.input<typeof outboundCallback>;

/** `POST /api/oms/outbound/progress`: the warehouse started picking, or packed the order. */
export const outboundProgressCallback = z
  .object({
    orderNo: text('orderNo'),
    outboundNo: text('outboundNo'),
    warehouseCode: text('warehouseCode'),
    status: z.enum(['PICKING', 'PACKED']),
    time: warehouseTime,
    ...messageIds,
  })
  .refine(oneMessageId, oneMessageIdRule);
export type OutboundProgressCallback = z.input<typeof outboundProgressCallback>;

/** `POST /api/oms/outbound/shortage`: the warehouse cannot ship these quantities (docs/contracts.md#shortage-callback). */
export const outboundShortageCallback = z
  .object({
    orderNo: text('orderNo'),
    outboundNo: text('outboundNo'),
    warehouseCode: text('warehouseCode'),
    shortItems: linesOf(z.object({ sku: text('sku'), quantity }), 'shortItems'),
    time: warehouseTime,
    ...messageIds,
  })
  .refine(oneMessageId, oneMessageIdRule);
export type OutboundShortageCallback = z.input<typeof outboundShortageCallback>;

const batchRule = identifierRule('code');
/** A batch number the hub keeps stock under: an identifier, as a SKU is (1–64 ASCII letters, digits, `_`, `.` or `-`). */
export const batchNo = z
  .string()
  .regex(batchRule.pattern, `batchNo ${batchRule.rule}`)
  .describe(`the batch (lot) number: ${batchRule.rule.replace(/^must be /, '')}`);
/** A production or expiry date of a batch: an ISO date. */
export const batchDate = (what: string) => z.iso.date({ message: `${what} must be an ISO date such as 2026-03-31` });

/**
 * A line of a receipt: goods of one SKU, of one batch when `batchNo` is given, with the batch's
 * production and expiry dates when the warehouse gives them (they need a `batchNo`). The hub keeps
 * stock per batch and reserves first expiry first (README, "Batches and expiry").
 */
export const receivedItem = z
  .object({
    sku: text('sku'),
    quantity,
    batchNo: batchNo.optional(),
    productionDate: batchDate('productionDate').optional(),
    expiryDate: batchDate('expiryDate').optional(),
  })
  .refine((line) => line.batchNo !== undefined || (line.productionDate === undefined && line.expiryDate === undefined), {
    path: ['batchNo'],
    message: 'batchNo must be given with a production or expiry date',
  });

/** `POST /api/oms/inbound/callback`: goods of a purchase inbound were counted in. */
export const inboundCallback = z.object({
  inboundNo: text('inboundNo'),
  wmsInboundNo: text('wmsInboundNo'),
  warehouseCode: text('warehouseCode'),
  receivedItems: linesOf(receivedItem, 'receivedItems'),
  receivedTime: warehouseTime,
});
export type InboundCallback = z.input<typeof inboundCallback>;

/** `POST /api/oms/return/callback`: a customer return arrived and was inspected, per SKU. */
export const returnCallback = z.object({
  returnNo: text('returnNo'),
  warehouseCode: text('warehouseCode'),
  inspectedItems: linesOf(
    z.object({
      sku: text('sku'),
      qualified: count,
      defective: count,
      batchNo: batchNo.optional().describe('the batch the units came back from: they go back into that batch of the stock'),
    }),
    'inspectedItems',
  ),
  inspectedTime: warehouseTime,
});
export type ReturnCallback = z.input<typeof returnCallback>;

// ---- stock: the hub asks a warehouse what its shelves hold; a warehouse tells the hub of a change it made ----

/** A condition of stock as a warehouse names it: sellable, or defective (kept apart, never sold). */
export const inventoryType = z.enum(['SELLABLE', 'DEFECTIVE'], { message: 'inventoryType must be SELLABLE or DEFECTIVE' });

/** `POST /api/wms/stock/query`: one page (numbered from 1) of what the warehouse's shelves hold (docs/contracts.md#stock-snapshot). */
export const stockQueryRequest = z.object({
  warehouseCode: text('warehouseCode'),
  pageNo: z.int('pageNo must be a whole number').positive('pageNo must be at least 1'),
  pageSize: z
    .int('pageSize must be a whole number')
    .min(1, 'pageSize must be at least 1')
    .max(MAX_LINES, `pageSize must be at most ${MAX_LINES}`),
});
export type StockQueryRequest = z.input<typeof stockQueryRequest>;

/** A line of a stock snapshot: what the shelves hold of one SKU in one condition (and batch, when the warehouse keeps them apart). */
export const shelfItem = z.object({ sku: text('sku'), inventoryType, quantity: count, batchNo: text('batchNo').optional() });
export const stockQueryAnswer = envelope(
  z.object({
    warehouseCode: text('warehouseCode'),
    pageNo: z.int(),
    hasMore: z.boolean().describe('true: ask for the next page'),
    items: z.array(shelfItem).max(MAX_LINES, `items must list at most ${MAX_LINES} lines`),
  }),
);

/** `POST /api/oms/stock/changes`: the warehouse changed its stock itself: damage, a find, a write-off, a move between conditions (docs/contracts.md#stock-change). */
export const stockChangeCallback = z.object({
  changeId: text('changeId').describe('the change: applied once, however often it is sent'),
  warehouseCode: text('warehouseCode'),
  lines: linesOf(
    z.object({
      sku: text('sku'),
      quantity: z
        .int('quantity must be a whole number')
        .min(-MAX_QUANTITY, `quantity must be at least -${MAX_QUANTITY}`)
        .max(MAX_QUANTITY, `quantity must be at most ${MAX_QUANTITY}`)
        .refine((value) => value !== 0, 'quantity must not be zero')
        .describe('the change on the shelves, signed: −3 lost, +2 found'),
      reason: text('reason'),
      inventoryType,
      batchNo: batchNo.optional().describe('the batch whose figure changed: the hub keeps it apart'),
    }),
    'lines',
  ),
});
