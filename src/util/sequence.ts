import type { Clock } from './clock';

/**
 * Arrival order that survives a restart: milliseconds * 1000 plus a counter, so rows written in the
 * same millisecond keep their order and a later process continues above an earlier one.
 */
export function sequencer(clock: Clock): () => number {
  let last = 0;
  return () => {
    const candidate = clock.now() * 1000;
    last = candidate > last ? candidate : last + 1;
    return last;
  };
}
