import type { Dependencies } from '../application/dependencies.ts';
import { placeOrder } from '../application/outbound/place-order.ts';
import type { Placement } from '../domain/outbound-order/index.ts';

const consignee = (name: string, province: string, city: string, district: string, address: string) => ({
  name,
  phone: '13800138000',
  province,
  city,
  district,
  address,
});

const standard = { priority: 'NORMAL', timeRequirement: 'STANDARD' } as const;

/**
 * A few orders for the sandbox to work on, so that `npm start` opens a console with something in it:
 * one ships from WH001 (the article's JSON), one from WH002 (Qimen), one is short of stock and ships
 * in part with a backorder, and one asks for more SKU004 than any warehouse holds (WH002 has 25 of
 * the 30) and may neither ship in part nor be cancelled, so that it waits for a person.
 */
export const demoOrders: readonly Placement[] = [
  {
    orderNo: 'DEMO-0001',
    warehouseCode: 'WH001',
    ...standard,
    items: [{ sku: 'SKU001', quantity: 2 }],
    consignee: consignee('张三', '北京市', '北京市', '朝阳区', '建国路88号'),
    policy: { allowPartialShip: false, allowCancel: false },
  },
  {
    orderNo: 'DEMO-0002',
    warehouseCode: 'WH002',
    ...standard,
    items: [{ sku: 'SKU003', quantity: 3 }],
    consignee: consignee('李四', '上海市', '上海市', '浦东新区', '世纪大道100号'),
    policy: { allowPartialShip: false, allowCancel: false },
  },
  {
    orderNo: 'DEMO-0003',
    warehouseCode: 'WH001',
    ...standard,
    items: [
      { sku: 'SKU002', quantity: 1 },
      { sku: 'SKU003', quantity: 8 },
    ],
    consignee: consignee('王五', '广东省', '深圳市', '南山区', '科技园路1号'),
    policy: { allowPartialShip: true, allowCancel: false },
  },
  {
    orderNo: 'DEMO-0004',
    warehouseCode: 'WH002',
    ...standard,
    items: [{ sku: 'SKU004', quantity: 30 }],
    consignee: consignee('赵六', '浙江省', '杭州市', '西湖区', '文三路20号'),
    policy: { allowPartialShip: false, allowCancel: false },
  },
];

/** Place the demo orders (idempotent: an order already placed is left as it is). */
export const placeDemoOrders = async (deps: Dependencies): Promise<void> => {
  for (const placement of demoOrders) await placeOrder(deps, placement, `demo:${placement.orderNo}`);
};
