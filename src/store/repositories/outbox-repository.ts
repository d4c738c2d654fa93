import type { Collection, Store } from '../store-port';
import { purgeInBatches } from './retention';

export type OutboxKind = 'reply' | 'push' | 'multicast' | 'broadcast';
/**
 * pending: waiting for its first or next attempt. sending: a LINE call for it is out, or may have
 * been (the instance making it died or hung: a reply's token then tells, a push's retry key). Only
 * instances sharing the store write `sending`; one process alone goes from pending to sent.
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'held';
/** Rows not yet sent, given up or held. */
export const UNSENT: OutboxStatus[] = ['pending', 'sending'];

/** One outbound LINE call, persisted before the first attempt (DESIGN: every push goes through here). */
export interface OutboxEntry {
  _id: string;
  kind: OutboxKind;
  /**
   * Push: a user, group or room id. Multicast: up to 500 user ids. Reply: the chat to push to if the
   * token fails. Broadcast (every friend of the OA): 'all'.
   */
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
  /** Retried on the short backoff (SOS). */
  urgent?: boolean;
  /** The name the sender gave this planned send (SOS sends start with the alert id). */
  dedupeKey?: string;
  /**
   * Set before the first reply call leaves: LINE's "Invalid reply token" for a token this row has
   * already tried means that try was delivered (the hub is the only user of its reply tokens).
   */
  replyTriedAt?: number;
  /** When LINE's monthly quota held the row (released at the start of the next Bangkok month). */
  heldAt?: number;
  /**
   * With several instances: the instance sending the row until `claimExpiresAt` (renewed while it
   * is queued there). The one that queued it claims it; a row whose claim expired unsent belongs
   * to an instance that died or hung, and the sweeper gives it to a live one.
   */
  claimedBy?: string;
  claimExpiresAt?: number;
}

/**
 * As stored: the messages as one JSON string. A flex card is kilobytes of nested objects, and the
 * embedded store deep-copies, key-checks and re-serializes every nested object on each insert and
 * update; as a string it is copied once (bench/report.ts: most of the store's share of a report).
 */
type StoredOutboxEntry = Omit<OutboxEntry, 'messages'> & { messages: string | null };

function toStored(entry: OutboxEntry): StoredOutboxEntry {
  return { ...entry, messages: JSON.stringify(entry.messages) };
}

/**
 * What a sent row no longer needs beside its messages: the reply token (spent), and the times that
 * steered its sending. Each is a string or a boxed number per row, kept a week (bench/faults/fuzz.ts).
 */
const SPENT_WHEN_SENT = ['replyToken', 'replyTokenAt', 'replyTriedAt', 'claimExpiresAt'] as const;

function fromStored(row: StoredOutboxEntry | null): OutboxEntry | null {
  if (!row) return null;
  // A sent row has no messages any more, and nulls where it had what sending needed (markSent).
  if (row.messages === undefined || row.messages === null) {
    const entry: OutboxEntry = { ...row, messages: [] };
    for (const field of SPENT_WHEN_SENT) if (entry[field] === null) delete entry[field];
    return entry;
  }
  return { ...row, messages: typeof row.messages === 'string' ? (JSON.parse(row.messages) as object[]) : row.messages };
}

export class OutboxRepository {
  private readonly outbox: Collection<StoredOutboxEntry>;
  /** `claims`: several instances share the store, and a chat's unsent rows are read by chat. */
  constructor(
    private readonly store: Store,
    private readonly options: { claims?: boolean } = {},
  ) {
    this.outbox = store.collection<StoredOutboxEntry>('outbox');
  }

  async init(): Promise<void> {
    // Resume and held rows, in queue order.
    await this.outbox.ensureIndex({ fields: { status: 1, seq: 1 } });
    // Rows due for their next attempt (the claim-based worker and sweeper of issue #11).
    await this.outbox.ensureIndex({ fields: { status: 1, nextAttemptAt: 1 } });
    // Retention: sent rows by when they were sent, failed and held rows by when they were queued.
    await this.outbox.ensureIndex({ fields: { status: 1, sentAt: 1 }, embeddedField: 'sentAt' });
    await this.outbox.ensureIndex({ fields: { status: 1, createdAt: 1 }, embeddedField: 'createdAt' });
    // Replaced by the keys above; in the embedded store it made every purged row cost O(sent rows).
    await this.outbox.dropIndex({ field: 'status' });
    // The sweeper: unsent rows whose claim expired, oldest claim first and in queue order.
    await this.outbox.ensureIndex({ fields: { status: 1, claimExpiresAt: 1, seq: 1 } });
    // A chat taken over from another instance: its unsent rows, in queue order. The embedded store
    // indexes the key only when instances share it (one process alone never reads by chat).
    await this.outbox.ensureIndex({
      fields: { orderKey: 1, status: 1, seq: 1 },
      ...(this.options.claims ? { embeddedField: 'orderKey' } : {}),
    });
  }

  /** Unsent rows of one order key (a chat) that another instance claims, in queue order. */
  async unsentOfOthers(orderKey: string, holder: string): Promise<OutboxEntry[]> {
    const rows = await this.outbox.find(
      { orderKey, status: { $in: UNSENT }, claimedBy: { $ne: holder } },
      { sort: { seq: 1 } },
    );
    return rows.map((r) => fromStored(r)!);
  }

  async add(entry: OutboxEntry): Promise<OutboxEntry> {
    await this.outbox.insert(toStored(entry));
    return entry;
  }

  async get(id: string): Promise<OutboxEntry | null> {
    return fromStored(await this.outbox.findOne({ _id: id }));
  }

  async pending(limit = 10_000): Promise<OutboxEntry[]> {
    return (await this.outbox.find({ status: 'pending' }, { sort: { seq: 1 }, limit })).map((r) => fromStored(r)!);
  }

  /** Pending rows after `afterSeq`, in queue order: a restart resumes them page by page. */
  async pendingAfter(afterSeq: number, limit: number): Promise<OutboxEntry[]> {
    return (await this.outbox.find({ status: 'pending', seq: { $gt: afterSeq } }, { sort: { seq: 1 }, limit })).map(
      (r) => fromStored(r)!,
    );
  }

  async held(): Promise<OutboxEntry[]> {
    return (await this.outbox.find({ status: 'held' }, { sort: { seq: 1 } })).map((r) => fromStored(r)!);
  }

  /** Updates status fields; the caller never changes the messages, so they are not re-read or rewritten. */
  async update(id: string, $set: Partial<Omit<OutboxEntry, 'messages'>>, incAttempts = false): Promise<boolean> {
    return (
      (await this.outbox.updateOne({ _id: id }, { $set, ...(incAttempts ? { $inc: { attempts: 1 } } : {}) })) !== null
    );
  }

  /**
   * Sent: recorded with its attempt, and the messages dropped. What a person was told (a case card
   * carries what a resident wrote) is not kept once LINE has it: the outbox is a queue, not an
   * archive, and a sent row kept a week for the record no longer holds kilobytes of cards, nor its
   * spent reply token and sending times. What stays says what was sent, to whom, when and how.
   */
  async markSent(row: OutboxEntry, $set: Partial<Omit<OutboxEntry, 'messages'>>): Promise<boolean> {
    // Null, not unset: deleting a field turns an embedded-store document into a hash table. Only
    // fields the row has: a new one would make it bigger.
    const spent: Record<string, null> = { messages: null };
    for (const field of SPENT_WHEN_SENT) if (row[field] !== undefined) spent[field] = null;
    return (
      (await this.outbox.updateOne({ _id: row._id }, { $set: { ...$set, ...spent }, $inc: { attempts: 1 } })) !== null
    );
  }

  /**
   * Records that a reply is about to be tried, and resolves once that is written out (the embedded
   * store writes at the end of the turn): a process killed after the call left knows it may be spent.
   */
  async markReplyTried(id: string, at: number): Promise<void> {
    await this.outbox.updateOne({ _id: id }, { $set: { replyTriedAt: at } });
    await this.store.synced();
  }

  releaseHeld(now: number): Promise<number> {
    return this.outbox.updateMany({ status: 'held' }, { $set: { status: 'pending', nextAttemptAt: now } });
  }

  /** One held row back in line (claimed by `claim.claimedBy` when instances share the store); null when it is no longer held. */
  async releaseHeldRow(
    id: string,
    now: number,
    claim: Pick<OutboxEntry, 'claimedBy' | 'claimExpiresAt'> = {},
  ): Promise<OutboxEntry | null> {
    return fromStored(
      await this.outbox.updateOne(
        { _id: id, status: 'held' },
        { $set: { status: 'pending', nextAttemptAt: now, ...claim } },
      ),
    );
  }

  /**
   * Just before a LINE call: the row goes from pending to sending, only if `holder` still claims it
   * (an instance paused past its claim finds the row taken over, and does not send it). A reply's
   * first try is recorded in the same write, and written out before the call leaves.
   */
  async claimForSend(
    id: string,
    holder: string,
    $set: Pick<OutboxEntry, 'claimExpiresAt' | 'replyTriedAt'>,
  ): Promise<boolean> {
    const claimed = await this.outbox.updateOne(
      { _id: id, claimedBy: holder, status: 'pending' },
      { $set: { ...$set, status: 'sending' } },
    );
    if ($set.replyTriedAt !== undefined) await this.store.synced();
    return claimed !== null;
  }

  /** Like update(), only while `holder` claims the row; false when another instance has it now. */
  async updateClaimed(
    id: string,
    holder: string,
    $set: Partial<Omit<OutboxEntry, 'messages'>>,
    incAttempts = false,
  ): Promise<boolean> {
    const updated = await this.outbox.updateOne(
      { _id: id, claimedBy: holder, status: { $in: UNSENT } },
      { $set, ...(incAttempts ? { $inc: { attempts: 1 } } : {}) },
    );
    return updated !== null;
  }

  /** Extends `holder`'s claims on these unsent rows. */
  renewClaims(ids: string[], holder: string, until: number): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.outbox.updateMany(
      { _id: { $in: ids }, claimedBy: holder, status: { $in: UNSENT } },
      { $set: { claimExpiresAt: until } },
    );
  }

  /** `holder` stops (gracefully): its unsent rows are pending again and any instance may take them now. */
  releaseClaims(ids: string[], holder: string): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.outbox.updateMany(
      { _id: { $in: ids }, claimedBy: holder, status: { $in: UNSENT } },
      { $set: { status: 'pending', claimExpiresAt: 0 } },
    );
  }

  /** Unsent rows whose claim expired before `now` (or that never had one), oldest claim first, in queue order. */
  async expiredClaims(now: number, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.outbox.find(
      {
        status: { $in: UNSENT },
        $or: [{ claimExpiresAt: { $lt: now } }, { claimExpiresAt: { $exists: false } }],
      },
      { sort: { claimExpiresAt: 1, seq: 1 }, limit },
    );
    return rows.map((r) => fromStored(r)!);
  }

  /**
   * Takes a row whose claim expired for `holder`, only if nobody changed it since it was read (two
   * sweeps, or its first instance waking up, cannot both have it). It is pending again: a call that
   * may have gone out is accounted for by the reply's try mark or the push's retry key.
   */
  async takeOver(row: OutboxEntry, holder: string, until: number): Promise<OutboxEntry | null> {
    return fromStored(
      await this.outbox.updateOne(
        {
          _id: row._id,
          status: row.status,
          claimExpiresAt: row.claimExpiresAt === undefined ? { $exists: false } : row.claimExpiresAt,
        },
        { $set: { status: 'pending', claimedBy: holder, claimExpiresAt: until } },
      ),
    );
  }

  async find(filter: Record<string, unknown>): Promise<OutboxEntry[]> {
    return (await this.outbox.find(filter, { sort: { seq: 1 } })).map((r) => fromStored(r)!);
  }

  count(status?: OutboxStatus): Promise<number> {
    return this.outbox.count(status ? { status } : {});
  }

  purgeSent(before: number): Promise<number> {
    return purgeInBatches(this.outbox, { status: 'sent', sentAt: { $lt: before } }, 'sentAt');
  }

  /** Retention: rows that failed for good, or were held and never released, queued before `before`. */
  purgeUnsent(status: 'failed' | 'held', before: number): Promise<number> {
    return purgeInBatches(this.outbox, { status, createdAt: { $lt: before } }, 'createdAt');
  }

  /**
   * A PDPA erasure: drops what was sent (or failed or held) to one person alone; messages still
   * queued go out. A multicast row is shared with others (its key stops a re-run sending it twice):
   * it stays until the 7-day purge.
   */
  forgetRecipient(to: string): Promise<number> {
    return this.outbox.deleteMany({ to, kind: { $ne: 'multicast' }, status: { $nin: UNSENT } });
  }
}
