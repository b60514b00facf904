/**
 * The inbound a customer return is expected as: `RT-{returnNo}`. The prefix is the returns' own:
 * a purchase inbound may not take it (./decide.ts), so the two never share a stream.
 */
export const RETURN_INBOUND_PREFIX = 'RT-';
export const returnInboundNo = (returnNo: string): string => `${RETURN_INBOUND_PREFIX}${returnNo}`;
