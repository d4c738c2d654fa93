import type { Consent, Language, User } from '../../domain/people';
import type { Collection, Store } from '../store-port';

export class UserRepository {
  private readonly users: Collection<User>;
  constructor(store: Store) {
    this.users = store.collection<User>('users');
  }

  async init(): Promise<void> {
    await this.users.ensureIndex({ field: 'stationCode', sparse: true });
  }

  get(userId: string): Promise<User | null> {
    return this.users.findOne({ _id: userId });
  }

  /**
   * Records a user the first time they are seen. The first-seen fields are written only by the insert
   * ($setOnInsert): when two instances meet a new person at once, the one that comes second does not
   * reset what the first has recorded since (a consent just accepted).
   */
  async ensure(userId: string, now: number): Promise<User> {
    const found = await this.users.findOne({ _id: userId });
    if (found) return found;
    return this.users.upsertOne(
      { _id: userId },
      { $setOnInsert: { consent: 'pending', role: 'resident', following: true, createdAt: now, updatedAt: now } },
    );
  }

  async saveProfile(
    userId: string,
    profile: { displayName?: string; language?: Language },
    now: number,
  ): Promise<User | null> {
    const $set: Record<string, unknown> = { updatedAt: now };
    if (profile.displayName !== undefined) $set.displayName = profile.displayName;
    if (profile.language !== undefined) $set.profileLanguage = profile.language;
    // Only while consent is not declined: a declined user keeps nothing but the id.
    return this.users.updateOne({ _id: userId, consent: { $ne: 'declined' } }, { $set });
  }

  async setConsent(userId: string, consent: Consent, now: number): Promise<User | null> {
    if (consent === 'declined') {
      return this.users.updateOne(
        { _id: userId },
        { $set: { consent, consentAt: now, updatedAt: now }, $unset: { displayName: true, profileLanguage: true } },
      );
    }
    return this.users.updateOne({ _id: userId }, { $set: { consent, consentAt: now, updatedAt: now } });
  }

  setLanguage(userId: string, language: Language, now: number): Promise<User | null> {
    return this.users.updateOne({ _id: userId }, { $set: { chosenLanguage: language, updatedAt: now } });
  }

  setHomeZone(userId: string, zoneId: string, now: number): Promise<User | null> {
    return this.users.updateOne({ _id: userId }, { $set: { homeZoneId: zoneId, updatedAt: now } });
  }

  setFollowing(userId: string, following: boolean, now: number): Promise<User | null> {
    return this.users.updateOne({ _id: userId }, { $set: { following, updatedAt: now } });
  }

  makeOfficer(userId: string, stationCode: string, now: number): Promise<User> {
    return this.users.upsertOne(
      { _id: userId },
      // Off duty until they say /duty on: a registration alone does not send SOS pushes to a phone.
      { $set: { role: 'officer', stationCode, onDuty: false, updatedAt: now } },
    );
  }

  /** Officers are staff acting for a station: their LINE name is shown to groups and residents. */
  saveOfficerName(userId: string, displayName: string, now: number): Promise<User | null> {
    return this.users.updateOne({ _id: userId, role: 'officer' }, { $set: { displayName, updatedAt: now } });
  }

  setOnDuty(userId: string, onDuty: boolean, now: number): Promise<User | null> {
    return this.users.updateOne({ _id: userId, role: 'officer' }, { $set: { onDuty, updatedAt: now } });
  }

  countFollowing(): Promise<number> {
    return this.users.count({ following: true });
  }

  officersOf(stationCode: string, onlyOnDuty = false): Promise<User[]> {
    const filter: Record<string, unknown> = { role: 'officer', stationCode };
    if (onlyOnDuty) filter.onDuty = true;
    return this.users.find(filter);
  }

  /** Many users at once (the language of each recipient of a multicast). */
  many(userIds: string[]): Promise<User[]> {
    return userIds.length === 0 ? Promise.resolve([]) : this.users.find({ _id: { $in: userIds } });
  }

  /** The name residents and groups see for an officer (rank and name), set by the officer. */
  setPublicName(userId: string, publicName: string, now: number): Promise<User | null> {
    return this.users.updateOne({ _id: userId, role: 'officer' }, { $set: { publicName, updatedAt: now } });
  }

  /** No longer an officer: back to a resident (the station and duty state go). */
  removeOfficer(userId: string, now: number): Promise<User | null> {
    return this.users.updateOne(
      { _id: userId, role: 'officer' },
      { $set: { role: 'resident', updatedAt: now }, $unset: { stationCode: true, onDuty: true } },
    );
  }

  /** Everyone registered as an officer, of one station or of all. */
  officers(stationCode?: string): Promise<User[]> {
    return this.users.find(stationCode ? { role: 'officer', stationCode } : { role: 'officer' }, { sort: { _id: 1 } });
  }

  /** A PDPA erasure: the record goes; a later message from the person starts afresh. */
  async delete(userId: string): Promise<boolean> {
    return (await this.users.deleteMany({ _id: userId })) > 0;
  }
}
