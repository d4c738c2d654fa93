import type { Collection, Store } from '../store-port';
import { purgeInBatches } from './retention';

/**
 * A signed-in dashboard: the cookie carries a random id, the store only its hash, so a copy of the
 * store cannot be replayed as a cookie. It names the token it was opened with (checked again on
 * every request, so revoking the token ends its sessions).
 */
export interface AdminSession {
  /** SHA-256 of the cookie value, hex. */
  _id: string;
  /** 'super', or the station token's id. */
  tokenId: string;
  /** Sent back in the X-CSRF-Token header by the dashboard on every change. */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

export class AdminSessionRepository {
  private readonly sessions: Collection<AdminSession>;
  constructor(store: Store) {
    this.sessions = store.collection<AdminSession>('adminSessions');
  }

  async init(): Promise<void> {
    await this.sessions.ensureIndex({ field: 'expiresAt' });
  }

  create(session: AdminSession): Promise<AdminSession> {
    return this.sessions.insert(session);
  }

  /** The session if it has not expired. */
  live(id: string, now: number): Promise<AdminSession | null> {
    return this.sessions.findOne({ _id: id, expiresAt: { $gt: now } });
  }

  async end(id: string): Promise<void> {
    await this.sessions.deleteMany({ _id: id });
  }

  purgeExpired(now: number): Promise<number> {
    return purgeInBatches(this.sessions, { expiresAt: { $lt: now } }, 'expiresAt');
  }
}
