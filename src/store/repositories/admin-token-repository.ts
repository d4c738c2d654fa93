import type { AdminToken } from '../../domain/admin/admin-actor';
import type { Collection, Store } from '../store-port';

/** Station admin tokens (hashed). Looked up by id, the public half of the token. */
export class AdminTokenRepository {
  private readonly tokens: Collection<AdminToken>;
  constructor(store: Store) {
    this.tokens = store.collection<AdminToken>('adminTokens');
  }

  async init(): Promise<void> {
    await this.tokens.ensureIndex({ field: 'stationCode' });
  }

  create(token: AdminToken): Promise<AdminToken> {
    return this.tokens.insert(token);
  }

  get(id: string): Promise<AdminToken | null> {
    return this.tokens.findOne({ _id: id });
  }

  list(stationCode?: string): Promise<AdminToken[]> {
    return this.tokens.find(stationCode ? { stationCode } : {}, { sort: { createdAt: 1 } });
  }

  /** Revokes once: a second revoke finds nothing to change and returns null. */
  revoke(id: string, by: string, at: number): Promise<AdminToken | null> {
    return this.tokens.updateOne(
      { _id: id, revokedAt: { $exists: false } },
      { $set: { revokedAt: at, revokedBy: by } },
    );
  }

  async touch(id: string, at: number): Promise<void> {
    await this.tokens.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
  }
}
