import { buddhistYear } from '../../domain/reports/case';
import type { PrivacyRequest, PrivacyRequestKind } from '../../domain/privacy/privacy-request';
import type { Collection, Store } from '../store-port';

export class PrivacyRequestRepository {
  private readonly requests: Collection<PrivacyRequest>;
  private readonly counters: Collection<{ _id: string; seq: number }>;
  constructor(store: Store) {
    this.requests = store.collection<PrivacyRequest>('privacyRequests');
    this.counters = store.collection<{ _id: string; seq: number }>('counters');
  }

  async init(): Promise<void> {
    await this.requests.ensureIndex({ field: 'userId' });
    await this.requests.ensureIndex({ field: 'status' });
  }

  /** PDPA-69-000001, numbered per Buddhist-era year with one atomic increment. */
  async nextId(at: number): Promise<string> {
    const year = buddhistYear(at);
    const counter = await this.counters.upsertOne({ _id: `privacy:${year}` }, { $inc: { seq: 1 } });
    return `PDPA-${String(year % 100).padStart(2, '0')}-${String(counter.seq).padStart(6, '0')}`;
  }

  create(request: PrivacyRequest): Promise<PrivacyRequest> {
    return this.requests.insert(request);
  }

  get(id: string): Promise<PrivacyRequest | null> {
    return this.requests.findOne({ _id: id });
  }

  openOf(userId: string, kind: PrivacyRequestKind): Promise<PrivacyRequest | null> {
    return this.requests.findOne({ userId, kind, status: 'open' });
  }

  byUser(userId: string): Promise<PrivacyRequest[]> {
    return this.requests.find({ userId }, { sort: { createdAt: 1 } });
  }

  list(q: { status?: PrivacyRequest['status']; stationCode?: string; limit: number }): Promise<PrivacyRequest[]> {
    const filter: Record<string, unknown> = {};
    if (q.status) filter.status = q.status;
    if (q.stationCode) filter.stationCode = q.stationCode;
    return this.requests.find(filter, { sort: { createdAt: -1 }, limit: q.limit });
  }

  /** Closes once: only an open request. */
  close(
    id: string,
    change: { at: number; by: string; outcome: PrivacyRequest['outcome']; note?: string },
  ): Promise<PrivacyRequest | null> {
    return this.requests.updateOne(
      { _id: id, status: 'open' },
      {
        $set: {
          status: 'closed',
          closedAt: change.at,
          closedBy: change.by,
          outcome: change.outcome,
          ...(change.note ? { note: change.note } : {}),
        },
      },
    );
  }

  /** After an erasure the requests stay (they prove it was handled) without the person's id. */
  forgetUser(userId: string, replacement: string): Promise<number> {
    return this.requests.updateMany({ userId }, { $set: { userId: replacement } });
  }
}
