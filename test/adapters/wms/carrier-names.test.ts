/** The shipment callback's carrier: a code, or the name of a large carrier read as its code (the article writes 顺丰速运). */
import { describe, expect, it } from 'vitest';
import { articleOutboundCallback } from '../../support/article-payloads.ts';
import { outboundCallback } from '../../../src/adapters/wms/wms-wire.ts';

const carrierOf = (carrier: string): string => outboundCallback.parse({ ...JSON.parse(articleOutboundCallback), carrier }).carrier;

describe("a shipment callback's carrier", () => {
  it("the article's 顺丰速运, and the other large carriers' names, are read as their codes", () => {
    expect(outboundCallback.parse(JSON.parse(articleOutboundCallback)).carrier).toBe('SF');
    expect(['顺丰', '圆通速递', '中通快递', '申通快递', '韵达速递', '京东物流', ' 京东物流 '].map(carrierOf)).toEqual([
      'SF',
      'YTO',
      'ZTO',
      'STO',
      'YD',
      'JD',
      'JD',
    ]);
  });

  it('a code, or any other name, is taken as it came (the order then refuses what is no carrier code)', () => {
    expect(['SF', 'YTO', 'J_T-1', '某某快递', 'S.F'].map(carrierOf)).toEqual(['SF', 'YTO', 'J_T-1', '某某快递', 'S.F']);
    expect(outboundCallback.safeParse({ ...JSON.parse(articleOutboundCallback), carrier: ' ' }).success).toBe(false);
  });
});
