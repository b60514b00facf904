/** The inbound order that tells the warehouse to expect a customer return. */
export const returnInboundNo = (returnNo: string): string => `RT-${returnNo}`;
