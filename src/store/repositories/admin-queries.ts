import type { Filter, Update } from '../store-port';

/** The `createdAt` part of a filter for a period (`from` inclusive, `to` exclusive) and a page (older than `before`). */
export function createdWithin(q: { from?: number; to?: number; before?: number }): Filter {
  const createdAt: Record<string, number> = {};
  if (q.from !== undefined) createdAt.$gte = q.from;
  const below = Math.min(q.to ?? Infinity, q.before ?? Infinity);
  if (below !== Infinity) createdAt.$lt = below;
  return Object.keys(createdAt).length > 0 ? { createdAt } : {};
}

/** An update that sets some fields and removes others (a PDPA erasure of one record). */
export function setAndUnset(set: object, unset: readonly string[]): Update {
  return {
    $set: set as Record<string, unknown>,
    ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((k) => [k, true as const])) } : {}),
  };
}
