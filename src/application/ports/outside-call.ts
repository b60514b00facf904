/**
 * What a call to an outside system (WMS, TMS) came to, in the hub's words. The adapter decides
 * what is worth retrying: network errors, timeouts, 5xx, 408 and 429 are; other refusals are not.
 */
/**
 * What a call carries besides its instruction: the W3C trace context (`traceparent`) of the flow it
 * belongs to, so that one order can be followed across systems (sent as the `traceparent` header).
 */
export type CallContext = Readonly<{ traceparent?: string | undefined }>;

export type CallOutcome<T> =
  Readonly<{ ok: true; value: T }> | Readonly<{ ok: false; error: string; retryable: boolean; retryAfterMs?: number | undefined }>;
