import type {
  BatchState,
  Broadcast,
  BroadcastBatch,
  BroadcastRun,
  BroadcastStatus,
} from '../../domain/broadcasts/broadcast';
import type { Collection, Store } from '../store-port';
import { purgeInBatches } from './retention';

/** Broadcasts, their runs, and the batches of each run (the delivery record). */
export class BroadcastRepository {
  private readonly broadcasts: Collection<Broadcast>;
  private readonly runs: Collection<BroadcastRun>;
  private readonly batches: Collection<BroadcastBatch>;

  constructor(store: Store) {
    this.broadcasts = store.collection<Broadcast>('broadcasts');
    this.runs = store.collection<BroadcastRun>('broadcastRuns');
    this.batches = store.collection<BroadcastBatch>('broadcastBatches');
  }

  async init(): Promise<void> {
    // Due ones every 15 s; the admin list by status.
    await this.broadcasts.ensureIndex({ fields: { status: 1, nextRunAt: 1 }, embeddedField: 'nextRunAt' });
    // "Zone news": what went to a person's zones (a multikey index), newest first; and to everyone.
    await this.broadcasts.ensureIndex({ fields: { zoneIds: 1, lastSentAt: -1 }, embeddedField: 'zoneIds' });
    await this.broadcasts.ensureIndex({ fields: { 'audience.kind': 1, lastSentAt: -1 } });
    await this.runs.ensureIndex({ fields: { broadcastId: 1, dueAt: -1 }, embeddedField: 'broadcastId' });
    await this.runs.ensureIndex({ fields: { state: 1, startedAt: 1 }, embeddedField: 'startedAt' });
    await this.batches.ensureIndex({ field: 'runId' });
    await this.batches.ensureIndex({ field: 'createdAt' });
  }

  create(b: Broadcast): Promise<Broadcast> {
    return this.broadcasts.insert(b);
  }

  get(id: string): Promise<Broadcast | null> {
    return this.broadcasts.findOne({ _id: id });
  }

  list(filter: { status?: BroadcastStatus[]; zoneId?: string; limit?: number } = {}): Promise<Broadcast[]> {
    const query: Record<string, unknown> = {};
    if (filter.status) query.status = { $in: filter.status };
    if (filter.zoneId) query.zoneIds = filter.zoneId;
    return this.broadcasts.find(query, { sort: { createdAt: -1 }, limit: filter.limit ?? 100 });
  }

  /** Scheduled and recurring broadcasts whose time has come. */
  due(now: number): Promise<Broadcast[]> {
    return this.broadcasts.find(
      { status: { $in: ['scheduled', 'recurring'] }, nextRunAt: { $lte: now } },
      { sort: { nextRunAt: 1 }, limit: 100 },
    );
  }

  /** Compare-and-set: only the scheduler that still sees `dueAt` moves the broadcast on. */
  advance(id: string, dueAt: number, set: Partial<Broadcast>, unsetNext: boolean): Promise<Broadcast | null> {
    return this.broadcasts.updateOne(
      { _id: id, nextRunAt: dueAt },
      { $set: set, ...(unsetNext ? { $unset: { nextRunAt: true } } : {}) },
    );
  }

  update(id: string, set: Partial<Broadcast>, only?: { status: BroadcastStatus[] }): Promise<Broadcast | null> {
    return this.broadcasts.updateOne(only ? { _id: id, status: { $in: only.status } } : { _id: id }, { $set: set });
  }

  /** What went out to these zones (or to everyone), newest first. */
  latestFor(zoneIds: string[], limit: number): Promise<Broadcast[]> {
    return this.broadcasts.find(
      {
        lastSentAt: { $exists: true },
        $or: [{ zoneIds: { $in: zoneIds } }, { 'audience.kind': 'all' }],
      },
      { sort: { lastSentAt: -1 }, limit },
    );
  }

  async createRun(run: BroadcastRun): Promise<BroadcastRun> {
    return this.runs.insert(run);
  }

  getRun(id: string): Promise<BroadcastRun | null> {
    return this.runs.findOne({ _id: id });
  }

  runsOf(broadcastId: string): Promise<BroadcastRun[]> {
    return this.runs.find({ broadcastId }, { sort: { dueAt: -1 }, limit: 50 });
  }

  /** Runs still going out: planning to finish, or batches LINE has not answered yet. */
  unfinishedRuns(): Promise<BroadcastRun[]> {
    return this.runs.find({ state: 'sending' }, { sort: { startedAt: 1 }, limit: 100 });
  }

  updateRun(id: string, set: Partial<BroadcastRun>): Promise<BroadcastRun | null> {
    return this.runs.updateOne({ _id: id }, { $set: set });
  }

  /** Marks the composer told, once (two schedulers finishing the same run tell them once). */
  claimReport(id: string): Promise<BroadcastRun | null> {
    return this.runs.updateOne({ _id: id, reported: { $ne: true } }, { $set: { reported: true } });
  }

  /** Stores new batches; ids already stored (a plan resumed after a crash) are left as they were. */
  addBatches(batches: BroadcastBatch[]): Promise<string[]> {
    return this.batches.insertNew(batches);
  }

  batchesOf(runId: string): Promise<BroadcastBatch[]> {
    return this.batches.find({ runId }, { sort: { _id: 1 } });
  }

  setBatch(
    id: string,
    set: { state: BatchState; lineAnswer?: string; lineRequestId?: string; sentAt?: number },
  ): Promise<BroadcastBatch | null> {
    return this.batches.updateOne({ _id: id }, { $set: set });
  }

  /** A PDPA erasure: the person's LINE id leaves the delivery records (the counts stay). */
  async forgetRecipient(userId: string): Promise<number> {
    let changed = 0;
    for (const batch of await this.batches.find({ to: userId })) {
      await this.batches.updateOne({ _id: batch._id }, { $set: { to: batch.to.filter((id) => id !== userId) } });
      changed++;
    }
    return changed;
  }

  /** Retention of delivery records: recipient lists of old runs go, the counts in the run stay. */
  purgeBatches(before: number): Promise<number> {
    return purgeInBatches(this.batches, { createdAt: { $lt: before }, state: { $ne: 'queued' } }, 'createdAt');
  }
}
