import type { Group, GroupKind } from '../../domain/people';
import type { Collection, Store } from '../store-port';

export class GroupRepository {
  private readonly groups: Collection<Group>;
  constructor(store: Store) {
    this.groups = store.collection<Group>('groups');
  }

  async init(): Promise<void> {
    await this.groups.ensureIndex({ field: 'stationCode', sparse: true });
    await this.groups.ensureIndex({ field: 'zoneId', sparse: true });
  }

  get(groupId: string): Promise<Group | null> {
    return this.groups.findOne({ _id: groupId });
  }

  async joined(groupId: string, now: number): Promise<Group> {
    const rejoined = await this.groups.updateOne({ _id: groupId }, { $set: { active: true, updatedAt: now } });
    if (rejoined) return rejoined;
    return this.groups.upsertOne(
      { _id: groupId },
      { $set: { kind: 'unbound', active: true, joinedAt: now, updatedAt: now } },
    );
  }

  /** A `leave` event: the bot was removed, so the binding ends too. */
  left(groupId: string, now: number): Promise<Group | null> {
    return this.groups.updateOne(
      { _id: groupId },
      { $set: { active: false, kind: 'unbound', updatedAt: now }, $unset: { stationCode: true, zoneId: true } },
    );
  }

  async bind(
    groupId: string,
    kind: Exclude<GroupKind, 'unbound'>,
    target: { stationCode: string; zoneId?: string },
    now: number,
  ): Promise<Group> {
    const $set: Record<string, unknown> = { kind, active: true, stationCode: target.stationCode, updatedAt: now };
    if (target.zoneId) $set.zoneId = target.zoneId;
    const bound = await this.groups.updateOne(
      { _id: groupId },
      { $set, ...(target.zoneId ? {} : { $unset: { zoneId: true } }) },
    );
    return bound ?? this.groups.upsertOne({ _id: groupId }, { $set: { ...$set, joinedAt: now } });
  }

  stationGroup(stationCode: string): Promise<Group | null> {
    return this.groups.findOne({ kind: 'station', stationCode, active: true });
  }

  communityGroups(zoneId: string): Promise<Group[]> {
    return this.groups.find({ kind: 'community', zoneId, active: true });
  }

  /** Every community group the bot is in (an announcement to the whole OA reaches them too). */
  allCommunityGroups(): Promise<Group[]> {
    return this.groups.find({ kind: 'community', active: true });
  }
}
