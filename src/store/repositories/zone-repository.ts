import type { Zone } from '../../domain/places';
import { DuplicateKeyError, type Collection, type Store, type Update } from '../store-port';
import { PLACES, VersionRepository } from './version-repository';

export class ZoneRepository {
  private readonly zones: Collection<Zone>;
  private readonly versions: VersionRepository;
  constructor(store: Store) {
    this.zones = store.collection<Zone>('zones');
    this.versions = new VersionRepository(store);
  }

  async init(): Promise<void> {
    await this.zones.ensureIndex({ field: 'stationCode' });
  }

  /** Sorted by id, so the zone index (and which zone comes first on an overlap) is stable across loads. */
  all(): Promise<Zone[]> {
    return this.zones.find({}, { sort: { _id: 1 } });
  }

  get(id: string): Promise<Zone | null> {
    return this.zones.findOne({ _id: id });
  }

  byStation(stationCode: string): Promise<Zone[]> {
    return this.zones.find({ stationCode }, { sort: { _id: 1 } });
  }

  count(): Promise<number> {
    return this.zones.count({});
  }

  /**
   * Upserts each zone in turn; an existing zone keeps its `createdAt`. Callers validate the whole
   * batch first (geojson-import.ts): this only writes. `onEach` reports progress for the CLI.
   * Every hub instance is told (the places version), also of an import that stopped half way.
   */
  async importZones(zones: Zone[], onEach?: (done: number, total: number) => void): Promise<number> {
    let done = 0;
    try {
      for (const zone of zones) {
        await this.upsert(zone);
        done += 1;
        onEach?.(done, zones.length);
      }
    } finally {
      if (done > 0) await this.versions.bump(PLACES);
    }
    return done;
  }

  private async upsert(zone: Zone): Promise<Zone> {
    const { _id, createdAt: _createdAt, ...fields } = zone;
    // A re-import that drops the flag must clear it, or a now-official boundary stays marked as demo.
    const $unset: Record<string, true> = zone.illustrative === undefined ? { illustrative: true } : {};
    const update: Update = { $set: fields as Record<string, unknown>, $unset };
    const updated = await this.zones.updateOne({ _id }, update);
    if (updated) return updated;
    try {
      return await this.zones.insert(zone);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const retried = await this.zones.updateOne({ _id }, update);
      if (!retried) throw err;
      return retried;
    }
  }
}
