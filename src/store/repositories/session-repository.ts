import type { Collection, Store } from '../store-port';
import { DuplicateKeyError } from '../store-port';
import { purgeInBatches } from './retention';

/** Conversation state for one key (a user id for 1:1 flows, a group id for group state). */
export interface SessionRecord {
  _id: string;
  flow: string;
  version: number;
  step: string;
  data: Record<string, unknown>;
  expiresAt: number;
  updatedAt: number;
  /** Incremented on every write; a write names the revision it read (optimistic concurrency). */
  rev: number;
  /**
   * A new one each time a flow starts: with `rev` it names one step of one conversation (a session
   * cleared and started again counts revisions from 1 again). Older sessions have none.
   */
  runId?: string;
}

export class StaleSessionError extends Error {
  constructor(
    readonly key: string,
    readonly expectedRev: number,
  ) {
    super(`session ${key} changed since revision ${expectedRev}`);
    this.name = 'StaleSessionError';
  }
}

export class SessionRepository {
  private readonly sessions: Collection<SessionRecord>;
  constructor(store: Store) {
    this.sessions = store.collection<SessionRecord>('sessions');
  }

  async init(): Promise<void> {
    await this.sessions.ensureIndex({ field: 'expiresAt' });
  }

  get(key: string): Promise<SessionRecord | null> {
    return this.sessions.findOne({ _id: key });
  }

  /**
   * Writes the next state if the stored revision is still `expectedRev` (0 = no session yet).
   * With several hub instances this keeps two concurrent steps from overwriting each other.
   */
  async put(key: string, state: Omit<SessionRecord, '_id' | 'rev'>, expectedRev: number): Promise<SessionRecord> {
    if (expectedRev === 0) {
      try {
        return await this.sessions.insert({ _id: key, ...state, rev: 1 });
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw new StaleSessionError(key, expectedRev);
        throw err;
      }
    }
    const written = await this.sessions.updateOne(
      { _id: key, rev: expectedRev },
      { $set: { ...state }, $inc: { rev: 1 } },
    );
    if (!written) throw new StaleSessionError(key, expectedRev);
    return written;
  }

  /**
   * Ends the session. With `read` (the session a step read), only while it is still that conversation:
   * the same run (a session from before runs: the same revision). A step that finishes after a new
   * conversation began elsewhere does not wipe it out. True when a session went.
   */
  async clear(key: string, read?: Pick<SessionRecord, 'rev' | 'runId'>): Promise<boolean> {
    const still = read ? (read.runId ? { runId: read.runId } : { rev: read.rev }) : {};
    return (await this.sessions.deleteMany({ _id: key, ...still })) > 0;
  }

  purgeExpired(now: number): Promise<number> {
    return purgeInBatches(this.sessions, { expiresAt: { $lt: now } }, 'expiresAt');
  }
}
