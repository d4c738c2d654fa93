import { createHash, randomUUID } from 'node:crypto';
import { TokenBucket } from './rate-limiter';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { OutboxEntry, OutboxKind, OutboxRepository } from '../store/repositories/outbox-repository';
import type { Clock } from '../util/clock';
import { sequencer } from '../util/sequence';
import { DuplicateKeyError } from '../store/store-port';
import { LineApiError, type LineGateway, type LineMessage } from './line-gateway';

export interface SendRequest {
  /**
   * A stable name for this send: its rows get ids derived from it, and a row that is already stored
   * (the same event handled again after a crash) is neither stored nor sent again.
   */
  id?: string;
  kind: OutboxKind;
  /** Push: the chat. Multicast: user ids (any number; split into 500s). Reply: the chat to push to if the token fails. */
  to: string | string[];
  replyToken?: string;
  /** When the reply token was issued (the webhook event's timestamp). */
  replyTokenAt?: number;
  messages: LineMessage[];
  purpose: string;
  /**
   * Makes the send idempotent across re-runs: the retry keys are derived from it, so the same planned
   * send queued twice (a job re-run after a crash) reaches LINE once; the second gets 409, which is success.
   */
  dedupeKey?: string;
  /**
   * Messages with one order key leave in the order they were queued; by default that key is the chat.
   * A sender that needs no order against other messages to the same chat (each SOS alert) names its
   * own, so a retried message cannot hold up the others behind it.
   */
  orderKey?: string;
  /**
   * Retried on a short backoff (urgentBackoff*): an SOS alert that met a 5xx goes again within a
   * fraction of a second rather than after the seconds a newsletter can wait.
   */
  urgent?: boolean;
}

/** A UUID-shaped key derived from a name (LINE wants a UUID; the same name gives the same key). */
export function derivedRetryKey(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

export interface OutboxOptions {
  /** LINE: a reply token is good for about a minute; past this age a push is sent instead. */
  replyTokenMaxAgeMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** The backoff of urgent rows (SOS): 100, 200, 400, 800 ms, then every second. */
  urgentBackoffBaseMs: number;
  urgentBackoffMaxMs: number;
  /** After this many failed attempts a row is marked failed and an alert logged. */
  maxAttempts: number;
  /** Per-endpoint request rates kept below LINE's limits (line-api.md 2.4). */
  ratePerSecond: { reply: number; push: number; multicast: number };
  /** How long stop() waits for sends already in flight to get LINE's answer and record it. */
  stopGraceMs: number;
}

export const defaultOutboxOptions: OutboxOptions = {
  replyTokenMaxAgeMs: 50_000,
  // A first retry a quarter second later: a 5xx is usually brief, and an SOS should not sit longer.
  backoffBaseMs: 250,
  backoffMaxMs: 60_000,
  // bench/sos --fail-rate 0.2: with the ordinary backoff an alert that met three 500s in a row
  // (0.8% of them) took 1.75 s; on this one it takes 0.7 s, and five in a row 2.5 s.
  urgentBackoffBaseMs: 100,
  urgentBackoffMaxMs: 1_000,
  maxAttempts: 12,
  // LINE allows 2,000/s for reply and push, about 200/s for multicast (line-api.md 2.4); keep a 10%
  // margin. At 1,500/s (25%) the limiter itself capped replies at the hub's target rate, so any
  // burst above it queued for good (bench/webhook.ts at 1,500/s: answers fell behind the 200s).
  ratePerSecond: { reply: 1_800, push: 1_800, multicast: 180 },
  stopGraceMs: 15_000,
};

const MAX_MESSAGES_PER_CALL = 5;
const MAX_MULTICAST_RECIPIENTS = 500;

type Outcome = 'done' | 'retry';

/**
 * Every outbound message is a row here before LINE sees it. A worker sends rows in order per chat,
 * with the row's retry key on push and multicast, retries 5xx / timeouts / rate-limit 429s with
 * backoff, holds messages when the monthly quota is spent, and falls back from a stale reply token
 * to a push. A restart resumes the rows still pending.
 */
export class Outbox {
  private readonly options: OutboxOptions;
  private readonly queues = new Map<string, OutboxEntry[]>();
  private readonly limiters: Record<OutboxKind, TokenBucket>;
  private readonly nextSeq: () => number;
  private active = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  /** The per-chat send loops running now; stop() waits for them to record what LINE answered. */
  private readonly workers = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly deps: {
      repo: OutboxRepository;
      gateway: LineGateway;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
      /** Told of every push or multicast LINE accepted (the quota ledger counts them). */
      onSent?(row: OutboxEntry): Promise<void>;
    },
    options: Partial<OutboxOptions> = {},
  ) {
    this.options = { ...defaultOutboxOptions, ...options };
    this.nextSeq = sequencer(deps.clock);
    this.limiters = {
      reply: new TokenBucket(this.options.ratePerSecond.reply),
      push: new TokenBucket(this.options.ratePerSecond.push),
      // A broadcast's hundreds of batches go at an even pace (a quarter second's worth at once): a
      // second's worth in one burst, sent while planning still holds the event loop, reaches LINE
      // bunched and over its limit (bench/broadcast.ts: 13 of 81 multicasts answered 429).
      multicast: new TokenBucket(
        this.options.ratePerSecond.multicast,
        Math.max(1, Math.ceil(this.options.ratePerSecond.multicast / 4)),
      ),
      // LINE allows 60 broadcasts an hour; the hub sends one per OA-wide announcement, so push's pace will do.
      broadcast: new TokenBucket(this.options.ratePerSecond.push),
    };
  }

  /** Persists the request as one or more rows (5 messages, 500 recipients per call), then sends. */
  async enqueue(request: SendRequest): Promise<OutboxEntry[]> {
    this.active++;
    try {
      const rows = this.toRows(request);
      const fresh: OutboxEntry[] = [];
      for (const row of rows) {
        try {
          await this.deps.repo.add(row);
          fresh.push(row);
        } catch (err) {
          // Only a stable id can clash: this very send was queued before, by an earlier run.
          if (!(request.id && err instanceof DuplicateKeyError)) throw err;
          this.deps.logger.info(
            { outboxId: row._id, purpose: row.purpose },
            'send already queued by an earlier run: not queued again',
          );
        }
      }
      for (const row of fresh) this.schedule(row);
      return fresh;
    } finally {
      this.active--;
      this.checkIdle();
    }
  }

  /** Picks up rows a previous process left pending. */
  async resume(): Promise<number> {
    const rows = await this.deps.repo.pending();
    for (const row of rows) this.schedule(row);
    return rows.length;
  }

  /** Puts messages held for an exhausted quota back in line (the quota was raised or a new month began). */
  async releaseHeld(): Promise<number> {
    const released = await this.deps.repo.releaseHeld(this.deps.clock.now());
    this.deps.metrics.quotaExhausted.set(0);
    if (released > 0) await this.resume();
    return released;
  }

  /** Resolves when nothing is queued or being sent in this process (tests, graceful shutdown). */
  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops sending: no new call to LINE starts, a call already made is given its answer and that answer
   * is recorded, and rows still queued stay pending in the store for the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.sleeping) {
      clearTimeout(s.timer);
      s.wake();
    }
    // Waiting here (bounded, in case the store hangs) means the next process starts from what really
    // happened: a reply LINE took is marked sent instead of being sent again (a reply has no retry key).
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.stopGraceMs);
      timer.unref();
    });
    await Promise.race([Promise.allSettled([...this.workers]), grace]);
    clearTimeout(timer);
    // A call still waiting for a rate-limit token goes now rather than hold shutdown up.
    for (const limiter of Object.values(this.limiters)) limiter.release();
  }

  private toRows(request: SendRequest): OutboxEntry[] {
    const now = this.deps.clock.now();
    let part = 0;
    const base = (kind: OutboxKind, to: string | string[], messages: LineMessage[], orderKey: string): OutboxEntry => {
      const n = part++;
      return {
        _id: request.id ? `${request.id}#${n}` : randomUUID(),
        kind,
        to,
        messages,
        retryKey: request.dedupeKey ? derivedRetryKey(`${request.dedupeKey}#${n}`) : randomUUID(),
        orderKey,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
        seq: this.nextSeq(),
        purpose: request.purpose,
        ...(request.urgent ? { urgent: true } : {}),
      };
    };
    const chunks: LineMessage[][] = [];
    for (let i = 0; i < request.messages.length; i += MAX_MESSAGES_PER_CALL) {
      chunks.push(request.messages.slice(i, i + MAX_MESSAGES_PER_CALL));
    }
    if (request.kind === 'broadcast') {
      const key = `broadcast:${request.id ?? randomUUID()}`;
      return chunks.map((messages) => base('broadcast', 'all', messages, key));
    }
    if (request.kind === 'multicast') {
      const ids = [...new Set(Array.isArray(request.to) ? request.to : [request.to])];
      const rows: OutboxEntry[] = [];
      for (let i = 0; i < ids.length; i += MAX_MULTICAST_RECIPIENTS) {
        const batch = ids.slice(i, i + MAX_MULTICAST_RECIPIENTS);
        const key = `multicast:${randomUUID()}`;
        for (const messages of chunks) rows.push(base('multicast', batch, messages, key));
      }
      return rows;
    }
    const to = Array.isArray(request.to) ? request.to[0]! : request.to;
    const orderKey = request.orderKey ?? to;
    return chunks.map((messages, i) => {
      // Only the first five can ride on the reply token (it is single-use); the rest are pushes.
      if (request.kind === 'reply' && i === 0) {
        return {
          ...base('reply', to, messages, orderKey),
          replyToken: request.replyToken,
          replyTokenAt: request.replyTokenAt ?? now,
        };
      }
      return base('push', to, messages, orderKey);
    });
  }

  private schedule(row: OutboxEntry): void {
    if (this.stopped) return;
    const queue = this.queues.get(row.orderKey);
    if (queue?.some((r) => r._id === row._id)) return;
    this.deps.metrics.outboxPending.inc();
    if (queue) {
      queue.push(row);
      return;
    }
    this.queues.set(row.orderKey, [row]);
    const worker = this.run(row.orderKey);
    this.workers.add(worker);
    void worker.finally(() => this.workers.delete(worker));
  }

  private async run(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    try {
      while (queue.length > 0 && !this.stopped) {
        const row = queue[0]!;
        const wait = row.nextAttemptAt - this.deps.clock.now();
        if (row.attempts > 0 && wait > 0) await this.sleep(Math.min(wait, this.options.backoffMaxMs));
        if (this.stopped) break;
        const outcome = await this.attempt(row);
        if (outcome === 'done') {
          queue.shift();
          this.deps.metrics.outboxPending.dec();
        }
      }
    } catch (err) {
      this.deps.logger.error({ err, orderKey: key }, 'outbox worker stopped on an unexpected error; rows stay pending');
    } finally {
      this.queues.delete(key);
      this.checkIdle();
    }
  }

  private async attempt(row: OutboxEntry): Promise<Outcome> {
    const { gateway, clock } = this.deps;
    try {
      if (row.kind === 'reply') {
        const age = clock.now() - (row.replyTokenAt ?? 0);
        if (!row.replyToken || age > this.options.replyTokenMaxAgeMs) {
          await this.fallBackToPush(row, `reply token ${Math.round(age / 1000)} s old`);
        } else {
          try {
            const result = await this.limiters.reply
              .take()
              .then(() => gateway.reply(row.replyToken!, row.messages as LineMessage[]));
            return await this.markSent(row, result.requestId);
          } catch (err) {
            if (!(err instanceof LineApiError && err.status === 400 && /invalid reply token/i.test(err.lineMessage)))
              throw err;
            await this.fallBackToPush(row, 'LINE answered Invalid reply token');
          }
        }
        // Stopped while the reply was out: the row is now a pending push, which the next start sends.
        if (this.stopped) return 'retry';
      }
      const messages = row.messages as LineMessage[];
      const result =
        row.kind === 'multicast'
          ? await this.limiters.multicast
              .take()
              .then(() => gateway.multicast(row.to as string[], messages, row.retryKey))
          : row.kind === 'broadcast'
            ? await this.limiters.broadcast.take().then(() => gateway.broadcast(messages, row.retryKey))
            : await this.limiters.push.take().then(() => gateway.push(row.to as string, messages, row.retryKey));
      return await this.markSent(row, result.requestId);
    } catch (err) {
      return this.onFailure(row, err);
    }
  }

  private async fallBackToPush(row: OutboxEntry, why: string): Promise<void> {
    row.kind = 'push';
    delete row.replyToken;
    await this.deps.repo.update(row._id, { kind: 'push' });
    this.deps.metrics.outboxSends.inc({ kind: 'reply', result: 'reply_fallback' });
    this.deps.logger.info({ outboxId: row._id, to: row.to, why }, 'reply token unusable: sending as push');
  }

  private async markSent(row: OutboxEntry, requestId: string | undefined): Promise<Outcome> {
    const now = this.deps.clock.now();
    await this.deps.repo.update(
      row._id,
      { status: 'sent', sentAt: now, sentAs: row.kind, ...(requestId ? { lineRequestId: requestId } : {}) },
      true,
    );
    this.deps.metrics.outboxSends.inc({ kind: row.kind, result: 'sent' });
    if (row.kind !== 'reply' && this.deps.onSent) {
      await this.deps
        .onSent(row)
        .catch((err: unknown) => this.deps.logger.warn({ err, outboxId: row._id }, 'quota accounting failed'));
    }
    return 'done';
  }

  private async onFailure(row: OutboxEntry, err: unknown): Promise<Outcome> {
    const { repo, clock, metrics, logger } = this.deps;
    const now = clock.now();
    if (!(err instanceof LineApiError)) {
      logger.error({ err, outboxId: row._id, purpose: row.purpose }, 'outbox send failed with an unexpected error');
      await repo.update(row._id, { status: 'failed', lastError: String(err) }, true);
      metrics.outboxSends.inc({ kind: row.kind, result: 'failed' });
      return 'done';
    }
    const lastError = `${err.status || 'network'}: ${err.lineMessage}`;
    if (err.status === 429 && /monthly limit/i.test(err.lineMessage)) {
      // Retrying cannot help until the quota changes; hold the row and tell a human.
      await repo.update(row._id, { status: 'held', lastError }, true);
      metrics.quotaExhausted.set(1);
      metrics.outboxSends.inc({ kind: row.kind, result: 'held' });
      logger.error(
        { alert: 'line_quota_exhausted', outboxId: row._id, purpose: row.purpose },
        'LINE monthly message quota is spent: message held',
      );
      return 'done';
    }
    const retryable = err.status === 0 || err.status === 429 || err.status >= 500;
    const attempts = row.attempts + 1;
    if (retryable && attempts < this.options.maxAttempts) {
      const [base, max] = row.urgent
        ? [this.options.urgentBackoffBaseMs, this.options.urgentBackoffMaxMs]
        : [this.options.backoffBaseMs, this.options.backoffMaxMs];
      const delay = Math.min(max, base * 2 ** (attempts - 1));
      const jittered = Math.round(delay * (0.75 + Math.random() * 0.5));
      row.attempts = attempts;
      row.nextAttemptAt = now + jittered;
      await repo.update(row._id, { nextAttemptAt: row.nextAttemptAt, lastError }, true);
      metrics.outboxSends.inc({ kind: row.kind, result: 'retry' });
      logger.warn(
        { outboxId: row._id, attempts, delayMs: jittered, lastError },
        'LINE send failed: will retry with the same retry key',
      );
      return 'retry';
    }
    await repo.update(row._id, { status: 'failed', lastError }, true);
    metrics.outboxSends.inc({ kind: row.kind, result: 'failed' });
    logger.error(
      { alert: 'outbox_failed', outboxId: row._id, purpose: row.purpose, to: row.to, lastError },
      'LINE refused a message',
    );
    return 'done';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeping.delete(entry);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.sleeping.add(entry);
    });
  }

  private isIdle(): boolean {
    return this.active === 0 && this.queues.size === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
