import { CallLog } from './call-log';
import { ChatDirectory } from './chat-directory';
import { EventStream } from './event-stream';
import { FaultInjector } from './fault-injector';
import { MessageIdSequence, UlidGenerator, botUserIdFor, newQuoteToken } from './ids';
import { ReplyTokens } from './reply-tokens';
import { RetryKeys } from './retry-keys';
import { RateLimits } from './rate-limits';
import { RichMenuStore } from './rich-menu-store';
import type { DeliveredMessage, EmulatorOptions, SimulatorMap } from './types';

export interface SentMessage {
  id: string;
  quoteToken?: string;
}

export interface NarrowcastProgress {
  phase: 'succeeded';
  successCount: number;
  failureCount: number;
  targetCount: number;
  acceptedTime: string;
  completedTime: string;
}

type Via = DeliveredMessage['via'];

// LINE returns a quote token only for messages a user can quote.
const QUOTABLE = new Set(['text', 'textV2', 'sticker', 'image', 'video']);
const MAX_CONTENT_ITEMS = 10_000;
const MAX_NARROWCASTS = 1_000;

/** Everything the fake LINE platform remembers; the HTTP layers only read and change it. */
export class PlatformState {
  readonly now: () => number;
  readonly botUserId: string;
  readonly calls: CallLog;
  readonly directory: ChatDirectory;
  readonly replyTokens: ReplyTokens;
  readonly retryKeys: RetryKeys;
  readonly endpointNames = new Set<string>();
  readonly faults = new FaultInjector(this.endpointNames);
  readonly richMenus = new RichMenuStore();
  readonly rateLimits: RateLimits;
  readonly events = new EventStream();
  readonly messageIds = new MessageIdSequence();
  readonly eventIds: UlidGenerator;
  readonly narrowcasts = new Map<string, NarrowcastProgress>();
  readonly pendingTimers = new Set<NodeJS.Timeout>();
  private readonly hanging = new Set<{ destroy(): void }>();
  readonly channelAccessToken: string | undefined;
  readonly channelSecret: string;
  webhookUrl: string | undefined;
  /** The webhook URL was set from the simulator page (kept across restarts; the start-up one is not). */
  webhookUrlFromPage = false;
  /** Zones and places the simulator's map picker draws (GeoJSON), when the host hands them in. */
  map: SimulatorMap = { zones: null, places: [] };
  private readonly changeListeners: Array<() => void> = [];
  quotaLimit: number | undefined;
  consumption = 0;
  private readonly contents = new Map<string, { data: Buffer; contentType: string }>();

  constructor(opts: EmulatorOptions) {
    const capacity = opts.maxRecordedCalls ?? 200_000;
    this.now = opts.now ?? Date.now;
    this.channelSecret = opts.channelSecret;
    this.channelAccessToken = opts.channelAccessToken;
    this.webhookUrl = opts.webhookUrl;
    this.quotaLimit = opts.monthlyQuota;
    this.botUserId = botUserIdFor(opts.channelSecret);
    this.calls = new CallLog(capacity);
    this.directory = new ChatDirectory(opts.maxMessagesPerChat ?? 1_000, (entry) =>
      this.events.publish('entry', entry),
    );
    this.replyTokens = new ReplyTokens(opts.replyTokenTtlMs ?? 60_000, capacity);
    this.retryKeys = new RetryKeys(capacity);
    this.eventIds = new UlidGenerator(this.now);
    this.rateLimits = new RateLimits(opts.rateLimits);
  }

  /**
   * Reserves quota for `cost` recipients. LINE counts push, multicast, narrowcast and broadcast per
   * recipient and refuses the whole request once the month's limit would be passed
   * (https://developers.line.biz/en/docs/messaging-api/pricing/).
   */
  chargeQuota(cost: number): boolean {
    if (this.quotaLimit !== undefined && this.consumption + cost > this.quotaLimit) return false;
    this.consumption += cost;
    return true;
  }

  /** Ids and quote tokens for one request's messages, the same for every recipient (as LINE reports them). */
  sentMessagesFor(messages: Array<Record<string, unknown>>): SentMessage[] {
    return messages.map((m) => {
      const sent: SentMessage = { id: this.messageIds.take() };
      if (QUOTABLE.has(String(m.type))) sent.quoteToken = newQuoteToken();
      return sent;
    });
  }

  deliver(
    chatIds: string[],
    messages: Array<Record<string, unknown>>,
    sent: SentMessage[],
    via: Via,
    requestId: string,
  ): void {
    const at = this.now();
    for (const chatId of chatIds) {
      messages.forEach((message, i) => {
        const delivery: DeliveredMessage = { at, chatId, via, message, requestId, messageId: sent[i]?.id ?? '' };
        this.directory.recordDelivery(delivery);
      });
    }
  }

  putContent(messageId: string, data: Buffer, contentType: string): void {
    if (this.contents.size >= MAX_CONTENT_ITEMS) {
      const oldest = this.contents.keys().next();
      if (!oldest.done) this.contents.delete(oldest.value);
    }
    this.contents.set(messageId, { data, contentType });
  }

  getContent(messageId: string): { data: Buffer; contentType: string } | undefined {
    return this.contents.get(messageId);
  }

  recordNarrowcast(requestId: string, progress: NarrowcastProgress): void {
    if (this.narrowcasts.size >= MAX_NARROWCASTS) {
      const oldest = this.narrowcasts.keys().next();
      if (!oldest.done) this.narrowcasts.delete(oldest.value);
    }
    this.narrowcasts.set(requestId, progress);
  }

  /** Calls `listener` after anything may have changed (users, groups, chats, rich menus, settings). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  touched(): void {
    for (const listener of this.changeListeners) listener();
  }

  /** Runs `fn` later unless the emulator closes first (so a delayed fault never outlives a test). */
  later(delayMs: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.pendingTimers.delete(timer);
      fn();
    }, delayMs);
    this.pendingTimers.add(timer);
  }

  cancelTimers(): void {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  /** Keeps a request unanswered (a hanging fault) until its client gives up or the emulator closes. */
  hold(res: { destroy(): void; once(event: 'close', fn: () => void): unknown }): void {
    this.hanging.add(res);
    res.once('close', () => this.hanging.delete(res));
  }

  reset(): void {
    this.calls.clear();
    this.directory.clearTranscripts();
    this.faults.clear();
    this.replyTokens.clear();
    this.retryKeys.clear();
    this.narrowcasts.clear();
    this.consumption = 0;
    this.events.publish('reset', {});
  }
}
