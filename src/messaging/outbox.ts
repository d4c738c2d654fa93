import { createHash, randomUUID } from 'node:crypto';
import { TokenBucket } from './rate-limiter';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { OutboxEntry, OutboxKind, OutboxRepository } from '../store/repositories/outbox-repository';
import type { Clock } from '../util/clock';
import { bangkokMonth } from '../util/bangkok-month';
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
  /** After this long an urgent row still failing backs off to urgentSlowBackoffMaxMs (a long outage). */
  urgentFastForMs: number;
  urgentSlowBackoffMaxMs: number;
  /**
   * How long after it was queued a message is still worth sending, by purpose (the `purpose` of
   * SendRequest). Past it a failing row is given up (failed, with an alert log line). Purposes not
   * listed get `default`: what a case or an alert became must arrive even after a day-long outage.
   */
  retryHorizonMs: { default: number } & Record<string, number>;
  /** Per-endpoint request rates kept below LINE's limits (line-api.md 2.4). */
  ratePerSecond: { reply: number; push: number; multicast: number };
  /** How long stop() waits for sends already in flight to get LINE's answer and record it. */
  stopGraceMs: number;
  /** Rows read per page when a restart resumes what was pending. */
  resumePageSize: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Answers to a conversation turn (a help text, a menu, a question) mean little an hour later; they
 * are given up after 30 minutes. Everything else (case cards and updates, SOS messages, the answer
 * to a report) keeps trying for three days.
 */
const CONVERSATION_PURPOSES = [
  'help',
  'help-unknown',
  'help-unsupported',
  'menu',
  'language-picker',
  'language-changed',
  'group-hello',
  'group-help',
  'flow-expired',
  'error',
  'sos-question',
  'sos-refused',
  'case-refused',
  'bind-usage',
  'bind-refused',
  'duty',
  'my-cases',
  'zone-info',
];

export const defaultOutboxOptions: OutboxOptions = {
  replyTokenMaxAgeMs: 50_000,
  // A first retry a quarter second later: a 5xx is usually brief, and an SOS should not sit longer.
  backoffBaseMs: 250,
  backoffMaxMs: 60_000,
  // bench/sos --fail-rate 0.2: with the ordinary backoff an alert that met three 500s in a row
  // (0.8% of them) took 1.75 s; on this one it takes 0.7 s, and five in a row 2.5 s. Tried every
  // second for 15 minutes, an SOS reaches the group within about a second of LINE answering again
  // (bench/faults/sos-outage.ts); after that every 10 s.
  urgentBackoffBaseMs: 100,
  urgentBackoffMaxMs: 1_000,
  urgentFastForMs: 15 * MINUTE,
  urgentSlowBackoffMaxMs: 10_000,
  retryHorizonMs: {
    default: 72 * HOUR,
    ...Object.fromEntries(CONVERSATION_PURPOSES.map((p) => [p, 30 * MINUTE])),
  },
  // LINE allows 2,000/s for reply and push, about 200/s for multicast (line-api.md 2.4); keep a 10%
  // margin. At 1,500/s (25%) the limiter itself capped replies at the hub's target rate, so any
  // burst above it queued for good (bench/webhook.ts at 1,500/s: answers fell behind the 200s).
  ratePerSecond: { reply: 1_800, push: 1_800, multicast: 180 },
  stopGraceMs: 15_000,
  resumePageSize: 1_000,
};

/**
 * How an outbox shares the store with other hub instances (docs/architecture.md, "Several instances").
 * Without it the outbox is alone with its store, and a restart resumes whatever is unsent.
 */
export interface OutboxCoordination {
  /** This instance, as written in claims. */
  holder: string;
  /** How long a claim holds without renewal: the longest a dead instance's message waits. */
  claimTtlMs: number;
  /** Rows per page of a sweep. */
  pageSize: number;
}

/** What happened to a row, for those who watch deliveries (the SOS delivery watch, the quota). */
export interface OutboxListener {
  /** A row was queued in this process: enqueued now, resumed after a restart, or released. */
  queued?(row: OutboxEntry): void;
  /**
   * LINE accepted the row (or had accepted it before: 409, a used reply token). Awaited before the
   * row counts as done, so what the listener queues in turn is part of drain().
   */
  sent?(row: OutboxEntry): Promise<void> | void;
}

const MAX_MESSAGES_PER_CALL = 5;
const MAX_MULTICAST_RECIPIENTS = 500;

type Outcome = 'done' | 'retry';

/** The row is no longer this instance's: another took it over while this one was held up. */
class TakenOver extends Error {}

const AUTO_RELEASE_EVERY_MS = 10 * MINUTE;
/** Rows a sweep takes over at once (each a compare-and-set of its own). */
const SWEEP_PARALLEL = 50;
/** Failing this long before a success counts as an outage that has ended (every waiting row goes). */
const RECOVERY_WAKE_AFTER_MS = 2_000;

/**
 * Every outbound message is a row here before LINE sees it. A worker sends rows in order per chat,
 * with the row's retry key on push and multicast, retries 5xx / timeouts / rate-limit 429s with
 * backoff for as long as the row's purpose is worth it (its retry horizon), holds messages when the
 * monthly quota is spent and releases them when sends succeed again, and falls back from a stale
 * reply token to a push. A restart resumes the rows still pending, page by page.
 */
export class Outbox {
  private readonly options: OutboxOptions;
  private readonly queues = new Map<string, OutboxEntry[]>();
  /** The ids of the rows in `queues`: a row handed in twice (resume, a sweep) is queued once, in O(1). */
  private readonly queued = new Set<string>();
  private readonly limiters: Record<OutboxKind, TokenBucket>;
  private readonly nextSeq: () => number;
  private active = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  /** The per-chat send loops running now; stop() waits for them to record what LINE answered. */
  private readonly workers = new Set<Promise<void>>();
  private readonly listeners: OutboxListener[] = [];
  private stopped = false;
  /** Since when LINE has been failing (network, timeout, 5xx); undefined while sends succeed. */
  private failingSince: number | undefined;
  /** True from a quota hold until held rows are released. */
  private holding = false;
  private releasing: Promise<number> | undefined;
  /** A successful send releases held rows at most this often (the quota may fit one push, not all). */
  private lastAutoRelease = -Infinity;
  private renewTimer: NodeJS.Timeout | undefined;
  /** Who waits for an order key's queue here to empty (a chat's lease waits for its answers to leave). */
  private readonly settledWaiters = new Map<string, Array<() => void>>();

  constructor(
    private readonly deps: {
      repo: OutboxRepository;
      gateway: LineGateway;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
      /** Told of every push or multicast LINE accepted (the quota ledger counts them). */
      onSent?(row: OutboxEntry): Promise<void>;
      /**
       * Asked before an urgent row is retried: false when it is no longer wanted (the SOS alert it
       * belongs to was closed), and the row is then given up. Absent: always wanted.
       */
      stillWanted?(row: OutboxEntry): Promise<boolean>;
      coordination?: OutboxCoordination;
      /**
       * Shared with other instances: asked before each call (after this outbox's own pacing), so that
       * all instances together stay under LINE's rate limits. Absent: this process alone talks to LINE.
       */
      sharedRate?: Partial<Record<OutboxKind, { take(): Promise<void> }>>;
    },
    options: Partial<OutboxOptions> = {},
  ) {
    this.options = {
      ...defaultOutboxOptions,
      ...options,
      retryHorizonMs: { ...defaultOutboxOptions.retryHorizonMs, ...options.retryHorizonMs },
    };
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
    const co = deps.coordination;
    if (co) {
      this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(co.claimTtlMs / 3)));
      this.renewTimer.unref();
    }
  }

  /** Waits for a LINE call slot: this process's pace, then the budget shared with other instances. */
  private async slot(kind: OutboxKind): Promise<void> {
    await this.limiters[kind].take();
    await this.deps.sharedRate?.[kind]?.take();
  }

  /** True when a row with this id was ever queued (by this process or an earlier one). */
  async queuedBefore(id: string): Promise<boolean> {
    return (await this.deps.repo.get(id)) !== null;
  }

  /** Adds a watcher of queued and sent rows. */
  listen(listener: OutboxListener): void {
    this.listeners.push(listener);
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

  /**
   * Picks up rows a previous process left pending, page by page until none is left (a backlog of
   * any size is resumed, not only its first page). Also puts back in line the messages held for a
   * quota that a new Bangkok month has since renewed.
   */
  async resume(): Promise<number> {
    // With several instances, only rows no live instance answers for (a sweep).
    if (this.deps.coordination) return (await this.sweep()) + (await this.releaseHeldBeforeThisMonth());
    let resumed = 0;
    let after = -Infinity;
    for (;;) {
      const page = await this.deps.repo.pendingAfter(after, this.options.resumePageSize);
      for (const row of page) this.schedule(row);
      resumed += page.length;
      if (page.length < this.options.resumePageSize) break;
      after = page[page.length - 1]!.seq;
    }
    return resumed + (await this.releaseHeldBeforeThisMonth());
  }

  /**
   * LINE renews the quota each month: rows held in an earlier Bangkok month go again (at start, and
   * from the scheduler at the turn of the month). Returns how many were released.
   */
  async releaseHeldBeforeThisMonth(): Promise<number> {
    const month = bangkokMonth(this.deps.clock.now());
    const held = await this.deps.repo.held();
    const stale = held.filter((r) => r.heldAt === undefined || bangkokMonth(r.heldAt) !== month);
    if (held.length > stale.length) this.holding = true;
    return stale.length > 0 ? this.release(stale, 'a new month renewed the quota') : 0;
  }

  /**
   * Puts messages held for an exhausted quota back in line (the quota was raised, a new month began,
   * or a send just succeeded) and resets the quota gauge. Returns how many were released.
   */
  async releaseHeld(why = 'released by an operator'): Promise<number> {
    // One release at a time: a burst of successful sends after a hold asks for it many times.
    this.releasing ??= (async () => {
      try {
        return await this.release(await this.deps.repo.held(), why);
      } finally {
        this.releasing = undefined;
      }
    })();
    return this.releasing;
  }

  private async release(rows: OutboxEntry[], why: string): Promise<number> {
    const now = this.deps.clock.now();
    this.holding = false;
    this.deps.metrics.quotaExhausted.set(0);
    let released = 0;
    for (const row of rows) {
      // Row by row, and only while still held: a row held while this runs stays held (and is released
      // next time), and of two instances releasing at once, one sends each row.
      const back = await this.deps.repo.releaseHeldRow(row._id, now, this.claim(now));
      if (!back) continue;
      this.schedule(back);
      released++;
    }
    if (released > 0) this.deps.logger.warn({ released, why }, 'messages held for the quota released');
    return released;
  }

  /**
   * A fresh claim by this instance (several instances), as written into a row. Once stopped (a
   * handler still finishing queues an answer), one already handed back (expired since 0, as
   * releaseClaims writes it), which the next sweep of any instance takes, even at this very `now`.
   */
  private claim(now: number): Pick<OutboxEntry, 'claimedBy' | 'claimExpiresAt'> {
    const co = this.deps.coordination;
    return co ? { claimedBy: co.holder, claimExpiresAt: this.stopped ? 0 : now + co.claimTtlMs } : {};
  }

  /**
   * Several instances: every unsent row whose claim expired (its instance died or hung) is taken
   * over by this one and sent from here, page by page with no cap. Returns how many were taken.
   */
  async sweep(): Promise<number> {
    const co = this.deps.coordination;
    if (!co || this.stopped) return 0;
    const now = this.deps.clock.now();
    let taken = 0;
    for (;;) {
      const page = await this.deps.repo.expiredClaims(now, co.pageSize);
      let tookHere = 0;
      // Taken SWEEP_PARALLEL rows at a time (one at a time, a dead instance's thousand rows cost a
      // thousand round trips before the first went out: bench/instances.ts), queued in page order.
      for (let i = 0; i < page.length; i += SWEEP_PARALLEL) {
        tookHere += await this.takeOver(page.slice(i, i + SWEEP_PARALLEL), now);
      }
      taken += tookHere;
      // Taken rows leave the expired set, so the next query is the next page.
      if (page.length < co.pageSize || tookHere === 0 || this.stopped) break;
    }
    if (taken > 0)
      this.deps.logger.warn({ messages: taken }, 'messages whose instance stopped sending them: taken over');
    return taken;
  }

  /**
   * A chat whose lease this instance took over from one that stopped answering: the rows that one
   * still claims for the chat are taken now (not when their claims expire) and sent first; resolves
   * once they have left, or after `timeoutMs`. A row the other had already handed to LINE is not
   * sent twice: a reply finds its token used, a push its retry key taken.
   */
  async takeOverChat(orderKey: string, timeoutMs: number): Promise<void> {
    const co = this.deps.coordination;
    if (!co || this.stopped) return;
    const rows = await this.deps.repo.unsentOfOthers(orderKey, co.holder);
    if (rows.length === 0) return;
    const taken = await this.takeOver(rows, this.deps.clock.now());
    if (taken > 0)
      this.deps.logger.warn({ orderKey, messages: taken }, 'messages of a chat taken over with the chat: sent first');
    await this.settled(orderKey, timeoutMs);
  }

  /**
   * Takes these rows for this instance, all at once, each only if nobody changed it since it was read
   * (another sweep, or the instance itself, got there first), and queues them in the order given.
   */
  private async takeOver(rows: OutboxEntry[], now: number): Promise<number> {
    const co = this.deps.coordination!;
    const taken = await Promise.all(rows.map((row) => this.deps.repo.takeOver(row, co.holder, now + co.claimTtlMs)));
    let queued = 0;
    for (const mine of taken) {
      if (!mine) continue;
      this.schedule(mine);
      queued++;
    }
    return queued;
  }

  /**
   * Resolves once nothing is queued here for `orderKey` (every row of it sent, given up or held), or
   * after `timeoutMs`: a chat's lease is let go only once the answers this instance queued for it
   * have left, so the next holder's cannot overtake them.
   */
  settled(orderKey: string, timeoutMs: number): Promise<void> {
    if (!this.queues.has(orderKey)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      const waiters = this.settledWaiters.get(orderKey) ?? [];
      waiters.push(done);
      this.settledWaiters.set(orderKey, waiters);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /** Every third of a claim's time: rows queued here whose claims would soon expire are renewed. */
  private async renew(): Promise<void> {
    const co = this.deps.coordination!;
    const now = this.deps.clock.now();
    const due: OutboxEntry[] = [];
    for (const queue of this.queues.values())
      for (const row of queue) if ((row.claimExpiresAt ?? 0) - now < (co.claimTtlMs * 2) / 3) due.push(row);
    for (let i = 0; i < due.length; i += 1_000) {
      const batch = due.slice(i, i + 1_000);
      try {
        await this.deps.repo.renewClaims(
          batch.map((r) => r._id),
          co.holder,
          now + co.claimTtlMs,
        );
        for (const row of batch) row.claimExpiresAt = now + co.claimTtlMs;
      } catch (err) {
        this.deps.logger.warn({ err }, 'could not renew the claims of queued messages');
      }
    }
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
    this.wakeAll();
    // Waiting here (bounded, in case the store hangs) means the next process starts from what really
    // happened: a reply LINE took is marked sent instead of being sent again (a reply has no retry key).
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.stopGraceMs);
      timer.unref();
    });
    await Promise.race([Promise.allSettled([...this.workers]), grace]);
    clearTimeout(timer);
    clearInterval(this.renewTimer);
    // A call still waiting for a rate-limit token goes now rather than hold shutdown up.
    for (const limiter of Object.values(this.limiters)) limiter.release();
    // Several instances: what is still queued here is handed back, for a live instance to send now.
    const co = this.deps.coordination;
    if (co) {
      const unsent = [...this.queues.values()].flat().map((r) => r._id);
      await this.deps.repo
        .releaseClaims(unsent, co.holder)
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'could not hand back the unsent messages'));
    }
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
        ...this.claim(now),
        ...(request.urgent ? { urgent: true } : {}),
        ...(request.dedupeKey ? { dedupeKey: request.dedupeKey } : {}),
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
    if (this.queued.has(row._id)) return;
    const queue = this.queues.get(row.orderKey);
    this.queued.add(row._id);
    this.deps.metrics.outboxPending.inc();
    for (const l of this.listeners) l.queued?.(row);
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
          this.queued.delete(queue.shift()!._id);
          this.deps.metrics.outboxPending.dec();
        }
      }
    } catch (err) {
      this.deps.logger.error({ err, orderKey: key }, 'outbox worker stopped on an unexpected error; rows stay pending');
    } finally {
      for (const r of queue) this.queued.delete(r._id);
      this.queues.delete(key);
      const waiters = this.settledWaiters.get(key);
      this.settledWaiters.delete(key);
      for (const w of waiters ?? []) w();
      this.checkIdle();
    }
  }

  /**
   * Several instances: the row goes from pending to sending only while this instance still claims
   * it, so one that was paused past its claim does not send what another has taken over. A reply's
   * first try is marked in the same write. Alone with the store: only that mark, as before.
   */
  private async claimForSend(row: OutboxEntry, firstReplyTry: boolean): Promise<boolean> {
    const { repo, clock } = this.deps;
    const now = clock.now();
    const co = this.deps.coordination;
    if (!co) {
      if (firstReplyTry) {
        // On record before the call leaves: after a crash, the next process knows the token may be spent.
        row.replyTriedAt = now;
        await repo.markReplyTried(row._id, now);
      }
      return true;
    }
    const claimed = { claimExpiresAt: now + co.claimTtlMs, ...(firstReplyTry ? { replyTriedAt: now } : {}) };
    if (!(await repo.claimForSend(row._id, co.holder, claimed))) return false;
    Object.assign(row, claimed, { status: 'sending' });
    return true;
  }

  /** Records a state of a row still being sent (a retry, the switch to a push): only while it is this instance's. */
  private async updateUnsent(
    row: OutboxEntry,
    $set: Partial<Omit<OutboxEntry, 'messages'>>,
    incAttempts = false,
  ): Promise<void> {
    const co = this.deps.coordination;
    if (!co) {
      await this.deps.repo.update(row._id, $set, incAttempts);
      return;
    }
    if (!(await this.deps.repo.updateClaimed(row._id, co.holder, $set, incAttempts))) throw new TakenOver();
  }

  private async attempt(row: OutboxEntry): Promise<Outcome> {
    try {
      return await this.attemptClaimed(row);
    } catch (err) {
      if (!(err instanceof TakenOver)) throw err;
      this.deps.metrics.outboxSends.inc({ kind: row.kind, result: 'taken_over' });
      this.deps.logger.info(
        { outboxId: row._id, purpose: row.purpose },
        'message taken over by another instance while this one was held up: left to it',
      );
      return 'done';
    }
  }

  private async attemptClaimed(row: OutboxEntry): Promise<Outcome> {
    const { gateway, clock } = this.deps;
    const triedBefore = row.replyTriedAt !== undefined;
    const hasToken = row.kind === 'reply' && Boolean(row.replyToken);
    const ageNow = () => clock.now() - (row.replyTokenAt ?? 0);
    // A reply waits its turn under LINE's rate before its token is marked tried, so the mark means the
    // call is about to leave: an instance that dies or stalls while waiting leaves a token that was
    // never tried, which the next one may still use, or push, without counting it delivered.
    if (hasToken && ageNow() <= this.options.replyTokenMaxAgeMs) await this.slot('reply');
    const age = ageNow();
    const replying = hasToken && age <= this.options.replyTokenMaxAgeMs;
    try {
      if (!(await this.claimForSend(row, replying && !triedBefore))) throw new TakenOver();
      if (row.kind === 'reply') {
        if (!replying) {
          const seconds = Math.round(age / 1000);
          if (triedBefore) {
            // An earlier try got no answer (a timeout, a 5xx, a crash) and the token is now too old to
            // ask LINE whether it was used. Pushing may show the person the same message twice; not
            // pushing may show it never. Twice is the lesser harm: counted apart, so it can be watched.
            this.deps.metrics.outboxSends.inc({ kind: 'reply', result: 'reply_unknown_pushed' });
            this.deps.logger.warn(
              { outboxId: row._id, purpose: row.purpose, ageS: seconds },
              'a reply tried without an answer is too old to try again: pushed, the person may see it twice',
            );
          }
          await this.fallBackToPush(
            row,
            `reply token ${seconds} s old${triedBefore ? ' after a try without an answer' : ''}`,
          );
        } else {
          try {
            const result = await gateway.reply(row.replyToken!, row.messages as LineMessage[]);
            return await this.markSent(row, result.requestId);
          } catch (err) {
            if (!(err instanceof LineApiError && err.status === 400 && /invalid reply token/i.test(err.lineMessage)))
              throw err;
            if (triedBefore) {
              // Nobody else holds this token and it is not yet stale: the earlier try used it, so LINE
              // delivered that one (its answer was lost: a 5xx, a timeout, or a crash). Pushing now
              // would show the person the same message twice.
              this.deps.metrics.outboxSends.inc({ kind: 'reply', result: 'reply_already_used' });
              this.deps.logger.info(
                { outboxId: row._id, purpose: row.purpose },
                'reply token already used by an earlier try of this reply: counted as delivered',
              );
              return await this.markSent(row, undefined);
            }
            await this.fallBackToPush(row, 'LINE answered Invalid reply token');
          }
        }
        // Stopped while the reply was out: the row is now a pending push, which the next start sends.
        if (this.stopped) return 'retry';
      }
      const messages = row.messages as LineMessage[];
      const result =
        row.kind === 'multicast'
          ? await this.slot('multicast').then(() => gateway.multicast(row.to as string[], messages, row.retryKey))
          : row.kind === 'broadcast'
            ? await this.slot('broadcast').then(() => gateway.broadcast(messages, row.retryKey))
            : await this.slot('push').then(() => gateway.push(row.to as string, messages, row.retryKey));
      return await this.markSent(row, result.requestId);
    } catch (err) {
      if (err instanceof TakenOver) throw err;
      return this.onFailure(row, err);
    }
  }

  private async fallBackToPush(row: OutboxEntry, why: string): Promise<void> {
    // Several instances: not once another instance has the row (it may have replied already).
    await this.updateUnsent(row, { kind: 'push' });
    row.kind = 'push';
    delete row.replyToken;
    this.deps.metrics.outboxSends.inc({ kind: 'reply', result: 'reply_fallback' });
    this.deps.logger.info({ outboxId: row._id, to: row.to, why }, 'reply token unusable: sending as push');
  }

  private async markSent(row: OutboxEntry, requestId: string | undefined): Promise<Outcome> {
    const now = this.deps.clock.now();
    await this.deps.repo.markSent(row, {
      status: 'sent',
      sentAt: now,
      sentAs: row.kind,
      ...(requestId ? { lineRequestId: requestId } : {}),
    });
    row.status = 'sent';
    row.sentAt = now;
    this.deps.metrics.outboxSends.inc({ kind: row.kind, result: 'sent' });
    if (this.failingSince !== undefined) this.recovered(now);
    if (row.kind !== 'reply') {
      // A push or multicast LINE took: whatever was held for the quota can go again.
      if (this.holding && now - this.lastAutoRelease >= AUTO_RELEASE_EVERY_MS) {
        this.lastAutoRelease = now;
        void this.releaseHeld('LINE accepts messages again');
      }
      if (this.deps.onSent) {
        await this.deps
          .onSent(row)
          .catch((err: unknown) => this.deps.logger.warn({ err, outboxId: row._id }, 'quota accounting failed'));
      }
    }
    for (const l of this.listeners) await l.sent?.(row);
    return 'done';
  }

  /**
   * LINE answers again after failing for a while (an outage, not a blip): every row waiting out its
   * backoff goes now, rather than up to a minute later (SOS rows wait at most a second anyway; case
   * updates and answers do not need to wait longer than the outage). After a blip (one 5xx among
   * successes) the backoff stands, so a flaky LINE is not met with a storm of retries.
   */
  private recovered(now: number): void {
    const failingForMs = now - this.failingSince!;
    this.failingSince = undefined;
    if (failingForMs < RECOVERY_WAKE_AFTER_MS) return;
    this.deps.logger.warn({ failingForMs }, 'LINE answers again: retrying what waited');
    for (const queue of this.queues.values()) for (const r of queue) if (r.nextAttemptAt > now) r.nextAttemptAt = now;
    this.wakeAll();
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
      await repo.update(row._id, { status: 'held', lastError, heldAt: now }, true);
      this.holding = true;
      metrics.quotaExhausted.set(1);
      metrics.outboxSends.inc({ kind: row.kind, result: 'held' });
      logger.error(
        { alert: 'line_quota_exhausted', outboxId: row._id, purpose: row.purpose },
        'LINE monthly message quota is spent: message held',
      );
      return 'done';
    }
    const retryable = err.status === 0 || err.status === 429 || err.status >= 500;
    if (retryable && err.status !== 429) this.failingSince ??= now;
    const attempts = row.attempts + 1;
    const giveUp = retryable ? await this.reasonToGiveUp(row, now) : undefined;
    if (retryable && !giveUp) {
      const delay = Math.min(this.backoffCapOf(row, now), this.backoffBaseOf(row) * 2 ** Math.min(attempts - 1, 20));
      const jittered = Math.round(delay * (0.75 + Math.random() * 0.5));
      row.attempts = attempts;
      row.nextAttemptAt = now + jittered;
      // Several instances: pending again, and claimed until its next attempt is due and a while after.
      const co = this.deps.coordination;
      const claim = co ? { status: 'pending' as const, claimExpiresAt: row.nextAttemptAt + co.claimTtlMs } : {};
      await this.updateUnsent(row, { nextAttemptAt: row.nextAttemptAt, lastError, ...claim }, true);
      Object.assign(row, claim);
      metrics.outboxSends.inc({ kind: row.kind, result: 'retry' });
      logger.warn(
        { outboxId: row._id, attempts, delayMs: jittered, lastError },
        'LINE send failed: will retry with the same retry key',
      );
      return 'retry';
    }
    const recorded = giveUp ? `${giveUp}; last error ${lastError}` : lastError;
    await repo.update(row._id, { status: 'failed', lastError: recorded }, true);
    metrics.outboxSends.inc({ kind: row.kind, result: giveUp ? 'expired' : 'failed' });
    logger.error(
      {
        alert: giveUp ? 'outbox_expired' : 'outbox_failed',
        outboxId: row._id,
        purpose: row.purpose,
        to: row.to,
        attempts,
        lastError: recorded,
      },
      giveUp ? 'LINE send given up' : 'LINE refused a message',
    );
    return 'done';
  }

  /** Why a retryable row should not be tried again, or undefined while it is still worth it. */
  private async reasonToGiveUp(row: OutboxEntry, now: number): Promise<string | undefined> {
    const horizon = this.options.retryHorizonMs[row.purpose] ?? this.options.retryHorizonMs.default;
    if (now - row.createdAt >= horizon) return `gave up after ${Math.round((now - row.createdAt) / MINUTE)} min`;
    if (row.urgent && this.deps.stillWanted && !(await this.deps.stillWanted(row).catch(() => true)))
      return 'no longer wanted (its SOS alert was closed)';
    return undefined;
  }

  private backoffBaseOf(row: OutboxEntry): number {
    return row.urgent ? this.options.urgentBackoffBaseMs : this.options.backoffBaseMs;
  }

  private backoffCapOf(row: OutboxEntry, now: number): number {
    if (!row.urgent) return this.options.backoffMaxMs;
    return now - row.createdAt < this.options.urgentFastForMs
      ? this.options.urgentBackoffMaxMs
      : this.options.urgentSlowBackoffMaxMs;
  }

  private wakeAll(): void {
    for (const s of this.sleeping) {
      clearTimeout(s.timer);
      s.wake();
    }
    this.sleeping.clear();
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
