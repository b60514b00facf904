/** The paging over the whole store that `verify` and `export` read through. */
import type { EventStore, Position, StoredEvent } from '../../application/ports/event-store.ts';

const PAGE = 2_000;

/** Every event after `after`, page by page, in the store's order. */
export async function* allEvents(store: EventStore, after?: Position): AsyncGenerator<readonly StoredEvent[]> {
  let from = after;
  for (;;) {
    const page = await store.readAll(from === undefined ? { maxCount: PAGE } : { after: from, maxCount: PAGE });
    const last = page.at(-1);
    if (last === undefined) return;
    yield page;
    from = last.position;
    if (page.length < PAGE) return;
  }
}
