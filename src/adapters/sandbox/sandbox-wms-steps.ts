/**
 * How the sandbox warehouse plays what it took, step by step: an outbound order picked, short of
 * what the shortage fault says is missing, packed and shipped (one waybill, or two with
 * partialShipments); a purchase received; a return inspected. Each step changes the order in the
 * book and answers the callback that reports it to the hub.
 */
import type { Logger } from 'pino';
import type {
  InboundCallback,
  OutboundCallback,
  OutboundProgressCallback,
  OutboundShortageCallback,
  ReturnCallback,
} from '../wms/wms-wire.ts';
import type { WmsFaults } from './sandbox-faults.ts';
import { type Item, type SandboxInbound, type SandboxOutbound, type SkuQuantity, type WmsBook, advance } from './sandbox-wms-book.ts';
import type { ShelfStock } from './sandbox-wms-stock.ts';

/** The carrier of every sandbox waybill, named as the article's warehouse names it (the hub reads it as its code, SF). */
export const carrier = '顺丰速运';

/** A callback to the hub: where, what, and how the logs name it. */
export type Callback = Readonly<{ path: string; body: object; what: string }>;

/** A warehouse action (status change, waybill) and the callback that reports it. */
export type Step = Readonly<{ progress: boolean; act: () => Callback }>;

/** What the steps act on: the orders it holds, and its shelves (the goods move as the steps play). */
export type StepContext = Readonly<{ book: WmsBook; stock: ShelfStock; logger: Logger }>;

/** Take what the shortage fault says is missing (sku → units, per order) out of the lines. */
const pick = (items: readonly Item[], shortage: Readonly<Record<string, number>>): { shipped: Item[]; short: SkuQuantity[] } => {
  const missingLeft = new Map(Object.entries(shortage));
  const short = new Map<string, number>();
  const shipped: Item[] = [];
  for (const item of items) {
    const missing = Math.min(missingLeft.get(item.sku) ?? 0, item.quantity);
    if (missing > 0) {
      missingLeft.set(item.sku, (missingLeft.get(item.sku) ?? 0) - missing);
      short.set(item.sku, (short.get(item.sku) ?? 0) + missing);
    }
    if (item.quantity > missing) shipped.push({ ...item, quantity: item.quantity - missing });
  }
  return { shipped, short: [...short].map(([sku, quantity]) => ({ sku, quantity })) };
};

/** Two waybills: the first half of the units (rounded up) in the first, the rest in the second. */
const splitInTwo = (items: readonly Item[]): Item[][] => {
  let firstLeft = Math.ceil(items.reduce((sum, item) => sum + item.quantity, 0) / 2);
  const first: Item[] = [];
  const second: Item[] = [];
  for (const item of items) {
    const taken = Math.min(item.quantity, firstLeft);
    firstLeft -= taken;
    if (taken > 0) first.push({ ...item, quantity: taken });
    if (item.quantity > taken) second.push({ ...item, quantity: item.quantity - taken });
  }
  return second.length === 0 ? [first] : [first, second];
};

const describe = (items: readonly SkuQuantity[]): string => items.map((item) => `${item.sku}×${item.quantity}`).join(', ');

/** PICKING, the shortage if any, PACKED and the shipments (the progress callbacks last with outOfOrderCallbacks). */
export const outboundSteps = (order: SandboxOutbound, faults: WmsFaults, { book, stock, logger }: StepContext): Step[] => {
  const { orderNo, outboundNo, warehouseCode } = order;
  const { shipped, short } = pick(order.items, faults.shortage);
  const waybills = shipped.length === 0 ? [] : faults.partialShipments ? splitInTwo(shipped) : [shipped];

  const progress = (status: 'PICKING' | 'PACKED'): Step => ({
    progress: true,
    act: () => {
      advance(order, status);
      logger.info({ orderNo }, `${warehouseCode} ${status === 'PICKING' ? 'is picking' : 'packed'} ${orderNo}`);
      const body: OutboundProgressCallback = { orderNo, outboundNo, warehouseCode, status, time: book.localNow() };
      return { path: '/api/oms/outbound/progress', body, what: `${status} of ${orderNo}` };
    },
  });
  const shortage: Step = {
    progress: false,
    act: () => {
      order.shortItems = short;
      if (waybills.length === 0) advance(order, 'SHORT');
      // what it cannot ship is not on its shelves: written off as it is found missing
      for (const item of short) stock.take(warehouseCode, item.sku, 'SELLABLE', item.quantity);
      logger.info({ orderNo }, `${warehouseCode} is short of ${describe(short)} for ${orderNo}`);
      const body: OutboundShortageCallback = { orderNo, outboundNo, warehouseCode, shortItems: short, time: book.localNow() };
      return { path: '/api/oms/outbound/shortage', body, what: `shortage of ${orderNo}` };
    },
  };
  const shipment = (items: Item[], index: number): Step => ({
    progress: false,
    act: () => {
      const waybillNo = book.newWaybillNo();
      order.waybills.push({ waybillNo, items });
      advance(order, index === waybills.length - 1 ? 'SHIPPED' : 'PARTIALLY_SHIPPED');
      for (const item of items) stock.take(warehouseCode, item.sku, 'SELLABLE', item.quantity);
      logger.info({ orderNo, waybillNo }, `${warehouseCode} shipped ${describe(items)} of ${orderNo} under ${waybillNo}`);
      const body: OutboundCallback = { orderNo, outboundNo, waybillNo, carrier, actualItems: items, shippedTime: book.localNow() };
      return { path: '/api/oms/outbound/callback', body, what: `shipment ${waybillNo} of ${orderNo}` };
    },
  });

  const steps = [
    progress('PICKING'),
    ...(short.length > 0 ? [shortage] : []),
    ...(waybills.length > 0 ? [progress('PACKED'), ...waybills.map(shipment)] : []),
  ];
  return faults.outOfOrderCallbacks ? [...steps.filter((step) => !step.progress), ...steps.filter((step) => step.progress)] : steps;
};

const receipt = (inbound: SandboxInbound, { book, stock, logger }: StepContext): Step => ({
  progress: false,
  act: () => {
    inbound.status = 'RECEIVED';
    for (const item of inbound.items) stock.put(inbound.warehouseCode, item.sku, 'SELLABLE', item.quantity);
    logger.info({ inboundNo: inbound.inboundNo }, `${inbound.warehouseCode} received ${describe(inbound.items)} of ${inbound.inboundNo}`);
    const body: InboundCallback = {
      inboundNo: inbound.inboundNo,
      wmsInboundNo: inbound.wmsInboundNo,
      warehouseCode: inbound.warehouseCode,
      receivedItems: inbound.items.map((item) => ({ sku: item.sku, quantity: item.quantity })),
      receivedTime: book.localNow(),
    };
    return { path: '/api/oms/inbound/callback', body, what: `receipt of ${inbound.inboundNo}` };
  },
});

const inspection = (inbound: SandboxInbound, defectiveShare: number, { book, stock, logger }: StepContext): Step => ({
  progress: false,
  act: () => {
    inbound.status = 'INSPECTED';
    const inspectedItems = inbound.items.map((item) => {
      const defective = Math.round(item.quantity * defectiveShare);
      return { sku: item.sku, qualified: item.quantity - defective, defective };
    });
    for (const item of inspectedItems) {
      stock.put(inbound.warehouseCode, item.sku, 'SELLABLE', item.qualified);
      stock.put(inbound.warehouseCode, item.sku, 'DEFECTIVE', item.defective);
    }
    const summary = inspectedItems.map((item) => `${item.sku} ${item.qualified} good, ${item.defective} defective`).join('; ');
    logger.info({ inboundNo: inbound.inboundNo }, `${inbound.warehouseCode} inspected return ${inbound.returnNo ?? ''}: ${summary}`);
    const body: ReturnCallback = {
      returnNo: inbound.returnNo ?? inbound.inboundNo,
      warehouseCode: inbound.warehouseCode,
      inspectedItems,
      inspectedTime: book.localNow(),
    };
    return { path: '/api/oms/return/callback', body, what: `inspection of return ${body.returnNo}` };
  },
});

/** A purchase is received; a return is inspected, defectiveShare of each line found defective. */
export const inboundSteps = (inbound: SandboxInbound, faults: WmsFaults, context: StepContext): Step[] => [
  inbound.type === 'PURCHASE' ? receipt(inbound, context) : inspection(inbound, faults.defectiveShare, context),
];
