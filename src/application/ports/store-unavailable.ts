/**
 * The event store cannot be reached now (its database restarting, a connection cut): the call
 * decided nothing it can vouch for, and may be made again once the store is back. An adapter of a
 * store on a server throws it in place of its driver's connection errors, so that the HTTP layer
 * answers 503 (try again) rather than 500, and followers of the store wait for it.
 */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}
