import type { RequestHandler } from 'express';
import { middleware as lineMiddleware, type webhook } from '@line/bot-sdk';
import getRawBody from 'raw-body';
import { z } from 'zod';
import type { Inbox, InvalidEvent } from '../bot/inbox';
import { checkEvent } from './webhook-event-check';
import type { Metrics } from '../metrics';
import { BadRequestError } from './http-errors';

// The shape LINE sends (line-api.md 1.5). Each event is checked on its own (checkEvent): one
// malformed event is kept as invalid and never fails the others. Events are kept whole: new event
// types LINE adds later are stored and reach the handler's default branch instead of failing here.
const webhookBody = z.object({
  destination: z.string().optional(),
  events: z.array(z.unknown()),
});

/**
 * POST /webhook: signature checked on the raw bytes by the SDK's middleware (no JSON parser in
 * front of it), body checked, events persisted, then 200. Handling happens after the answer.
 * Handlers for one `app.post` route, mounted first: a nested router and path-prefix middleware cost
 * a router pass each on the hub's busiest path (bench/webhook.ts --cpu-prof).
 */
export function webhookHandlers(deps: {
  channelSecret: string;
  inbox: Inbox;
  metrics: Metrics;
  maxBody?: string;
}): RequestHandler[] {
  return [
    // The raw bytes, with a size limit (413 beyond it), as the SDK middleware's signed body. raw-body
    // is what express.raw runs, without its content-type negotiation, which LINE's body never needs.
    async (req, res, next) => {
      const started = performance.now();
      res.on('finish', () => {
        const status = String(res.statusCode);
        deps.metrics.webhookRequests.inc({ status });
        deps.metrics.webhookSeconds.observe({ status }, (performance.now() - started) / 1000);
      });
      try {
        req.body = await getRawBody(req, { limit: deps.maxBody ?? '1mb', length: req.headers['content-length'] });
        next();
      } catch (err) {
        next(err);
      }
    },
    lineMiddleware({ channelSecret: deps.channelSecret }),
    async (req, res) => {
      const parsed = webhookBody.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new BadRequestError(
          `not a LINE webhook body: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim(),
        );
      }
      const events: webhook.Event[] = [];
      const invalid: InvalidEvent[] = [];
      for (const raw of parsed.data.events) {
        const checked = checkEvent(raw);
        if (checked.ok) events.push(checked.event as unknown as webhook.Event);
        else invalid.push(checked);
      }
      const { fresh, duplicates, ignored } = await deps.inbox.accept(events, invalid);
      // `ignored` (verify events) and `invalid` only when there were some, so the usual answer keeps
      // its shape. Written directly: res.json's ETag and content negotiation do nothing for LINE,
      // which reads only the status, and this answer is sent a thousand times a second.
      const body = JSON.stringify({
        accepted: fresh,
        duplicates,
        ...(ignored > 0 ? { ignored } : {}),
        ...(invalid.length > 0 ? { invalid: invalid.length } : {}),
      });
      res
        .writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        })
        .end(body);
    },
  ];
}
