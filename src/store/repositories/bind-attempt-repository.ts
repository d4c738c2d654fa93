import type { Collection, Store } from '../store-port';

/** Failed /bind tries of one user or one group, counted over a window. */
export interface BindAttempts {
  /** `user:<id>` or `group:<id>`. */
  _id: string;
  /** When the current window began (its first failure). */
  since: number;
  failures: number;
}

export class BindAttemptRepository {
  private readonly attempts: Collection<BindAttempts>;
  constructor(store: Store) {
    this.attempts = store.collection<BindAttempts>('bindAttempts');
  }

  async init(): Promise<void> {
    await this.attempts.ensureIndex({ field: 'since' });
  }

  /** Failures of `key` in the window that is still open at `now` (0 when it has passed). */
  async failures(key: string, now: number, windowMs: number): Promise<number> {
    const found = await this.attempts.findOne({ _id: key });
    return found && now - found.since < windowMs ? found.failures : 0;
  }

  /** Counts one more failure; a window that has passed starts again. Returns the count in the window. */
  async recordFailure(key: string, now: number, windowMs: number): Promise<number> {
    const counted = await this.attempts.updateOne(
      { _id: key, since: { $gt: now - windowMs } },
      { $inc: { failures: 1 } },
    );
    if (counted) return counted.failures;
    await this.attempts.upsertOne({ _id: key }, { $set: { since: now, failures: 1 } });
    return 1;
  }

  purgeOlderThan(before: number): Promise<number> {
    return this.attempts.deleteMany({ since: { $lt: before } });
  }
}
