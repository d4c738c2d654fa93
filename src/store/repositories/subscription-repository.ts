import type { Language } from '../../domain/people';
import { subscriptionId, type Subscription, type SubscriptionSource } from '../../domain/subscriptions/subscription';
import type { Collection, Store } from '../store-port';
import { purgeInBatches } from './retention';

/** A subscription that has not ended. */
const ACTIVE = { endedAt: { $exists: false } };

export class SubscriptionRepository {
  private readonly subs: Collection<Subscription>;
  constructor(store: Store) {
    this.subs = store.collection<Subscription>('subscriptions');
  }

  async init(): Promise<void> {
    // A zone's followers (every fan-out) and a person's zones; the embedded store keys the first field.
    await this.subs.ensureIndex({ fields: { zoneId: 1, endedAt: 1 }, embeddedField: 'zoneId' });
    await this.subs.ensureIndex({ fields: { userId: 1, endedAt: 1 }, embeddedField: 'userId' });
    await this.subs.ensureIndex({ field: 'endedAt', sparse: true });
  }

  get(userId: string, zoneId: string): Promise<Subscription | null> {
    return this.subs.findOne({ _id: subscriptionId(userId, zoneId) });
  }

  /** Starts (or restarts) following; an active subscription keeps its patrol choice and source. */
  async follow(
    userId: string,
    zoneId: string,
    source: SubscriptionSource,
    now: number,
    lang?: Language,
  ): Promise<{ subscription: Subscription; fresh: boolean }> {
    const id = subscriptionId(userId, zoneId);
    const active = await this.subs.findOne({ _id: id, ...ACTIVE });
    if (active) return { subscription: active, fresh: false };
    const subscription = await this.subs.upsertOne(
      { _id: id },
      {
        $set: { userId, zoneId, patrolNews: false, source, createdAt: now, updatedAt: now, ...(lang ? { lang } : {}) },
        $unset: { endedAt: true, endedBy: true, ...(lang ? {} : { lang: true }) },
      },
    );
    return { subscription, fresh: true };
  }

  stop(userId: string, zoneId: string, by: 'person' | 'unfollow', now: number): Promise<Subscription | null> {
    return this.subs.updateOne(
      { _id: subscriptionId(userId, zoneId), ...ACTIVE },
      { $set: { endedAt: now, endedBy: by, updatedAt: now } },
    );
  }

  /** Every active subscription of a person ends (they blocked the OA). */
  stopAll(userId: string, by: 'person' | 'unfollow', now: number): Promise<number> {
    return this.subs.updateMany({ userId, ...ACTIVE }, { $set: { endedAt: now, endedBy: by, updatedAt: now } });
  }

  setPatrolNews(userId: string, zoneId: string, on: boolean, now: number): Promise<Subscription | null> {
    return this.subs.updateOne(
      { _id: subscriptionId(userId, zoneId), ...ACTIVE },
      { $set: { patrolNews: on, updatedAt: now } },
    );
  }

  activeOf(userId: string): Promise<Subscription[]> {
    return this.subs.find({ userId, ...ACTIVE }, { sort: { createdAt: 1 } });
  }

  /**
   * The people following any of these zones, each once, with the language kept on their subscription
   * (if any); optionally only those who want patrol news.
   */
  async followersOf(
    zoneIds: string[],
    options: { patrolNews?: boolean } = {},
  ): Promise<Map<string, Language | undefined>> {
    const people = new Map<string, Language | undefined>();
    for (const zoneId of zoneIds) {
      const filter: Record<string, unknown> = { zoneId, ...ACTIVE };
      if (options.patrolNews) filter.patrolNews = true;
      for (const s of await this.subs.find(filter)) if (!people.get(s.userId)) people.set(s.userId, s.lang);
    }
    return people;
  }

  /** People whose subscription to one of these zones ended because they blocked the OA. */
  async endedByUnfollow(zoneIds: string[]): Promise<string[]> {
    const people = new Set<string>();
    for (const s of await this.subs.find({ zoneId: { $in: zoneIds }, endedBy: 'unfollow' })) people.add(s.userId);
    return [...people];
  }

  /** Every subscription of a person, stopped ones too (a PDPA export). */
  allOf(userId: string): Promise<Subscription[]> {
    return this.subs.find({ userId }, { sort: { createdAt: 1 } });
  }

  /** A PDPA erasure: the person's subscriptions and their record go. */
  deleteAllOf(userId: string): Promise<number> {
    return this.subs.deleteMany({ userId });
  }

  countFollowers(zoneId: string): Promise<number> {
    return this.subs.count({ zoneId, ...ACTIVE });
  }

  /** Retention: a stopped subscription is kept as a record for `keepMs`, then removed. */
  purgeEnded(before: number): Promise<number> {
    return purgeInBatches(this.subs, { endedAt: { $lt: before } }, 'endedAt');
  }
}
