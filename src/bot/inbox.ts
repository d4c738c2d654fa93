import type { webhook } from '@line/bot-sdk';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { ChatLeaseRepository } from '../store/repositories/chat-lease-repository';
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

/** How far ahead of this hub's clock a LINE timestamp may be and still count as when the event happened. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Where an event falls in its chat's order: LINE's timestamp, the time the event happened even when
 * it is redelivered (line-api.md 2.1: delivery order can differ), in `seq`'s units (ms * 1000), plus
 * a photo's place in a set sent together (`imageSet.index`), which can share a millisecond. A
 * timestamp LINE cannot have stamped (ahead of this hub's clock) counts as the time of arrival.
 */
export function occurrenceOf(event: webhook.Event, receivedAt: number): number {
  const stamped = event.timestamp;
  const at =
    Number.isSafeInteger(stamped) && stamped >= 0 && stamped <= receivedAt + CLOCK_SKEW_MS ? stamped : receivedAt;
  const index = (event as { message?: { imageSet?: { index?: unknown } } }).message?.imageSet?.index;
  const place = typeof index === 'number' && Number.isInteger(index) && index > 0 && index < 1000 ? index : 0;
  return at * 1000 + place;
}

/** A chat's events in the order they happened, then in the order they arrived. */
export function byOccurrence(a: InboxEntry, b: InboxEntry): number {
  return (a.occurred ?? -1) - (b.occurred ?? -1) || a.seq - b.seq;
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
 * How an inbox shares the store with other hub instances (docs/architecture.md, "Several instances").
 * Without it the inbox is alone with its store (the embedded store is one process by definition):
 * one chat's events are chained in memory, and a restart resumes whatever is pending.
 */
export interface InboxCoordination {
  /** This instance, as written in claims and leases. */
  holder: string;
  chatLeases: ChatLeaseRepository;
  /** How long a claim or a chat lease holds without renewal: the longest a dead instance's event waits. */
  claimTtlMs: number;
  /** A chat's pending entries read at a time, and entries per page of a sweep. */
  pageSize: number;
  /**
   * A chat's claim is no longer renewed once one event has been handled this long (a handler stuck
   * on something with no timeout): the chat then goes to another instance rather than wait forever.
   */
  maxHoldMs: number;
  /**
   * Awaited before a chat's lease is released (bounded by the caller): what this instance queued
   * for the chat has left, so an answer from the next holder cannot overtake it.
   */
  beforeRelease?(sourceKey: string): Promise<void>;
  /**
   * Awaited once a chat's lease was taken over from another instance (it died or hung, bounded by
   * the caller): what that instance had queued for the chat is sent first, so the answers to this
   * chat's next events cannot overtake it.
   */
  afterTakeOver?(sourceKey: string): Promise<void>;
}

/** One chat being handled by this instance: it holds the chat's lease until `leaseUntil`. */
interface ChatRun {
  key: string;
  /** An event for this chat arrived here while it ran: look again before letting go. */
  more: boolean;
  leaseUntil: number;
  /** The lease was found taken over (this instance had stopped renewing it): stop at once. */
  lost: boolean;
  current?: { id: string; since: number };
}

/**
 * The webhook's inbox: events are persisted (deduplicated by webhookEventId) before the webhook
 * answers 200, then handled in the background, sequentially per source. A handler that throws
 * marks its event failed and does not hold up the others. A restart resumes what was pending.
 *
 * With several instances (`coordination`), an event is claimed in the store by the instance that
 * stored it, and a chat's events are handled only by the holder of the chat's lease, oldest first,
 * whichever instance LINE sent them to. Claims and leases are renewed while handling; the sweeper
 * (sweep(), on one instance at a time) hands the events of an instance that died or hung to this one.
 */
export class Inbox {
  private readonly chains = new Map<string, Promise<void>>();
  /** One process alone: each chat's scheduled entries not yet started, in the order they happened. */
  private readonly queued = new Map<string, InboxEntry[]>();
  private readonly runs = new Map<string, ChatRun>();
  /** Entries this instance stored and claimed, by id, with the claim's end: handed back on stop. */
  private readonly claimed = new Map<string, number>();
  private renewTimer: NodeJS.Timeout | undefined;
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
      coordination?: InboxCoordination;
    },
  ) {
    this.nextSeq = sequencer(deps.clock);
    const co = deps.coordination;
    if (co) {
      this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(co.claimTtlMs / 3)));
      this.renewTimer.unref();
    }
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
    const co = this.deps.coordination;
    // Claimed by this instance from the start; once stopped, handed back (expired since 0, as
    // releaseClaims writes it) for the next sweep of any instance to take.
    const claim = co ? { claimedBy: co.holder, claimExpiresAt: this.stopped ? 0 : now + co.claimTtlMs } : {};
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
        occurred: occurrenceOf(event, now),
        sourceKey: sourceKeyOf(event),
        event: event as unknown as Record<string, unknown>,
        status: 'pending',
        receivedAt: now,
        attempts: 0,
        ...claim,
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
      if (co && entry.claimExpiresAt! > now) this.claimed.set(entry._id, entry.claimExpiresAt!);
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
   * nothing is left (a backlog of any size, not only its first page). With several instances, only
   * what no live instance answers for: events whose claims expired (a sweep).
   */
  async resume(pageSize = 1_000): Promise<number> {
    if (this.deps.coordination) return this.sweep();
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

  /**
   * Several instances: every pending event whose claim expired (its instance died or hung), page by
   * page with no cap, goes to this instance; each chat is then handled here once its lease is free.
   * Returns how many such events were found.
   */
  async sweep(): Promise<number> {
    const co = this.deps.coordination;
    if (!co || this.stopped) return 0;
    const now = this.deps.clock.now();
    let found = 0;
    let after: Parameters<InboxRepository['expiredClaims']>[2];
    do {
      const page = await this.deps.repo.expiredClaims(now, co.pageSize, after);
      for (const entry of page.entries) this.wake(entry.sourceKey);
      found += page.entries.length;
      after = page.next;
    } while (after && !this.stopped);
    if (found > 0)
      this.deps.logger.warn({ events: found }, 'events whose instance stopped answering for them: taken over');
    return found;
  }

  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.renewTimer);
  }

  /**
   * After stop(), with several instances: the events this instance stored and did not handle are
   * handed back (their claims end now), so the sweeper gives them to a live instance at once.
   */
  async handOver(): Promise<number> {
    const co = this.deps.coordination;
    if (!co) return 0;
    const now = this.deps.clock.now();
    // Not the ones still being handled here: their chats' leases keep them until they are done.
    const handling = new Set([...this.runs.values()].map((r) => r.current?.id));
    const ids = [...this.claimed].filter(([id, until]) => until > now && !handling.has(id)).map(([id]) => id);
    this.claimed.clear();
    return ids.length > 0 ? this.deps.repo.releaseClaims(ids, co.holder) : 0;
  }

  private schedule(entry: InboxEntry): void {
    if (this.stopped) return;
    if (this.deps.coordination) return this.wake(entry.sourceKey);
    this.inFlight++;
    const key = entry.sourceKey;
    // Each scheduled entry adds one step to the chat's chain, and each step takes whichever waiting
    // entry happened first: one LINE delivered late still goes before those that happened after it.
    const queue = this.queued.get(key) ?? [];
    let at = queue.length;
    while (at > 0 && byOccurrence(queue[at - 1]!, entry) > 0) at--;
    queue.splice(at, 0, entry);
    this.queued.set(key, queue);
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.process(this.takeFirst(key)));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
      this.finished();
    });
  }

  private takeFirst(key: string): InboxEntry {
    const queue = this.queued.get(key)!;
    const entry = queue.shift()!;
    if (queue.length === 0) this.queued.delete(key);
    return entry;
  }

  private finished(): void {
    this.inFlight--;
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Several instances: this chat has an event to handle; run it here unless it already runs here. */
  private wake(key: string): void {
    if (this.stopped) return;
    const running = this.runs.get(key);
    if (running) {
      running.more = true;
      return;
    }
    const run: ChatRun = { key, more: false, leaseUntil: 0, lost: false };
    this.runs.set(key, run);
    this.inFlight++;
    void this.runChat(run)
      .catch((err: unknown) =>
        this.deps.logger.error({ err, sourceKey: key }, 'could not handle a chat; its events wait for the sweeper'),
      )
      .finally(() => {
        this.runs.delete(key);
        this.finished();
      });
  }

  /**
   * Takes the chat's lease and handles its pending events, oldest first, until none is left. Another
   * instance that stored an event for the chat meanwhile could not take the lease: after letting go,
   * look once more, so that event is not left waiting for the sweeper.
   */
  private async runChat(run: ChatRun): Promise<void> {
    const { repo, clock } = this.deps;
    const co = this.deps.coordination!;
    for (;;) {
      if (this.stopped) return;
      run.more = false;
      const now = clock.now();
      const got = await co.chatLeases.acquire(run.key, co.holder, now, co.claimTtlMs);
      if (!got) return;
      run.leaseUntil = now + co.claimTtlMs;
      try {
        if (got === 'taken-over' && co.afterTakeOver) await co.afterTakeOver(run.key);
        await this.handleChat(run);
        if (co.beforeRelease && !run.lost) await co.beforeRelease(run.key);
      } finally {
        run.leaseUntil = 0;
        if (!run.lost) await co.chatLeases.release(run.key, co.holder);
      }
      if (run.lost || this.stopped) return;
      if (!run.more && !(await repo.hasPendingOf(run.key))) return;
    }
  }

  private async handleChat(run: ChatRun): Promise<void> {
    const { repo, clock } = this.deps;
    const co = this.deps.coordination!;
    for (;;) {
      const page = await repo.pendingOf(run.key, co.pageSize);
      for (const entry of page) {
        if (this.stopped || !(await this.stillHolding(run))) return;
        if (!(await this.claim(entry))) continue;
        run.current = { id: entry._id, since: clock.now() };
        try {
          await this.process(entry);
        } finally {
          run.current = undefined;
          this.claimed.delete(entry._id);
        }
      }
      if (page.length < co.pageSize) return;
    }
  }

  /**
   * Before each event: the lease must still be this instance's. Renewed here once a third of it is
   * spent; when it cannot be (this instance was paused past it and another took the chat over), stop.
   */
  private async stillHolding(run: ChatRun): Promise<boolean> {
    const co = this.deps.coordination!;
    const now = this.deps.clock.now();
    if (run.lost) return false;
    if (run.leaseUntil - now > (co.claimTtlMs * 2) / 3) return true;
    if (await co.chatLeases.renew(run.key, co.holder, now, co.claimTtlMs)) {
      run.leaseUntil = now + co.claimTtlMs;
      return true;
    }
    run.lost = true;
    this.deps.logger.warn({ sourceKey: run.key }, 'chat taken over by another instance while this one was held up');
    return false;
  }

  /** The entry becomes this instance's (it holds the chat): no store call when it claimed the entry itself. */
  private async claim(entry: InboxEntry): Promise<boolean> {
    const co = this.deps.coordination!;
    const now = this.deps.clock.now();
    if (entry.claimedBy === co.holder && (entry.claimExpiresAt ?? 0) - now > (co.claimTtlMs * 2) / 3) return true;
    return this.deps.repo.claim(entry._id, co.holder, now + co.claimTtlMs);
  }

  /**
   * Every third of a claim's time: the chats handled here for a while keep their leases, and the
   * event being handled its claim, unless that event has taken longer than maxHoldMs.
   */
  private async renew(): Promise<void> {
    const co = this.deps.coordination!;
    const { repo, clock, logger } = this.deps;
    const now = clock.now();
    for (const [id, until] of this.claimed) if (until <= now) this.claimed.delete(id);
    for (const run of this.runs.values()) {
      if (run.leaseUntil === 0 || run.lost || run.leaseUntil - now > (co.claimTtlMs * 2) / 3) continue;
      if (run.current && now - run.current.since > co.maxHoldMs) continue;
      try {
        if (!(await co.chatLeases.renew(run.key, co.holder, now, co.claimTtlMs))) {
          run.lost = true;
          continue;
        }
        run.leaseUntil = now + co.claimTtlMs;
        if (run.current) await repo.renewClaims([run.current.id], co.holder, now + co.claimTtlMs);
      } catch (err) {
        logger.warn({ err, sourceKey: run.key }, 'could not renew a chat lease');
      }
    }
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
          this.deps.repo
            .markManyDone(batch.ids, this.deps.clock.now(), this.deps.coordination?.holder)
            .then(() => resolve(), reject);
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
        .markFailed(
          entry._id,
          err instanceof Error ? `${err.name}: ${err.message}` : String(err),
          clock.now(),
          this.deps.coordination?.holder,
        )
        .catch((storeErr: unknown) =>
          logger.error({ err: storeErr, webhookEventId: entry._id }, 'could not mark event failed'),
        );
    } finally {
      metrics.eventHandleSeconds.observe(Math.max(0, clock.now() - entry.receivedAt) / 1000);
    }
  }
}
