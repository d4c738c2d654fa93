import type { Collection, Store } from '../store/store-port';
import type { Clock } from '../util/clock';
import type { Logger } from '../logger';
import { bangkokMonth } from '../util/bangkok-month';

interface MonthCount {
  _id: string;
  recipients: number;
  groupPushes: number;
  userPushes: number;
  multicastRecipients: number;
}

/**
 * Our own count of messages against LINE's monthly quota. LINE counts a push per recipient: a push
 * into a police group of 40 costs 40 (line-api.md 2.7). LINE's consumption endpoint is approximate
 * and includes OA Manager sends; this ledger says what the hub itself spent, and on what.
 */
export class QuotaLedger {
  private readonly months: Collection<MonthCount>;
  private readonly memberCounts = new Map<string, { count: number; at: number }>();

  constructor(
    store: Store,
    private readonly deps: { clock: Clock; logger: Logger; groupMemberCount(groupId: string): Promise<number> },
  ) {
    this.months = store.collection<MonthCount>('quotaLedger');
  }

  /** Bangkok calendar month, since LINE's quota resets by month. */
  monthOf(at: number): string {
    return bangkokMonth(at);
  }

  async recordPush(to: string): Promise<void> {
    const month = this.monthOf(this.deps.clock.now());
    if (to.startsWith('U')) {
      await this.months.upsertOne({ _id: month }, { $inc: { recipients: 1, userPushes: 1 } });
      return;
    }
    const members = await this.memberCount(to);
    await this.months.upsertOne({ _id: month }, { $inc: { recipients: members, groupPushes: 1 } });
  }

  async recordMulticast(recipients: number): Promise<void> {
    const month = this.monthOf(this.deps.clock.now());
    await this.months.upsertOne({ _id: month }, { $inc: { recipients, multicastRecipients: recipients } });
  }

  async month(at: number): Promise<Omit<MonthCount, '_id'> & { month: string }> {
    const month = this.monthOf(at);
    const found = await this.months.findOne({ _id: month });
    return {
      month,
      recipients: found?.recipients ?? 0,
      groupPushes: found?.groupPushes ?? 0,
      userPushes: found?.userPushes ?? 0,
      multicastRecipients: found?.multicastRecipients ?? 0,
    };
  }

  private async memberCount(groupId: string): Promise<number> {
    const now = this.deps.clock.now();
    const cached = this.memberCounts.get(groupId);
    if (cached && now - cached.at < 60 * 60_000) return cached.count;
    try {
      const count = await this.deps.groupMemberCount(groupId);
      this.memberCounts.set(groupId, { count, at: now });
      return count;
    } catch (err) {
      this.deps.logger.warn({ err, groupId }, 'could not read group member count; counting the push as 1');
      return cached?.count ?? 1;
    }
  }
}
