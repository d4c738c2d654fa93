import type { Response } from 'express';
import { mayReach, type AdminActor } from '../domain/admin/admin-actor';
import type { Logger } from '../logger';
import type { Clock } from '../util/clock';

/** Something the dashboard shows live: one kind of record, read back from the store by change time. */
export interface ChangeSource {
  /** The server-sent event's name: `case`, `alert`, `patrol`. */
  event: string;
  /** Records changed at or after `since` (epoch ms), oldest change first, at most `limit`. */
  changedSince(
    since: number,
    limit: number,
  ): Promise<Array<{ id: string; stationCode?: string; at: number; data: unknown }>>;
}

/** Repeats a task; tests drive it by hand. */
export interface Ticker {
  every(ms: number, task: () => void): () => void;
}

export const intervalTicker: Ticker = {
  every(ms, task) {
    const timer = setInterval(task, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

interface Subscriber {
  actor: AdminActor;
  res: Response;
  /** False once the token was revoked or the session ended: the stream is closed. */
  stillAllowed(): Promise<boolean>;
}

export interface ChangeFeedOptions {
  sources: ChangeSource[];
  clock: Clock;
  logger: Logger;
  ticker?: Ticker;
  /** How often the store is read; a change reaches a dashboard within this plus one read. */
  pollMs?: number;
  /** How far back each read looks again, for writes another instance (or a slower clock) made late. */
  overlapMs?: number;
  /** A comment line this often keeps proxies from closing a quiet stream. */
  keepAliveMs?: number;
}

/**
 * The dashboard's live feed. One loop per hub process reads the store every second for cases,
 * alerts (and any other source) changed since its last read, and sends each change to every open
 * stream whose token may see that station. It reads the store rather than listening to this
 * process, so a change made by another hub instance on the same MongoDB arrives the same way.
 * Reads overlap by a few seconds, and what was already sent is remembered, so nothing is lost to a
 * write that landed just behind a read and nothing is sent twice.
 */
export class ChangeFeed {
  readonly pollMs: number;
  private readonly overlapMs: number;
  private readonly keepAliveEvery: number;
  private readonly subscribers = new Set<Subscriber>();
  private readonly sent = new Map<string, number>();
  private watermark = 0;
  private stopTicker?: () => void;
  private polling?: Promise<void>;
  private polls = 0;

  constructor(private readonly options: ChangeFeedOptions) {
    this.pollMs = options.pollMs ?? 1000;
    this.overlapMs = options.overlapMs ?? 5000;
    this.keepAliveEvery = Math.max(1, Math.round((options.keepAliveMs ?? 15_000) / this.pollMs));
  }

  get open(): number {
    return this.subscribers.size;
  }

  /** Starts an event stream on `res`; it ends when the client goes, the token is revoked, or the hub stops. */
  subscribe(actor: AdminActor, res: Response, stillAllowed: () => Promise<boolean>): void {
    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      // nginx and similar proxies otherwise hold the stream back in a buffer.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const subscriber: Subscriber = { actor, res, stillAllowed };
    if (this.subscribers.size === 0) this.start();
    this.subscribers.add(subscriber);
    res.write(`retry: 3000\n\n`);
    this.write(subscriber, 'ready', undefined, { at: this.options.clock.now(), pollMs: this.pollMs });
    res.on('close', () => this.drop(subscriber));
  }

  /** One read of every source; sends what changed. Runs one at a time. */
  poll(): Promise<void> {
    this.polling ??= this.readOnce().finally(() => (this.polling = undefined));
    return this.polling;
  }

  /** Ends every stream (hub stop) and the loop. */
  close(): void {
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
    this.stop();
  }

  private start(): void {
    this.watermark = this.options.clock.now();
    this.sent.clear();
    this.stopTicker = (this.options.ticker ?? intervalTicker).every(this.pollMs, () => void this.poll());
  }

  private stop(): void {
    this.stopTicker?.();
    this.stopTicker = undefined;
  }

  private drop(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.stop();
  }

  private async readOnce(): Promise<void> {
    if (this.subscribers.size === 0) return;
    const now = this.options.clock.now();
    const since = this.watermark - this.overlapMs;
    try {
      for (const subscriber of [...this.subscribers]) {
        if (await subscriber.stillAllowed()) continue;
        this.write(subscriber, 'bye', undefined, { reason: 'signed out or token revoked' });
        subscriber.res.end();
        this.drop(subscriber);
      }
      for (const source of this.options.sources) {
        for (const change of await source.changedSince(since, 500)) {
          const key = `${source.event}:${change.id}`;
          if ((this.sent.get(key) ?? -1) >= change.at) continue;
          this.sent.set(key, change.at);
          for (const s of this.subscribers)
            if (mayReach(s.actor, change.stationCode)) this.write(s, source.event, change.at, change.data);
        }
      }
      this.watermark = Math.max(this.watermark, now);
      for (const [key, at] of this.sent) if (at < this.watermark - this.overlapMs) this.sent.delete(key);
      if (++this.polls % this.keepAliveEvery === 0) for (const s of this.subscribers) s.res.write(': keep-alive\n\n');
    } catch (err) {
      this.options.logger.error({ err }, 'dashboard feed: could not read changes; trying again next second');
    }
  }

  private write(subscriber: Subscriber, event: string, id: number | undefined, data: unknown): void {
    subscriber.res.write(`event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  }
}
