import type { AuditEntry, Case, CaseStatus } from '../../domain/reports/case';
import type { Collection, Store } from '../store-port';
import { CounterRepository } from './counter-repository';

export class CaseRepository {
  private readonly cases: Collection<Case>;
  private readonly counters: CounterRepository;
  constructor(store: Store) {
    this.cases = store.collection<Case>('cases');
    this.counters = new CounterRepository(store);
  }

  async init(): Promise<void> {
    await this.cases.ensureIndex({ field: 'status' });
    // A resident's cases and a station's cases, newest first: read in key order, not sorted in memory.
    // (They replace single-field indexes on reporterId and stationCode, which the embedded store keeps.)
    await this.cases.ensureIndex({ fields: { reporterId: 1, createdAt: -1 }, embeddedField: 'reporterId' });
    await this.cases.ensureIndex({ fields: { stationCode: 1, createdAt: -1 }, embeddedField: 'stationCode' });
    // Cases that reached no group, oldest first: a missing groupId is the null key of a non-sparse index.
    await this.cases.ensureIndex({ fields: { groupId: 1, createdAt: 1 } });
  }

  /** Allocates the next case number for a station and Buddhist-era year, atomically. */
  nextCaseNumber(stationCode: string, at: number): Promise<string> {
    return this.counters.next('case', stationCode, at);
  }

  create(c: Case): Promise<Case> {
    return this.cases.insert(c);
  }

  get(id: string): Promise<Case | null> {
    return this.cases.findOne({ _id: id });
  }

  byReporter(reporterId: string, limit = 10): Promise<Case[]> {
    return this.cases.find({ reporterId }, { sort: { createdAt: -1 }, limit });
  }

  byStation(stationCode: string, options: { status?: CaseStatus[]; limit?: number } = {}): Promise<Case[]> {
    const filter: Record<string, unknown> = { stationCode };
    if (options.status) filter.status = { $in: options.status };
    return this.cases.find(filter, { sort: { createdAt: -1 }, limit: options.limit ?? 100 });
  }

  /**
   * Moves a case from `from` to `to` only if it is still in `from` (compare-and-set): of two
   * officers tapping at once, one wins and the other gets null.
   */
  transition(
    id: string,
    from: CaseStatus,
    to: CaseStatus,
    audit: AuditEntry,
    set: Partial<Case> = {},
  ): Promise<Case | null> {
    return this.cases.updateOne(
      { _id: id, status: from },
      { $set: { ...set, status: to, updatedAt: audit.at }, $push: { audit } },
    );
  }

  update(id: string, set: Partial<Case>): Promise<Case | null> {
    return this.cases.updateOne({ _id: id }, { $set: set });
  }

  /** Cases that reached no group (none bound, no command centre), oldest first. */
  unrouted(options: { stationCode?: string; openOnly?: boolean; limit?: number } = {}): Promise<Case[]> {
    const filter: Record<string, unknown> = { groupId: { $exists: false } };
    if (options.stationCode) filter.stationCode = options.stationCode;
    if (options.openOnly) filter.status = { $in: ['new', 'acknowledged', 'en_route', 'on_scene'] };
    return this.cases.find(filter, { sort: { createdAt: 1 }, limit: options.limit ?? 500 });
  }

  /** Records the group a waiting case was posted to, once: only while it has none. */
  markRouted(id: string, groupId: string, at: number): Promise<Case | null> {
    return this.cases.updateOne({ _id: id, groupId: { $exists: false } }, { $set: { groupId, routedAt: at } });
  }
}
