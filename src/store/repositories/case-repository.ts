import type { AuditEntry, Case, CaseStatus } from '../../domain/reports/case';
import type { Collection, Store } from '../store-port';
import { DuplicateKeyError } from '../store-port';
import { CounterRepository } from './counter-repository';
import { createdWithin, setAndUnset } from './admin-queries';

export interface CaseQuery {
  stationCode?: string;
  status?: CaseStatus[];
  category?: string[];
  zoneId?: string[];
  /** Created at or after (epoch ms). */
  from?: number;
  /** Created before (epoch ms). */
  to?: number;
  before?: number;
  limit: number;
}

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
    // The dashboard's feed: what changed (or was posted late) since its last read; every station's
    // cases of a period (super-admin lists, figures, CSV, Open311).
    await this.cases.ensureIndex({ field: 'updatedAt' });
    await this.cases.ensureIndex({ field: 'createdAt' });
    await this.cases.ensureIndex({ field: 'routedAt', sparse: true });
    // One case per "Send report" step, whichever instance or retry runs it.
    await this.cases.ensureIndex({ field: 'submissionKey', unique: true, sparse: true });
  }

  /** Allocates the next case number for a station and Buddhist-era year, atomically. */
  nextCaseNumber(stationCode: string, at: number): Promise<string> {
    return this.counters.next('case', stationCode, at);
  }

  create(c: Case): Promise<Case> {
    return this.cases.insert(c);
  }

  /**
   * Stores the case unless one was already made for its submission key (the same step run elsewhere
   * at the same moment): then that one is returned, and nothing is stored.
   */
  async createOnce(c: Case): Promise<{ c: Case; created: boolean }> {
    try {
      return { c: await this.cases.insert(c), created: true };
    } catch (err) {
      const earlier =
        err instanceof DuplicateKeyError && c.submissionKey ? await this.bySubmission(c.submissionKey) : null;
      if (earlier) return { c: earlier, created: false };
      throw err;
    }
  }

  bySubmission(submissionKey: string): Promise<Case | null> {
    return this.cases.findOne({ submissionKey });
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

  /**
   * Cases for the admin API, newest first: filters are ANDed; `before` pages backwards by creation
   * time (the `createdAt` of the last case of the previous page).
   */
  search(q: CaseQuery): Promise<Case[]> {
    const filter: Record<string, unknown> = {};
    if (q.stationCode) filter.stationCode = q.stationCode;
    if (q.status) filter.status = { $in: q.status };
    if (q.category) filter.category = { $in: q.category };
    if (q.zoneId) filter.zoneId = { $in: q.zoneId };
    Object.assign(filter, createdWithin(q));
    return this.cases.find(filter, { sort: { createdAt: -1 }, limit: q.limit });
  }

  /** Cases changed (or posted late) at or after `since`, oldest change first: the dashboard's feed. */
  changedSince(since: number, limit: number): Promise<Case[]> {
    return this.cases.find(
      { $or: [{ updatedAt: { $gte: since } }, { routedAt: { $gte: since } }] },
      { sort: { updatedAt: 1 }, limit },
    );
  }

  /** Every case a person filed (a PDPA export or erasure reads them all). */
  allByReporter(reporterId: string): Promise<Case[]> {
    return this.cases.find({ reporterId }, { sort: { createdAt: 1 } });
  }

  /** Replaces and removes personal fields of a case (a PDPA erasure). */
  redact(id: string, set: Partial<Case>, unset: Array<keyof Case>): Promise<Case | null> {
    return this.cases.updateOne({ _id: id }, setAndUnset(set, unset));
  }
}
