import type { webhook } from '@line/bot-sdk';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { InboxEntry, InboxRepository } from '../store/repositories/inbox-repository';
import type { Clock } from '../util/clock';
import { sequencer } from '../util/sequence';

export type EventHandler = (event: webhook.Event) => Promise<void>;

/** An event that failed the webhook's checks: kept (deduplicated by id) as failed, never handled. */
export interface InvalidEvent {
  id: string;
  type: string;
  reason: string;
}

/** Event types LINE documents; anything else is counted as "other" (a metric label per string is unbounded). */
const KNOWN_TYPES = new Set([
  'message',
  'unsend',
  'follow',
  'unfollow',
  'join',
  'leave',
  'memberJoined',
  'memberLeft',
  'postback',
  'videoPlayComplete',
  'beacon',
  'accountLink',
  'things',
  'membership',
  'module',
  'activated',
  'deactivated',
  'botSuspended',
  'botResumed',
]);
/** Invalid events kept per webhook body (the rest are counted in a log line). */
const MAX_INVALID_KEPT_PER_BODY = 10;
const typeLabel = (type: unknown) => (typeof type === 'string' && KNOWN_TYPES.has(type) ? type : 'other');

/** Events from one user (1:1), or from one group, are handled one at a time and in order. */
export function sourceKeyOf(event: webhook.Event): string {
  const source = event.source;
  if (!source) return 'none';
  if (source.type === 'group') return `group:${source.groupId}`;
  if (source.type === 'room') return `room:${source.roomId}`;
  return `user:${source.userId ?? 'unknown'}`;
}

/**
 * The LINE console's "Verify" button used to send sample events with dummy reply tokens (all zeros,
 * and all f's for the second one) from a dummy user. They are not from a person: handling one would
 * push an answer to a user who does not exist and spend quota (STYLE 4: skip verify events).
 */
export function isVerifyEvent(event: webhook.Event): boolean {
  const token = (event as { replyToken?: unknown }).replyToken;
  return typeof token === 'string' && /^(0+|f+)$/i.test(token);
}

/**
 * The webhook's inbox: events are persisted (deduplicated by webhookEventId) before the webhook
 * answers 200, then handled in the background, sequentially per source. A handler that throws
 * marks its event failed and does not hold up the others. A restart resumes what was pending.
 */
export class Inbox {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly nextSeq: () => number;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  /** Events handled in this turn of the event loop, marked done together at the end of it. */
  private doneBatch: { ids: string[]; written: Promise<void> } | undefined;

  constructor(
    private readonly deps: {
      repo: InboxRepository;
      handle: EventHandler;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
    },
  ) {
    this.nextSeq = sequencer(deps.clock);
  }

  /**
   * Persists the events; resolves once they are safely stored. Handling starts right after.
   * `ignored` counts verify events, which are neither stored nor handled.
   */
  async accept(
    events: webhook.Event[],
    invalid: InvalidEvent[] = [],
  ): Promise<{ fresh: number; duplicates: number; ignored: number }> {
    const now = this.deps.clock.now();
    const entries: InboxEntry[] = [];
    const seen = new Set<string>();
    let ignored = 0;
    for (const event of events) {
      if (isVerifyEvent(event)) {
        ignored++;
        continue;
      }
      // Events without an id would be impossible to dedupe; LINE always sends one (line-api.md 1.5).
      const id = event.webhookEventId;
      if (!id || seen.has(id)) continue;
      seen.add(id);
      entries.push({
        _id: id,
        seq: this.nextSeq(),
        sourceKey: sourceKeyOf(event),
        event: event as unknown as Record<string, unknown>,
        status: 'pending',
        receivedAt: now,
        attempts: 0,
      });
    }
    let kept = 0;
    for (const bad of invalid) {
      if (seen.has(bad.id)) continue;
      seen.add(bad.id);
      // A few per body tell what was wrong; a body of 500 poison events must not cost 500 entries.
      if (++kept > MAX_INVALID_KEPT_PER_BODY) continue;
      // Only what says what was wrong: the event itself may be anything (60,000 levels of nesting).
      entries.push({
        _id: bad.id,
        seq: this.nextSeq(),
        sourceKey: 'invalid',
        event: { type: bad.type, invalid: true },
        status: 'failed',
        error: `invalid event: ${bad.reason}`,
        receivedAt: now,
        doneAt: now,
        attempts: 0,
      });
    }
    const fresh = await this.deps.repo.accept(entries);
    let freshInvalid = 0;
    for (const entry of fresh) {
      if (entry.status === 'failed') {
        freshInvalid++;
        this.deps.metrics.webhookEvents.inc({ type: typeLabel(entry.event?.type), outcome: 'invalid' });
        this.deps.logger.warn({ webhookEventId: entry._id, error: entry.error }, 'webhook event refused as invalid');
        continue;
      }
      this.deps.metrics.webhookEvents.inc({ type: typeLabel(entry.event?.type), outcome: 'new' });
      this.schedule(entry);
    }
    if (kept > MAX_INVALID_KEPT_PER_BODY) {
      this.deps.metrics.webhookEvents.inc({ type: 'other', outcome: 'invalid' }, kept - MAX_INVALID_KEPT_PER_BODY);
      this.deps.logger.warn(
        { invalid: kept, kept: MAX_INVALID_KEPT_PER_BODY },
        'webhook body with many invalid events: only the first ones kept',
      );
    }
    // Verify events are not duplicates: leave them out of that count. Invalid ones count as duplicates
    // when stored before (the same poison body again).
    const duplicates = events.length + Math.min(kept, MAX_INVALID_KEPT_PER_BODY) - ignored - fresh.length;
    if (duplicates > 0) this.deps.metrics.webhookEvents.inc({ type: 'any', outcome: 'duplicate' }, duplicates);
    if (ignored > 0) this.deps.metrics.webhookEvents.inc({ type: 'any', outcome: 'verify' }, ignored);
    return { fresh: fresh.length - freshInvalid, duplicates, ignored };
  }

  /**
   * After a restart: handle what a previous process accepted but did not finish, page by page until
   * nothing is left (a backlog of any size, not only its first page).
   */
  async resume(pageSize = 1_000): Promise<number> {
    let resumed = 0;
    let after = -Infinity;
    for (;;) {
      const page = await this.deps.repo.unfinishedAfter(after, pageSize);
      for (const entry of page) this.schedule(entry);
      resumed += page.length;
      if (page.length < pageSize) return resumed;
      after = page[page.length - 1]!.seq;
    }
  }

  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
  }

  private schedule(entry: InboxEntry): void {
    if (this.stopped) return;
    this.inFlight++;
    const key = entry.sourceKey;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.process(entry));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
      this.inFlight--;
      if (this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  }

  /**
   * Done marks are written once per turn of the event loop for every event handled in it: one store
   * operation and one append instead of one per event (bench/webhook.ts). An event whose mark was not
   * yet written when the process died is handled again after the restart; its answers are named
   * after the event (bot.ts), so what the first run queued is not sent twice.
   */
  private markDone(id: string): Promise<void> {
    if (!this.doneBatch) {
      const batch = { ids: [] as string[], written: Promise.resolve() };
      batch.written = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          if (this.doneBatch === batch) this.doneBatch = undefined;
          this.deps.repo.markManyDone(batch.ids, this.deps.clock.now()).then(() => resolve(), reject);
        });
      });
      this.doneBatch = batch;
    }
    this.doneBatch.ids.push(id);
    return this.doneBatch.written;
  }

  private async process(entry: InboxEntry): Promise<void> {
    if (this.stopped) return;
    const { repo, handle, clock, logger, metrics } = this.deps;
    try {
      // Pending entries always carry their event; only a handled one has it dropped.
      if (!entry.event) throw new Error('inbox entry has no event to handle');
      await handle(entry.event as unknown as webhook.Event);
      await this.markDone(entry._id);
      metrics.eventsHandled.inc({ result: 'done' });
    } catch (err) {
      logger.error({ err, webhookEventId: entry._id, type: entry.event?.type }, 'event handler failed');
      metrics.eventsHandled.inc({ result: 'failed' });
      await repo
        .markFailed(entry._id, err instanceof Error ? `${err.name}: ${err.message}` : String(err), clock.now())
        .catch((storeErr: unknown) =>
          logger.error({ err: storeErr, webhookEventId: entry._id }, 'could not mark event failed'),
        );
    } finally {
      metrics.eventHandleSeconds.observe(Math.max(0, clock.now() - entry.receivedAt) / 1000);
    }
  }
}
