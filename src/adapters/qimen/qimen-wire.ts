/**
 * The Qimen messages a WMS sends the hub about outbound orders, as zod schemas over what
 * ./qimen-xml.ts reads (every value text; lists as arrays). The same bounds as the article's JSON
 * (../wms/wms-wire.ts: text length, lines, quantities), so that a warehouse cannot send more
 * through one protocol than through the other. Unknown elements are ignored, as in the JSON.
 *
 * Field names are Qimen's (the README's mapping table lines them up with the article's).
 */
import { z } from 'zod';
import { MAX_QUANTITY } from '../../domain/kernel/lines.ts';
import { carrier, linesOf, text } from '../wms/wms-wire.ts';

/** Where a Qimen WMS calls the hub. */
export const QIMEN_PATH = '/api/qimen';
const ENDPOINT_PREFIX = `${QIMEN_PATH}?method=`;

/** The endpoint a Qimen message is kept and stamped under (`/api/qimen?method=…`; a method is at most 100 characters there). */
export const qimenEndpointOf = (method: string): string => `${ENDPOINT_PREFIX}${method.slice(0, 100)}`;

/** The method of a message kept under `/api/qimen?method=…`; undefined for any other endpoint. */
export const qimenMethodOf = (endpoint: string): string | undefined =>
  endpoint.startsWith(ENDPOINT_PREFIX) ? endpoint.slice(ENDPOINT_PREFIX.length) : undefined;

/** A whole number as Qimen writes it (text), at least `min`, at most MAX_QUANTITY. */
const wholeNumber = (what: string, min: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, `${what} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${what} must be at least ${min}`).max(MAX_QUANTITY, `${what} must be at most ${MAX_QUANTITY}`));

/** Qimen's time: `yyyy-MM-dd HH:mm:ss`, no zone (read in the warehouse's). */
export const qimenTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be a time as yyyy-MM-dd HH:mm:ss');

/** `0` final, `1` intermediate (more may follow); absent: intermediate. */
const confirmType = z.enum(['0', '1'], 'confirmType must be 0 (final) or 1 (intermediate)').optional();

/** `taobao.qimen.deliveryorder.confirm`: goods left the warehouse, in one or more packages (one waybill each). */
export const deliveryOrderConfirm = z.object({
  deliveryOrder: z.object({
    deliveryOrderCode: text('deliveryOrderCode'),
    deliveryOrderId: text('deliveryOrderId'),
    warehouseCode: text('warehouseCode'),
    orderType: text('orderType').optional(),
    status: text('status').optional(),
    outBizCode: text('outBizCode'),
    confirmType,
    orderConfirmTime: qimenTime,
  }),
  // lists are wrapped: <packages><package>…</package></packages>
  packages: z.object({
    package: linesOf(
      z.object({
        logisticsCode: carrier,
        logisticsName: text('logisticsName').optional(),
        expressCode: text('expressCode'),
        items: z.object({ item: linesOf(z.object({ itemCode: text('itemCode'), quantity: wholeNumber('quantity', 1) }), 'items') }),
      }),
      'packages',
    ),
  }),
});
export type DeliveryOrderConfirm = z.output<typeof deliveryOrderConfirm>;

/** `taobao.qimen.itemlack.report`: the warehouse cannot ship these quantities. */
export const itemLackReport = z.object({
  warehouseCode: text('warehouseCode'),
  deliveryOrderCode: text('deliveryOrderCode'),
  deliveryOrderId: text('deliveryOrderId').optional(),
  createTime: qimenTime,
  outBizCode: text('outBizCode'),
  items: z.object({
    item: linesOf(
      z.object({
        itemCode: text('itemCode'),
        planQty: wholeNumber('planQty', 0),
        lackQty: wholeNumber('lackQty', 1),
        reason: text('reason').optional(),
      }),
      'items',
    ),
  }),
});
export type ItemLackReport = z.output<typeof itemLackReport>;

/** `taobao.qimen.orderprocess.report`: how far the warehouse is with an order. */
export const orderProcessReport = z.object({
  order: z.object({
    orderCode: text('orderCode'),
    orderId: text('orderId').optional(),
    orderType: text('orderType').optional(),
    warehouseCode: text('warehouseCode'),
  }),
  process: z.object({
    processStatus: text('processStatus'),
    operateTime: qimenTime,
    operateInfo: text('operateInfo').optional(),
  }),
  outBizCode: text('outBizCode').optional(),
});
export type OrderProcessReport = z.output<typeof orderProcessReport>;

/**
 * The Qimen process stages the hub records, as its own: picking started (`PICK`), packed
 * (`PACKAGE`). The others (`ACCEPT`, `PRINT`, `CHECK`, `WEIGH`, `READY`, …) are answered and kept
 * in the archive, and change nothing: a shipment is recorded from deliveryorder.confirm, a
 * shortage from itemlack.report.
 */
export const recordedStages: Readonly<Record<string, 'PICKING' | 'PACKED'>> = { PICK: 'PICKING', PACKAGE: 'PACKED' };

/** Qimen's inventory types: `ZP` sellable (正品); `CC` defective (残次), and the damaged kinds `JS`, `XS`, `ZT`, all kept apart as defective. */
export const inventoryType = z
  .string()
  .trim()
  .regex(/^[A-Z]{2}$/, 'inventoryType must be ZP, CC, JS, XS or ZT')
  .optional();
export const isSellable = (type: string | undefined): boolean => type === undefined || type === 'ZP';

/** A date as Qimen writes it on a batch: `yyyy-MM-dd`. */
const qimenDate = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what} must be a date as yyyy-MM-dd`)
    .optional();

const batch = z.object({
  batchCode: text('batchCode').optional(),
  productDate: qimenDate('productDate'),
  expireDate: qimenDate('expireDate'),
  inventoryType,
  actualQty: wholeNumber('actualQty', 0),
});

/** `taobao.qimen.entryorder.confirm`: goods of a purchase inbound were counted in (an intermediate confirmation's quantities are increments). */
export const entryOrderConfirm = z.object({
  entryOrder: z.object({
    entryOrderCode: text('entryOrderCode'),
    warehouseCode: text('warehouseCode'),
    outBizCode: text('outBizCode'),
    entryOrderId: text('entryOrderId').optional(),
    confirmType: z.enum(['0', '1'], 'confirmType must be 0 (final) or 1 (intermediate)').optional(),
    operateTime: qimenTime,
  }),
  orderLines: z.object({
    orderLine: linesOf(
      z.object({
        itemCode: text('itemCode'),
        actualQty: wholeNumber('actualQty', 0),
        inventoryType,
        batchCode: text('batchCode').optional(),
        productDate: qimenDate('productDate'),
        expireDate: qimenDate('expireDate'),
        batchs: z.object({ batch: linesOf(batch, 'batchs') }).optional(),
      }),
      'orderLines',
    ),
  }),
});
export type EntryOrderConfirm = z.output<typeof entryOrderConfirm>;

/** `taobao.qimen.returnorder.confirm`: a customer return arrived and was inspected: `ZP` qualified, any other type defective. */
export const returnOrderConfirm = z.object({
  returnOrder: z.object({
    returnOrderCode: text('returnOrderCode'),
    warehouseCode: text('warehouseCode'),
    outBizCode: text('outBizCode').optional(),
    orderConfirmTime: qimenTime,
  }),
  orderLines: z.object({
    orderLine: linesOf(
      z.object({
        itemCode: text('itemCode'),
        actualQty: wholeNumber('actualQty', 0),
        inventoryType,
        batchCode: text('batchCode').optional(),
      }),
      'orderLines',
    ),
  }),
});
export type ReturnOrderConfirm = z.output<typeof returnOrderConfirm>;

/** `taobao.qimen.stockchange.report`: the warehouse changed its stock itself; each item a signed quantity. */
export const stockChangeReport = z.object({
  items: z.object({
    item: linesOf(
      z.object({
        warehouseCode: text('warehouseCode'),
        orderCode: text('orderCode'),
        outBizCode: text('outBizCode'),
        itemCode: text('itemCode'),
        quantity: z
          .string()
          .trim()
          .regex(/^-?\d{1,9}$/, 'quantity must be a whole number, signed')
          .transform(Number)
          .pipe(
            z
              .number()
              .refine((value) => value !== 0, 'quantity must not be 0')
              .refine((value) => Math.abs(value) <= MAX_QUANTITY, `quantity must be at most ${MAX_QUANTITY} either way`),
          ),
        orderType: text('orderType').optional(),
        inventoryType,
        batchCode: text('batchCode').optional(),
      }),
      'items',
    ),
  }),
});
export type StockChangeReport = z.output<typeof stockChangeReport>;
