import type { Collection, Store } from '../store-port';
import { DuplicateKeyError } from '../store-port';

export interface Lease {
  _id: string;
  holder: string;
  expiresAt: number;
}

/** A named lease in the store: one hub instance at a time runs a given scheduled job. */
export class LeaseRepository {
  private readonly leases: Collection<Lease>;
  constructor(store: Store) {
    this.leases = store.collection<Lease>('leases');
  }

  init(): Promise<void> {
    return Promise.resolve(); // looked up by _id only
  }

  /** Takes or renews the lease; true when `holder` has it until now + ttl. */
  async acquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    const expiresAt = now + ttlMs;
    const taken = await this.leases.updateOne(
      { _id: name, $or: [{ holder }, { expiresAt: { $lte: now } }] },
      { $set: { holder, expiresAt } },
    );
    if (taken) return true;
    try {
      await this.leases.insert({ _id: name, holder, expiresAt });
      return true;
    } catch (err) {
      if (err instanceof DuplicateKeyError) return false;
      throw err;
    }
  }

  /**
   * Runs `work` only if `holder` takes the lease, and releases it after: start-up work that several
   * instances starting together must not each do (the demo seed, installing the rich menus).
   */
  async exclusively<T>(
    name: string,
    holder: string,
    now: number,
    ttlMs: number,
    work: () => Promise<T>,
  ): Promise<{ ran: true; result: T } | { ran: false }> {
    if (!(await this.acquire(name, holder, now, ttlMs))) return { ran: false };
    try {
      return { ran: true, result: await work() };
    } finally {
      await this.release(name, holder);
    }
  }

  /** Nobody holds the lease at `now`: it was released, it expired, or it never existed. */
  async isFree(name: string, now: number): Promise<boolean> {
    const lease = await this.get(name);
    return !lease || lease.expiresAt <= now;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.leases.updateOne({ _id: name, holder }, { $set: { expiresAt: 0 } });
  }

  get(name: string): Promise<Lease | null> {
    return this.leases.findOne({ _id: name });
  }
}
