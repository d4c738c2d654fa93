import type { Collection, Store } from '../store-port';

/** Zones and stations: every hub instance keeps its own index of them (geo/zone-index.ts). */
export const PLACES = 'places';

interface Version {
  _id: string;
  n: number;
}

/**
 * Counters that writers bump when shared data changes and every hub instance polls, so that what
 * an instance built from that data in memory is rebuilt within a tick of a change made elsewhere (by
 * another instance's admin API, or by scripts/import-zones.ts). Polling works on any deployment,
 * where change streams would need a replica set.
 */
export class VersionRepository {
  private readonly versions: Collection<Version>;
  constructor(store: Store) {
    this.versions = store.collection<Version>('versions');
  }

  init(): Promise<void> {
    return Promise.resolve(); // looked up by _id only
  }

  async bump(name: string): Promise<number> {
    return (await this.versions.upsertOne({ _id: name }, { $inc: { n: 1 } })).n;
  }

  /** 0 until the first bump. */
  async current(name: string): Promise<number> {
    return (await this.versions.findOne({ _id: name }))?.n ?? 0;
  }
}
