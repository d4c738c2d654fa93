import { Worker } from 'node:worker_threads';
import type { MultiPolygon, Polygon } from 'geojson';

export interface CrossingsOptions {
  /** Past this the check is abandoned and the zones refused (a pathological file). */
  timeoutMs?: number;
  /** The worker's heap: a polygon with millions of crossings fills it and is refused, not the hub. */
  maxHeapMb?: number;
}

/** What the worker found for each geometry: its first crossing, or null when it has none. */
export type Crossing = [number, number] | null;

export class CrossingsUnchecked extends Error {
  constructor(reason: string) {
    super(`the shapes could not be checked for self-intersections: ${reason}`);
    this.name = 'CrossingsUnchecked';
  }
}

// Plain JavaScript run by the worker (eval), so it runs the same from compiled code and under jest.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const findIntersections = require(workerData.library);
const firsts = workerData.geometries.map((g) => {
  const found = findIntersections(g, false);
  return found.length > 0 ? [found[0][0], found[0][1]] : null;
});
parentPort.postMessage(firsts);
`;

/**
 * Self-intersections of zone polygons, found with a sweep line (sweepline-intersections: O((n + k)
 * log n), where @turf/kinks compared every pair of segments) in a worker thread, so a big or
 * broken file never stalls the event loop that answers webhooks. The worker has a bounded heap
 * and a time limit: a polygon drawn as a star with millions of crossings ends the worker, not the hub.
 */
export function firstCrossings(
  geometries: Array<Polygon | MultiPolygon>,
  options: CrossingsOptions = {},
): Promise<Crossing[]> {
  if (geometries.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { geometries, library: require.resolve('sweepline-intersections') },
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 256 },
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () => finish(() => reject(new CrossingsUnchecked(`it took longer than ${options.timeoutMs ?? 10_000} ms`))),
      options.timeoutMs ?? 10_000,
    );
    worker.once('message', (found: Crossing[]) => finish(() => resolve(found)));
    worker.once('error', (err: Error & { code?: string }) =>
      finish(() =>
        reject(
          new CrossingsUnchecked(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? 'too many crossings to hold in memory (the outline crosses itself over and over)'
              : err.message,
          ),
        ),
      ),
    );
    worker.once('exit', (code) => finish(() => reject(new CrossingsUnchecked(`the checker stopped (exit ${code})`))));
  });
}
