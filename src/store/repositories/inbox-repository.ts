import type { Collection, Store, Update } from '../store-port';
import { clipped } from '../../util/clipped';
import { purgeInBatches } from './retention';

export type InboxStatus = 'pending' | 'done' | 'failed';

/** One webhook event as received; `_id` is LINE's webhookEventId, which makes intake idempotent. */
export interface InboxEntry {
  _id: string;
  /** Arrival order within this hub (ms * 1000 + counter), used to resume in order after a restart. */
  seq: number;
  /**
   * Where the event falls in its chat's order, by LINE's clock (Inbox's occurrenceOf): a chat's
   * pending events are handled by this, then by `seq`. LINE may deliver a chat's events out of the
   * order they happened, and several instances store them in whatever order each receives them.
   * Absent on entries stored before it existed (they sort first) and on invalid events.
   */
  occurred?: number;
  /** Events sharing a key are handled one at a time, in order (the user, or the group). */
  sourceKey: string;
  /**
   * The event as LINE sent it, until it is handled. A done entry keeps only what deduplication needs
   * (id, source, times): the inbox is a buffer, not an archive of what people wrote (PDPA: someone
   * who declined the notice has only their user id kept). A failed entry keeps it for diagnosis.
   */
  event?: Record<string, unknown>;
  status: InboxStatus;
  receivedAt: number;
  attempts: number;
  error?: string;
  doneAt?: number;
  /**
   * With several instances (coordination through the store): the instance answerable for the entry
   * until `claimExpiresAt`. The one that stored it claims it at once; the holder of the chat's lease
   * claims it before handling and renews the claim while handling. A pending entry whose claim
   * expired belongs to an instance that died or hung: the sweeper hands it to a live one.
   */
  claimedBy?: string;
  claimExpiresAt?: number;
}

/**
 * As stored: the event as one JSON string. The embedded store deep-copies and key-checks every nested
 * object on each insert and update, and the inbox takes two writes per event (bench/webhook.ts);
 * a string is copied once. Nothing queries inside the event.
 */
type StoredInboxEntry = Omit<InboxEntry, 'event'> & { event?: string | null };

function toStored(entry: InboxEntry): StoredInboxEntry {
  return { ...entry, event: JSON.stringify(entry.event) };
}

function fromStored(row: StoredInboxEntry | null): InboxEntry | null {
  if (!row) return null;
  if (row.event === undefined || row.event === null) {
    // Handled: no event, and no place in the chat's order (HANDLED).
    const entry: InboxEntry = { ...row, event: undefined };
    if (entry.occurred === null) delete entry.occurred;
    return entry;
  }
  return {
    ...row,
    event: typeof row.event === 'string' ? (JSON.parse(row.event) as Record<string, unknown>) : row.event,
  };
}

/**
 * Done: counted, timed, and the event's words and places dropped, and its place in the chat's order
 * (only pending entries are ordered). Set to null rather than unset: the embedded store deletes an
 * unset field from the document, which turns the object into a hash table several times its size
 * (heap snapshot after bench/faults/fuzz.ts: 600 bytes a document).
 */
const HANDLED = (now: number): Update => ({
  $set: { status: 'done', doneAt: now, event: null, occurred: null },
  $inc: { attempts: 1 },
});

/** The pending entries a sweep found with expired claims, and where the next page starts. */
export interface ExpiredClaims {
  entries: InboxEntry[];
  next?: { claimExpiresAt: number; seq: number };
}

export class InboxRepository {
  private readonly inbox: Collection<StoredInboxEntry>;
  /** `claims`: several instances share the store, and chats' pending entries are read by chat. */
  constructor(
    private readonly store: Store,
    private readonly options: { claims?: boolean } = {},
  ) {
    this.inbox = store.collection<StoredInboxEntry>('inbox');
  }

  async init(): Promise<void> {
    // A chat's pending entries in the order they happened (the holder of its lease reads them). The
    // embedded store indexes the chat only when instances share it (tests, bench/instances.ts): one
    // process alone never reads by chat on its hot path. The key before `occurred` existed goes.
    await this.inbox.dropIndex({ fields: { sourceKey: 1, status: 1, seq: 1 } });
    await this.inbox.ensureIndex({
      fields: { sourceKey: 1, status: 1, occurred: 1, seq: 1 },
      ...(this.options.claims ? { embeddedField: 'sourceKey' } : {}),
    });
    // The sweeper: pending entries whose claim has expired.
    await this.inbox.ensureIndex({ fields: { status: 1, claimExpiresAt: 1, seq: 1 } });
    // Resume: pending entries in arrival order.
    await this.inbox.ensureIndex({ fields: { status: 1, seq: 1 } });
    // Retention: done and failed entries by the time they were finished.
    await this.inbox.ensureIndex({ fields: { status: 1, doneAt: 1 }, embeddedField: 'doneAt' });
    // Replaced by the keys above; in the embedded store it made every purged row cost O(done rows).
    await this.inbox.dropIndex({ field: 'status' });
  }

  /**
   * Persists the entries; returns those that were not seen before (a redelivery is dropped here).
   * Written out before it resolves: the webhook answers 200 on it, and LINE will not send them again.
   */
  async accept(entries: InboxEntry[]): Promise<InboxEntry[]> {
    const fresh = new Set(await this.inbox.insertNew(entries.map(toStored)));
    await this.store.synced();
    return entries.filter((e) => fresh.has(e._id));
  }

  async unfinished(limit = 10_000): Promise<InboxEntry[]> {
    return (await this.inbox.find({ status: 'pending' }, { sort: { seq: 1 }, limit })).map((r) => fromStored(r)!);
  }

  /** Pending entries after `afterSeq`, in arrival order: a restart resumes them page by page. */
  async unfinishedAfter(afterSeq: number, limit: number): Promise<InboxEntry[]> {
    return (await this.inbox.find({ status: 'pending', seq: { $gt: afterSeq } }, { sort: { seq: 1 }, limit })).map(
      (r) => fromStored(r)!,
    );
  }

  /**
   * Handled events, many at once: one store operation and one append for a turn's worth of them.
   * With `holder`, only entries it still claims (an instance that hung past its claim while another
   * took over does not overwrite what that one recorded).
   */
  markManyDone(ids: string[], now: number, holder?: string): Promise<number> {
    return this.inbox.updateMany({ _id: { $in: ids }, ...(holder ? { claimedBy: holder } : {}) }, HANDLED(now));
  }

  async markFailed(id: string, error: string, now: number, holder?: string): Promise<boolean> {
    const updated = await this.inbox.updateOne(
      { _id: id, ...(holder ? { claimedBy: holder } : {}) },
      { $set: { status: 'failed', error: clipped(error, 2000), doneAt: now }, $inc: { attempts: 1 } },
    );
    return updated !== null;
  }

  /** A chat's pending entries in the order they happened (`occurred`, then arrival). */
  async pendingOf(sourceKey: string, limit: number): Promise<InboxEntry[]> {
    return (await this.inbox.find({ sourceKey, status: 'pending' }, { sort: { occurred: 1, seq: 1 }, limit })).map(
      (r) => fromStored(r)!,
    );
  }

  async hasPendingOf(sourceKey: string): Promise<boolean> {
    return (await this.inbox.findOne({ sourceKey, status: 'pending' })) !== null;
  }

  /** Claims a pending entry for `holder` (who holds its chat's lease) until `until`; false when it is no longer pending. */
  async claim(id: string, holder: string, until: number): Promise<boolean> {
    const claimed = await this.inbox.updateOne(
      { _id: id, status: 'pending' },
      { $set: { claimedBy: holder, claimExpiresAt: until } },
    );
    return claimed !== null;
  }

  /** Extends `holder`'s claims on these entries (those still pending and still its own). */
  renewClaims(ids: string[], holder: string, until: number): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.inbox.updateMany(
      { _id: { $in: ids }, claimedBy: holder, status: 'pending' },
      { $set: { claimExpiresAt: until } },
    );
  }

  /** Gives up `holder`'s claims on these entries, so any instance may take them now (a graceful stop). */
  releaseClaims(ids: string[], holder: string): Promise<number> {
    return this.renewClaims(ids, holder, 0);
  }

  /**
   * Pending entries whose claim expired before `now` (or that never had one: stored before claims
   * existed), oldest claim first, a page at a time after `after`.
   */
  async expiredClaims(now: number, limit: number, after?: ExpiredClaims['next']): Promise<ExpiredClaims> {
    const expired = after
      ? {
          $or: [
            { claimExpiresAt: { $gt: after.claimExpiresAt, $lt: now } },
            { claimExpiresAt: after.claimExpiresAt, seq: { $gt: after.seq } },
          ],
        }
      : { $or: [{ claimExpiresAt: { $lt: now } }, { claimExpiresAt: { $exists: false } }] };
    const rows = await this.inbox.find(
      { status: 'pending', ...expired },
      { sort: { claimExpiresAt: 1, seq: 1 }, limit },
    );
    const entries = rows.map((r) => fromStored(r)!);
    const last = entries.at(-1);
    return {
      entries,
      ...(entries.length === limit && last
        ? { next: { claimExpiresAt: last.claimExpiresAt ?? 0, seq: last.seq } }
        : {}),
    };
  }

  async get(id: string): Promise<InboxEntry | null> {
    return fromStored(await this.inbox.findOne({ _id: id }));
  }

  count(status?: InboxStatus): Promise<number> {
    return this.inbox.count(status ? { status } : {});
  }

  /** Retention: done entries older than `before` are no longer needed for dedupe. */
  purgeDone(before: number): Promise<number> {
    return purgeInBatches(this.inbox, { status: 'done', doneAt: { $lt: before } }, 'doneAt');
  }

  /**
   * Retention: a failed entry keeps the event for diagnosis only until `before`; then what the
   * person wrote is dropped and the error, times and source stay.
   */
  dropFailedEvents(before: number): Promise<number> {
    return this.inbox.updateMany(
      { status: 'failed', doneAt: { $lt: before }, event: { $exists: true } },
      { $unset: { event: true } },
    );
  }

  /** Retention: failed entries finished before `before` go altogether. */
  purgeFailed(before: number): Promise<number> {
    return purgeInBatches(this.inbox, { status: 'failed', doneAt: { $lt: before } }, 'doneAt');
  }

  /** What is kept of one person's 1:1 events (a PDPA export). */
  async bySource(sourceKey: string): Promise<InboxEntry[]> {
    return (await this.inbox.find({ sourceKey }, { sort: { seq: 1 } })).map((r) => fromStored(r)!);
  }

  /**
   * A PDPA erasure: drops the person's handled and failed events (a failed one keeps what they wrote).
   * Pending ones are still to be handled and stay.
   */
  forgetSource(sourceKey: string): Promise<number> {
    return this.inbox.deleteMany({ sourceKey, status: { $in: ['done', 'failed'] } });
  }
}
