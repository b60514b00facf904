/** The source article's two bodies (docs/contracts.md#outbound-instruction, #shipment-callback), verbatim, as text: placeholders and all. */
export const articleOutboundCreate = `{
  "orderNo": "OMS202511220001",
  "warehouseCode": "WH001",
  "priority": "HIGH/NORMAL/LOW",
  "timeRequirement": "STANDARD/EXPRESS",
  "items": [
    {
      "sku": "SKU001",
      "quantity": 2,
      "batchNo": "BATCH001"
    }
  ],
  "consignee": {
    "name": "张三",
    "phone": "13800138000",
    "province": "北京市",
    "city": "北京市",
    "district": "朝阳区",
    "address": "XX街道XX号"
  }
}`;

export const articleOutboundCallback = `{
  "orderNo": "OMS202511220001",
  "outboundNo": "WMS202511220001",
  "waybillNo": "SF1234567890",
  "carrier": "顺丰速运",
  "actualItems": [
    {
      "sku": "SKU001",
      "quantity": 2,
      "batchNo": "BATCH001"
    }
  ],
  "shippedTime": "2025-11-22T10:00:00"
}`;
