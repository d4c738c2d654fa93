import type { Collection, Store } from '../store-port';
import { purgeInBatches } from './retention';

/** The last location a person shared, kept briefly: reports reuse it for 10 minutes, SOS for 15. */
export interface Pin {
  _id: string;
  lat: number;
  lng: number;
  address?: string;
  at: number;
}

export class PinRepository {
  private readonly pins: Collection<Pin>;
  constructor(store: Store) {
    this.pins = store.collection<Pin>('pins');
  }

  async init(): Promise<void> {
    await this.pins.ensureIndex({ field: 'at' });
  }

  async save(userId: string, pin: Omit<Pin, '_id'>): Promise<void> {
    await this.pins.upsertOne(
      { _id: userId },
      { $set: { ...pin }, ...(pin.address ? {} : { $unset: { address: true } }) },
    );
  }

  /** The pin if it was shared within `maxAgeMs`. */
  async recent(userId: string, now: number, maxAgeMs: number): Promise<Pin | null> {
    return this.pins.findOne({ _id: userId, at: { $gte: now - maxAgeMs } });
  }

  /** Retention: a location is personal data; nothing older than a day is needed. */
  purgeOlderThan(before: number): Promise<number> {
    return purgeInBatches(this.pins, { at: { $lt: before } }, 'at');
  }

  get(userId: string): Promise<Pin | null> {
    return this.pins.findOne({ _id: userId });
  }

  async delete(userId: string): Promise<number> {
    return this.pins.deleteMany({ _id: userId });
  }
}
