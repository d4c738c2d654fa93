import type { Collection, Store } from '../store-port';
import { purgeInBatches } from './retention';

export type BindKind = 'station' | 'community' | 'officer';

/** A one-time code an admin hands out to bind a group or register an officer. */
export interface BindCode {
  _id: string;
  kind: BindKind;
  stationCode: string;
  zoneId?: string;
  createdAt: number;
  expiresAt: number;
  usedAt?: number;
  usedBy?: string;
}

export class BindCodeRepository {
  private readonly codes: Collection<BindCode>;
  constructor(store: Store) {
    this.codes = store.collection<BindCode>('bindCodes');
  }

  async init(): Promise<void> {
    await this.codes.ensureIndex({ field: 'expiresAt' });
  }

  create(code: BindCode): Promise<BindCode> {
    return this.codes.insert(code);
  }

  get(code: string): Promise<BindCode | null> {
    return this.codes.findOne({ _id: code });
  }

  /** Marks the code used if it is unused and unexpired; null otherwise. Single use, even under races. */
  consume(code: string, by: string, now: number): Promise<BindCode | null> {
    return this.codes.updateOne(
      { _id: code, usedAt: { $exists: false }, expiresAt: { $gt: now } },
      { $set: { usedAt: now, usedBy: by } },
    );
  }

  purgeExpired(before: number): Promise<number> {
    return purgeInBatches(this.codes, { expiresAt: { $lt: before } }, 'expiresAt');
  }

  /** Codes not used yet and not expired, newest first (one station's, or all). */
  outstanding(now: number, stationCode?: string): Promise<BindCode[]> {
    const filter: Record<string, unknown> = { usedAt: { $exists: false }, expiresAt: { $gt: now } };
    if (stationCode) filter.stationCode = stationCode;
    return this.codes.find(filter, { sort: { createdAt: -1 } });
  }

  /** Withdraws an unused code; null when it was used, expired or never existed. */
  revoke(code: string, now: number): Promise<BindCode | null> {
    return this.codes.updateOne(
      { _id: code, usedAt: { $exists: false }, expiresAt: { $gt: now } },
      { $set: { expiresAt: now } },
    );
  }
}
