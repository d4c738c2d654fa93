import express, { type Router } from 'express';
import type { LineGateway } from '../messaging/line-gateway';
import type { Metrics } from '../metrics';
import type { Store } from '../store/store-port';

/**
 * /healthz: the process answers. /readyz: the store answers, and LINE has been answering: when LINE
 * calls fail in bulk (no answer, or 5xx) it says so with a 503, so an operator hears of an outage
 * (or a wedged transport) rather than finding out from people whose answers never came.
 */
export function healthRouter(deps: {
  store: Store;
  metrics: Metrics;
  line?: Pick<LineGateway, 'health'>;
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
    const line = deps.line?.health?.();
    const lineReport = line
      ? {
          line: line.reachable ? 'reachable' : 'unreachable',
          ...(line.reachable
            ? {}
            : { lineFailuresInARow: line.consecutiveFailures, lineLastError: line.lastError ?? 'unknown' }),
        }
      : {};
    try {
      await Promise.race([
        deps.store.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`store did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (line && !line.reachable) {
        res
          .status(503)
          .json({ status: 'unavailable', store: deps.store.kind, ...lineReport, reason: 'LINE calls are failing' });
        return;
      }
      const warnings = deps.warnings?.() ?? [];
      res.json({
        status: 'ready',
        store: deps.store.kind,
        ...lineReport,
        ...(warnings.length > 0 ? { warnings } : {}),
      });
    } catch (err) {
      res
        .status(503)
        .json({ status: 'unavailable', store: deps.store.kind, ...lineReport, reason: (err as Error).message });
    } finally {
      clearTimeout(timer);
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
