import type { PatrolCheckIn, PatrolDigest, PatrolSettings } from '../../domain/patrols/patrol';
import { DuplicateKeyError, type Collection, type Store } from '../store-port';
import { purgeInBatches } from './retention';

export class PatrolRepository {
  private readonly checkIns: Collection<PatrolCheckIn>;
  private readonly digests: Collection<PatrolDigest>;
  private readonly settings: Collection<PatrolSettings>;

  constructor(store: Store) {
    this.checkIns = store.collection<PatrolCheckIn>('patrolCheckIns');
    this.digests = store.collection<PatrolDigest>('patrolDigests');
    this.settings = store.collection<PatrolSettings>('patrolSettings');
  }

  async init(): Promise<void> {
    // Recent check-ins (digests, "near me", retention), and one zone's since its last digest.
    await this.checkIns.ensureIndex({ field: 'at' });
    await this.checkIns.ensureIndex({ fields: { zoneId: 1, at: 1 }, sparse: true, embeddedField: 'at' });
    await this.digests.ensureIndex({ fields: { zoneId: 1, to: -1 }, embeddedField: 'zoneId' });
    await this.digests.ensureIndex({ field: 'to' });
  }

  /** Idempotent: the same check-in (same id, from the same webhook event) is stored once. */
  async add(checkIn: PatrolCheckIn): Promise<PatrolCheckIn> {
    try {
      return await this.checkIns.insert(checkIn);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      return (await this.checkIns.findOne({ _id: checkIn._id }))!;
    }
  }

  /** Check-ins in zones after `since`, oldest first. */
  since(since: number, zoneId?: string): Promise<PatrolCheckIn[]> {
    const filter: Record<string, unknown> = { at: { $gt: since } };
    filter.zoneId = zoneId ?? { $exists: true };
    return this.checkIns.find(filter, { sort: { at: 1 } });
  }

  /** Check-ins after `since` inside a latitude/longitude box, newest first. */
  inBox(since: number, box: { south: number; north: number; west: number; east: number }): Promise<PatrolCheckIn[]> {
    return this.checkIns.find(
      { at: { $gte: since }, lat: { $gte: box.south, $lte: box.north }, lng: { $gte: box.west, $lte: box.east } },
      { sort: { at: -1 }, limit: 200 },
    );
  }

  lastDigest(zoneId: string): Promise<PatrolDigest | null> {
    return this.digests.find({ zoneId }, { sort: { to: -1 }, limit: 1 }).then((d) => d[0] ?? null);
  }

  /** False when this period's digest of the zone exists already (another scheduler made it). */
  async addDigest(digest: PatrolDigest): Promise<boolean> {
    try {
      await this.digests.insert(digest);
      return true;
    } catch (err) {
      if (err instanceof DuplicateKeyError) return false;
      throw err;
    }
  }

  updateDigest(id: string, set: Partial<PatrolDigest>): Promise<PatrolDigest | null> {
    return this.digests.updateOne({ _id: id }, { $set: set });
  }

  digestsOf(zoneId: string, limit = 20): Promise<PatrolDigest[]> {
    return this.digests.find({ zoneId }, { sort: { to: -1 }, limit });
  }

  getSettings(stationCode: string): Promise<PatrolSettings | null> {
    return this.settings.findOne({ _id: stationCode });
  }

  saveSettings(settings: PatrolSettings): Promise<PatrolSettings> {
    const { _id, ...fields } = settings;
    return this.settings.upsertOne({ _id }, { $set: fields as Record<string, unknown> });
  }

  /** Retention: an officer's position is kept for the digests and "last patrol near me", then goes. */
  purgeCheckIns(before: number): Promise<number> {
    return purgeInBatches(this.checkIns, { at: { $lt: before } }, 'at');
  }

  purgeDigests(before: number): Promise<number> {
    return purgeInBatches(this.digests, { to: { $lt: before } }, 'to');
  }
}
