import { randomBytes } from 'node:crypto';
import type { AdminAuditEntry } from '../../domain/admin/admin-audit';
import type { Collection, Store } from '../store-port';

export interface AuditQuery {
  stationCode?: string;
  targetType?: string;
  targetId?: string;
  from?: number;
  to?: number;
  /** Entries older than this id (paging backwards in time). */
  before?: string;
  limit: number;
}

/** The admin API's audit trail; kept without a time limit (small, and it is the accountability record). */
export class AdminAuditRepository {
  private readonly entries: Collection<AdminAuditEntry>;
  constructor(store: Store) {
    this.entries = store.collection<AdminAuditEntry>('adminAudit');
  }

  async init(): Promise<void> {
    await this.entries.ensureIndex({ field: 'stationCode', sparse: true });
    await this.entries.ensureIndex({ field: 'target.id' });
  }

  async record(entry: Omit<AdminAuditEntry, '_id'>): Promise<AdminAuditEntry> {
    const _id = `${entry.at.toString(36).padStart(9, '0')}-${randomBytes(5).toString('hex')}`;
    return this.entries.insert({ _id, ...entry });
  }

  list(q: AuditQuery): Promise<AdminAuditEntry[]> {
    const filter: Record<string, unknown> = {};
    if (q.stationCode) filter.stationCode = q.stationCode;
    if (q.targetType) filter['target.type'] = q.targetType;
    if (q.targetId) filter['target.id'] = q.targetId;
    const at: Record<string, number> = {};
    if (q.from !== undefined) at.$gte = q.from;
    if (q.to !== undefined) at.$lt = q.to;
    if (Object.keys(at).length > 0) filter.at = at;
    if (q.before) filter._id = { $lt: q.before };
    return this.entries.find(filter, { sort: { _id: -1 }, limit: q.limit });
  }
}
