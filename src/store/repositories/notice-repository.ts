import type { CommunityNotice, NoticeStatus } from '../../domain/broadcasts/notice';
import type { Collection, Store } from '../store-port';

export class NoticeRepository {
  private readonly notices: Collection<CommunityNotice>;
  constructor(store: Store) {
    this.notices = store.collection<CommunityNotice>('notices');
  }

  async init(): Promise<void> {
    // A group's pending notices (at most five); the admin list by status, newest first.
    await this.notices.ensureIndex({ fields: { groupId: 1, status: 1 }, embeddedField: 'groupId' });
    await this.notices.ensureIndex({ fields: { status: 1, createdAt: -1 }, embeddedField: 'createdAt' });
  }

  create(notice: CommunityNotice): Promise<CommunityNotice> {
    return this.notices.insert(notice);
  }

  get(id: string): Promise<CommunityNotice | null> {
    return this.notices.findOne({ _id: id });
  }

  pendingOf(groupId: string): Promise<number> {
    return this.notices.count({ groupId, status: 'pending' });
  }

  list(filter: { status?: NoticeStatus; stationCode?: string }, limit = 100): Promise<CommunityNotice[]> {
    const query: Record<string, unknown> = {};
    if (filter.status) query.status = filter.status;
    if (filter.stationCode) query.stationCode = filter.stationCode;
    return this.notices.find(query, { sort: { createdAt: -1 }, limit });
  }

  byProposer(userId: string): Promise<CommunityNotice[]> {
    return this.notices.find({ proposerId: userId }, { sort: { createdAt: -1 } });
  }

  /** A PDPA erasure: the notices stay (the community's words), without who proposed them. */
  forgetProposer(userId: string): Promise<number> {
    return this.notices.updateMany({ proposerId: userId }, { $unset: { proposerId: true, proposerName: true } });
  }

  setSentTo(id: string, sentTo: string[]): Promise<CommunityNotice | null> {
    return this.notices.updateOne({ _id: id }, { $set: { sentTo } });
  }

  /** First decision wins: only a pending notice is decided. */
  decide(
    id: string,
    decision: { status: Exclude<NoticeStatus, 'pending'>; decidedAt: number; decidedBy: string; deciderName?: string },
  ): Promise<CommunityNotice | null> {
    return this.notices.updateOne({ _id: id, status: 'pending' }, { $set: decision });
  }

  setBroadcast(id: string, broadcastId: string): Promise<CommunityNotice | null> {
    return this.notices.updateOne({ _id: id }, { $set: { broadcastId } });
  }
}
