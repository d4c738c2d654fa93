import type { Logger } from '../../logger';
import type { SubscriptionRepository } from '../../store/repositories/subscription-repository';
import type { UserRepository } from '../../store/repositories/user-repository';
import type { Language } from '../people';
import type { Zone } from '../places';
import type { Subscription, SubscriptionSource } from './subscription';

export type FollowResult =
  { ok: true; zone: Zone; subscription: Subscription; already: boolean } | { ok: false; why: 'unknown-zone' };

/**
 * Who follows which zone's news. Anyone may follow, whatever they said to the privacy notice: the
 * news cannot be sent without the subscription, and the subscription is all that is kept for it.
 */
export class SubscriptionService {
  constructor(
    private readonly deps: {
      subscriptions: SubscriptionRepository;
      users: Pick<UserRepository, 'get'>;
      zones: { get(id: string): Promise<Zone | null> };
      logger: Logger;
    },
  ) {}

  /** `lang`: the language the person is using now, kept only if the hub stores none for them. */
  async follow(
    userId: string,
    zoneId: string,
    source: SubscriptionSource,
    lang: Language,
    now: number,
  ): Promise<FollowResult> {
    const zone = await this.deps.zones.get(zoneId);
    if (!zone) return { ok: false, why: 'unknown-zone' };
    const user = await this.deps.users.get(userId);
    const keepLanguage = !user?.chosenLanguage && !user?.profileLanguage ? lang : undefined;
    const { subscription, fresh } = await this.deps.subscriptions.follow(userId, zoneId, source, now, keepLanguage);
    if (fresh) this.deps.logger.info({ userId, zoneId, source }, 'zone news followed');
    return { ok: true, zone, subscription, already: !fresh };
  }

  async stop(userId: string, zoneId: string, now: number): Promise<Subscription | null> {
    const stopped = await this.deps.subscriptions.stop(userId, zoneId, 'person', now);
    if (stopped) this.deps.logger.info({ userId, zoneId }, 'zone news stopped by the person');
    return stopped;
  }

  setPatrolNews(userId: string, zoneId: string, on: boolean, now: number): Promise<Subscription | null> {
    return this.deps.subscriptions.setPatrolNews(userId, zoneId, on, now);
  }

  /** The zones a person follows, with the zone records (zones deleted since are left out). */
  async zonesOf(userId: string): Promise<Array<{ subscription: Subscription; zone: Zone }>> {
    const out: Array<{ subscription: Subscription; zone: Zone }> = [];
    for (const subscription of await this.deps.subscriptions.activeOf(userId)) {
      const zone = await this.deps.zones.get(subscription.zoneId);
      if (zone) out.push({ subscription, zone });
    }
    return out;
  }

  follows(userId: string, zoneId: string): Promise<boolean> {
    return this.deps.subscriptions.get(userId, zoneId).then((s) => Boolean(s && s.endedAt === undefined));
  }

  /**
   * The person blocked the OA: every subscription ends, recorded as ended by the block. Following
   * the OA again does not bring them back; the person chooses again.
   */
  async unfollowed(userId: string, now: number): Promise<number> {
    const ended = await this.deps.subscriptions.stopAll(userId, 'unfollow', now);
    if (ended > 0) this.deps.logger.info({ userId, ended }, 'zone news stopped: the person blocked the OA');
    return ended;
  }
}
