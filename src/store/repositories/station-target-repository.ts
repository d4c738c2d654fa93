import type { StationTargets } from '../../domain/admin/targets';
import type { Collection, Store } from '../store-port';

/** Each station's own overdue targets (only what it changed from the defaults). */
export class StationTargetRepository {
  private readonly targets: Collection<StationTargets>;
  constructor(store: Store) {
    this.targets = store.collection<StationTargets>('stationTargets');
  }

  init(): Promise<void> {
    return Promise.resolve(); // looked up by station code (_id) only
  }

  get(stationCode: string): Promise<StationTargets | null> {
    return this.targets.findOne({ _id: stationCode });
  }

  async all(): Promise<Map<string, StationTargets>> {
    return new Map((await this.targets.find({})).map((t) => [t._id, t]));
  }

  /** Replaces what the station set (the whole set: a category left out returns to its default). */
  save(targets: StationTargets): Promise<StationTargets> {
    const { _id, ...fields } = targets;
    const $unset: Record<string, true> = {};
    for (const key of ['acknowledgeMinutes', 'resolveMinutes', 'sosAcknowledgeMinutes'] as const)
      if (targets[key] === undefined) $unset[key] = true;
    return this.targets.upsertOne(
      { _id },
      { $set: fields as Record<string, unknown>, ...(Object.keys($unset).length > 0 ? { $unset } : {}) },
    );
  }
}
