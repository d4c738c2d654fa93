import type { Station } from '../../domain/places';
import { DuplicateKeyError, type Collection, type Store } from '../store-port';
import { PLACES, VersionRepository } from './version-repository';

export class StationRepository {
  private readonly stations: Collection<Station>;
  private readonly versions: VersionRepository;
  constructor(store: Store) {
    this.stations = store.collection<Station>('stations');
    this.versions = new VersionRepository(store);
  }

  init(): Promise<void> {
    // Stations are looked up by `_id` (their code) only, which every adapter indexes already; kept
    // so start-up can init every repository alike.
    return Promise.resolve();
  }

  get(code: string): Promise<Station | null> {
    return this.stations.findOne({ _id: code });
  }

  /** Sorted by code, so anything built from the list (the zone index) is the same on every load. */
  all(): Promise<Station[]> {
    return this.stations.find({}, { sort: { _id: 1 } });
  }

  count(): Promise<number> {
    return this.stations.count({});
  }

  /**
   * Creates the station or replaces its fields. A station that already exists keeps its
   * `createdAt`: re-importing a list must not make old stations look new. Every hub instance is
   * told (the places version): the zone index holds stations too.
   */
  async upsert(station: Station): Promise<Station> {
    const saved = await this.write(station);
    await this.versions.bump(PLACES);
    return saved;
  }

  private async write(station: Station): Promise<Station> {
    const { _id, createdAt: _createdAt, ...fields } = station;
    const $unset: Record<string, true> = {};
    if (station.escalationGroupId === undefined) $unset.escalationGroupId = true;
    if (station.sosLadderMinutes === undefined) $unset.sosLadderMinutes = true;
    const update = { $set: fields as Record<string, unknown>, $unset };
    const updated = await this.stations.updateOne({ _id }, update);
    if (updated) return updated;
    try {
      return await this.stations.insert(station);
    } catch (err) {
      // Another writer inserted it between our update and insert: it exists now, so update it.
      if (!(err instanceof DuplicateKeyError)) throw err;
      const retried = await this.stations.updateOne({ _id }, update);
      if (!retried) throw err;
      return retried;
    }
  }
}
