import type { Collection, Store } from '../store-port';
import { DuplicateKeyError } from '../store-port';
import { purgeInBatches } from './retention';

/** Which hub instance handles one chat's events right now, and until when (unless it renews). */
export interface ChatLease {
  /** The chat: the inbox's sourceKey (`user:U…`, `group:C…`). */
  _id: string;
  holder: string;
  expiresAt: number;
}

/**
 * Per-chat leases: with several hub instances on one store, only the holder of a chat's lease
 * handles that chat's events, so they run one at a time and oldest first whichever instance LINE
 * sent them to. A lease exists only while held: released, it is deleted, so the collection holds
 * the chats being handled now, not every chat ever seen.
 */
export class ChatLeaseRepository {
  private readonly leases: Collection<ChatLease>;
  constructor(store: Store) {
    this.leases = store.collection<ChatLease>('chatLeases');
  }

  async init(): Promise<void> {
    // Retention: leases whose holder died with nothing left to hand over to anyone.
    await this.leases.ensureIndex({ field: 'expiresAt' });
  }

  /**
   * Takes the chat, renews it for its holder, or takes it over once expired (its holder died or
   * hung). One insert when nobody holds it, the common case ('free'); a compare-and-set otherwise
   * ('kept' when `holder` had it already, 'taken-over' from another). False when someone else has it.
   */
  async acquire(
    chat: string,
    holder: string,
    now: number,
    ttlMs: number,
  ): Promise<false | 'free' | 'kept' | 'taken-over'> {
    const expiresAt = now + ttlMs;
    try {
      await this.leases.insert({ _id: chat, holder, expiresAt });
      return 'free';
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    const before = await this.leases.findOne({ _id: chat });
    if (!before || (before.holder !== holder && before.expiresAt > now)) return false;
    const taken = await this.leases.updateOne(
      { _id: chat, holder: before.holder, expiresAt: before.expiresAt },
      { $set: { holder, expiresAt } },
    );
    if (taken === null) return false;
    return before.holder === holder ? 'kept' : 'taken-over';
  }

  /** Extends the lease if `holder` still has it; false when it was lost (expired and taken over). */
  async renew(chat: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return (await this.leases.updateOne({ _id: chat, holder }, { $set: { expiresAt: now + ttlMs } })) !== null;
  }

  async release(chat: string, holder: string): Promise<void> {
    await this.leases.deleteMany({ _id: chat, holder });
  }

  get(chat: string): Promise<ChatLease | null> {
    return this.leases.findOne({ _id: chat });
  }

  /** Retention: leases that expired before `before` (their holder died; the chat had nothing left). */
  purgeExpired(before: number): Promise<number> {
    return purgeInBatches(this.leases, { expiresAt: { $lt: before } }, 'expiresAt');
  }
}
