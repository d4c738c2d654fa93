import type { Collection, Store } from '../store-port';

export type OutboxKind = 'reply' | 'push' | 'multicast';
export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'held';

/** One outbound LINE call, persisted before the first attempt (DESIGN: every push goes through here). */
export interface OutboxEntry {
  _id: string;
  kind: OutboxKind;
  /** Push: a user, group or room id. Multicast: up to 500 user ids. Reply: the chat to push to if the token fails. */
  to: string | string[];
  replyToken?: string;
  /** When the reply token was issued (the event's timestamp); past ~50 s a push is sent instead. */
  replyTokenAt?: number;
  messages: object[];
  /** X-Line-Retry-Key: stored with the row before the first attempt, reused by every retry. */
  retryKey: string;
  /** Messages to one chat leave in the order they were queued. */
  orderKey: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  /** Queue order (see util/sequence): rows are resumed after a restart in this order. */
  seq: number;
  sentAt?: number;
  sentAs?: OutboxKind;
  lastError?: string;
  lineRequestId?: string;
  /** What the message is for (help, welcome, report-card, sos-alert...): logs and metrics. */
  purpose: string;
}

export class OutboxRepository {
  private readonly outbox: Collection<OutboxEntry>;
  constructor(store: Store) {
    this.outbox = store.collection<OutboxEntry>('outbox');
  }

  async init(): Promise<void> {
    await this.outbox.ensureIndex({ field: 'status' });
  }

  add(entry: OutboxEntry): Promise<OutboxEntry> {
    return this.outbox.insert(entry);
  }

  get(id: string): Promise<OutboxEntry | null> {
    return this.outbox.findOne({ _id: id });
  }

  pending(limit = 10_000): Promise<OutboxEntry[]> {
    return this.outbox.find({ status: 'pending' }, { sort: { seq: 1 }, limit });
  }

  held(): Promise<OutboxEntry[]> {
    return this.outbox.find({ status: 'held' }, { sort: { seq: 1 } });
  }

  update(id: string, $set: Partial<OutboxEntry>, incAttempts = false): Promise<OutboxEntry | null> {
    return this.outbox.updateOne({ _id: id }, { $set, ...(incAttempts ? { $inc: { attempts: 1 } } : {}) });
  }

  releaseHeld(now: number): Promise<number> {
    return this.outbox.updateMany({ status: 'held' }, { $set: { status: 'pending', nextAttemptAt: now } });
  }

  find(filter: Record<string, unknown>): Promise<OutboxEntry[]> {
    return this.outbox.find(filter, { sort: { seq: 1 } });
  }

  count(status?: OutboxStatus): Promise<number> {
    return this.outbox.count(status ? { status } : {});
  }

  purgeSent(before: number): Promise<number> {
    return this.outbox.deleteMany({ status: 'sent', sentAt: { $lt: before } });
  }
}
