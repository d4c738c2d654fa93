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
  /**
   * Stored files the unfinished conversation holds (photos taken into a draft): they go with it when
   * it ends unfinished (expired, cancelled, left from before a deploy changed the flow, or ended by
   * the person's withdrawal of consent or erasure). Nothing else refers to them, and keeping a
   * person's photos they did not send would be keeping personal data for no purpose (PDPA). A
   * finished conversation hands them on (to a case, a broadcast).
   */
  media?: string[];
}

/** Where a conversation's files are removed from (the media store); false when one was not there. */
export interface HeldFiles {
  remove(token: string): Promise<boolean>;
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
  /** `files`: without it (tools, tests of the store alone) a conversation's files are left alone. */
  constructor(
    store: Store,
    private readonly files?: HeldFiles,
  ) {
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
   * Ends the session, and the files it held go with it unless `handedOn` (the conversation finished
   * and what it made refers to them). With `read` (the session a step read), only while it is still
   * that conversation: the same run (a session from before runs: the same revision). A step that
   * finishes after a new conversation began elsewhere does not wipe it out. True when a session went.
   */
  async clear(key: string, read?: Pick<SessionRecord, 'rev' | 'runId'>, handedOn = false): Promise<boolean> {
    const still = read ? (read.runId ? { runId: read.runId } : { rev: read.rev }) : {};
    const filter = { _id: key, ...still };
    const held = handedOn || !this.files ? undefined : (await this.sessions.findOne(filter))?.media;
    const gone = (await this.sessions.deleteMany(filter)) > 0;
    if (gone && held) await this.discard(held);
    return gone;
  }

  /** Removes the files an ended conversation held. */
  private async discard(tokens: readonly string[]): Promise<void> {
    if (this.files) for (const token of tokens) await this.files.remove(token);
  }

  /**
   * Retention: expired sessions go, oldest first, a batch at a time (purgeInBatches), and before them
   * the files of those left unfinished. Few: a conversation expires within the hour.
   */
  async purgeExpired(now: number): Promise<number> {
    const expired = { expiresAt: { $lt: now } };
    if (this.files)
      for (const record of await this.sessions.find(expired)) if (record.media) await this.discard(record.media);
    return purgeInBatches(this.sessions, expired, 'expiresAt');
  }
}
