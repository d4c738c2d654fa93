import express, { type Router } from 'express';
import type { Metrics } from '../metrics';
import type { Store } from '../store/store-port';

export function healthRouter(deps: {
  store: Store;
  metrics: Metrics;
  readyTimeoutMs?: number;
  /** Configuration an operator should fix (shown, not failed: the hub still serves). */
  warnings?: () => string[];
}): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const timeoutMs = deps.readyTimeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        deps.store.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`store did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      const warnings = deps.warnings?.() ?? [];
      res.json({ status: 'ready', store: deps.store.kind, ...(warnings.length > 0 ? { warnings } : {}) });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', store: deps.store.kind, reason: (err as Error).message });
    } finally {
      clearTimeout(timer);
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
