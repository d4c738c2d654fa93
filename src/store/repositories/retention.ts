import type { Collection, Doc, Filter } from '../store-port';

/** Rows one store operation of a purge deletes. */
export const PURGE_BATCH = 250;

/**
 * Deletes every document matching `filter`, lowest `oldestBy` first, a batch at a time with a turn
 * of the event loop between batches: webhooks and sends go on while a large backlog is purged, and
 * no single operation grows with the backlog (see Collection.deleteOldest).
 */
export async function purgeInBatches<T extends Doc>(
  collection: Collection<T>,
  filter: Filter,
  oldestBy: string,
  batch = PURGE_BATCH,
): Promise<number> {
  let removed = 0;
  for (;;) {
    const n = await collection.deleteOldest(filter, oldestBy, batch);
    removed += n;
    if (n < batch) return removed;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
