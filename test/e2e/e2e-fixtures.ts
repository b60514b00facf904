/** Orders for the end-to-end stories, against the sandbox's demo stock (src/main/demo-stock.ts). */
export const anOrder = (orderNo: string, overrides: Record<string, unknown> = {}) => ({
  orderNo,
  warehouseCode: 'WH001',
  priority: 'HIGH',
  timeRequirement: 'STANDARD',
  items: [{ sku: 'SKU001', quantity: 2 }],
  consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
  ...overrides,
});

export const eventTypes = (events: readonly { type: string }[]): string[] => events.map((event) => event.type);
