import { createHash } from 'node:crypto';
import type { Logger } from '../../logger';
import type { GroupRepository } from '../../store/repositories/group-repository';
import type { NoticeRepository } from '../../store/repositories/notice-repository';
import type { UserRepository } from '../../store/repositories/user-repository';
import { DuplicateKeyError } from '../../store/store-port';
import type { Clock } from '../../util/clock';
import type { OfficerGate } from '../officer-gate';
import type { Notifier } from '../notices';
import type { Station, Zone } from '../places';
import { MAX_TEXT, type BroadcastRun } from './broadcast';
import type { BroadcastService } from './broadcast-service';
import type { CommunityNotice } from './notice';

/** More pending notices than this from one group wait for the officers to answer the first ones. */
const MAX_PENDING_PER_GROUP = 5;

export type ProposeResult =
  | { ok: true; notice: CommunityNotice; reached: 'group' | 'officers' }
  | { ok: false; why: 'not-community' | 'empty' | 'too-long' | 'too-many' | 'no-officers'; zone?: Zone };

export type DecideResult =
  | { ok: true; notice: CommunityNotice; officerName: string; run?: BroadcastRun }
  | { ok: false; why: 'unknown' | 'no-user-id' | 'not-officer' | 'decided'; notice?: CommunityNotice };

/**
 * Community leaders propose notices from a community group bound to a zone; an officer of the zone's
 * station approves (the notice goes out as a broadcast to the zone, signed with the community's
 * name) or rejects it (the group is told). The first decision wins.
 */
export class NoticeService {
  constructor(
    private readonly deps: {
      notices: NoticeRepository;
      groups: Pick<GroupRepository, 'get' | 'stationGroup'>;
      users: Pick<UserRepository, 'officersOf'>;
      zones: { get(id: string): Promise<Zone | null> };
      broadcasts: BroadcastService;
      officers: OfficerGate;
      stations: { get(code: string): Promise<Station | null> };
      notifier: Notifier;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async propose(
    groupId: string,
    proposer: { userId?: string; name?: string },
    text: string,
    sourceEventId: string,
  ): Promise<ProposeResult> {
    const { deps } = this;
    const group = await deps.groups.get(groupId);
    if (!group || group.kind !== 'community' || !group.zoneId || !group.stationCode)
      return { ok: false, why: 'not-community' };
    const words = text.trim();
    if (words === '') return { ok: false, why: 'empty' };
    if (words.length > MAX_TEXT) return { ok: false, why: 'too-long' };
    const id = `NT-${createHash('sha256').update(sourceEventId).digest('hex').slice(0, 10).toUpperCase()}`;
    let notice = await deps.notices.get(id);
    if (!notice) {
      if ((await deps.notices.pendingOf(groupId)) >= MAX_PENDING_PER_GROUP) return { ok: false, why: 'too-many' };
      const fresh: CommunityNotice = {
        _id: id,
        groupId,
        zoneId: group.zoneId,
        stationCode: group.stationCode,
        text: words,
        ...(proposer.userId ? { proposerId: proposer.userId } : {}),
        ...(proposer.name ? { proposerName: proposer.name } : {}),
        status: 'pending',
        sentTo: [],
        createdAt: deps.clock.now(),
      };
      try {
        notice = await deps.notices.create(fresh);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        notice = (await deps.notices.get(id))!;
      }
    }
    // The station group when there is one; otherwise every officer of the station, one by one.
    const stationGroup = await deps.groups.stationGroup(notice.stationCode);
    const chats = stationGroup
      ? [stationGroup._id]
      : (await deps.users.officersOf(notice.stationCode)).map((officer) => officer._id);
    if (chats.length === 0) {
      deps.logger.error(
        { alert: 'notice_unrouted', noticeId: notice._id, station: notice.stationCode },
        'community notice reached nobody: the station has no group and no officer',
      );
      return { ok: false, why: 'no-officers', zone: (await deps.zones.get(notice.zoneId)) ?? undefined };
    }
    const community = (await deps.zones.get(notice.zoneId)) ?? undefined;
    for (const chat of chats) {
      // The station group reads Thai; an officer alone reads their own language.
      await deps.notifier.notify(
        chat === stationGroup?._id ? { kind: 'group', groupId: chat } : { kind: 'person', userId: chat },
        { kind: 'community-notice', notice, ...(community ? { community } : {}) },
        { purpose: 'notice-card', dedupeKey: `${notice._id}:card:${chat}` },
      );
    }
    notice = (await deps.notices.setSentTo(notice._id, chats)) ?? notice;
    deps.logger.info({ noticeId: notice._id, groupId, chats: chats.length }, 'community notice sent for approval');
    return { ok: true, notice, reached: stationGroup ? 'group' : 'officers' };
  }

  async decide(
    noticeId: string,
    verdict: 'approve' | 'reject',
    actor: { userId?: string; groupId?: string },
  ): Promise<DecideResult> {
    const { deps } = this;
    const found = await deps.notices.get(noticeId);
    if (!found) return { ok: false, why: 'unknown' };
    const check = await deps.officers.check(actor, found.stationCode, { noticeId });
    if (!check.ok) return { ok: false, why: check.why, notice: found };
    const decided = await deps.notices.decide(noticeId, {
      status: verdict === 'approve' ? 'approved' : 'rejected',
      decidedAt: deps.clock.now(),
      decidedBy: check.officer._id,
      deciderName: check.name,
    });
    if (!decided) return { ok: false, why: 'decided', notice: (await deps.notices.get(noticeId)) ?? found };
    deps.logger.info({ noticeId, verdict, officer: check.officer._id }, 'community notice decided');
    if (verdict === 'reject') {
      await this.tellGroup(decided, 'rejected');
      return { ok: true, notice: decided, officerName: check.name };
    }
    const { broadcast, run } = await deps.broadcasts.create({
      audience: { kind: 'zones', zoneIds: [decided.zoneId] },
      text: { th: decided.text },
      schedule: { kind: 'now' },
      origin: {
        kind: 'community',
        noticeId: decided._id,
        groupId: decided.groupId,
        zoneId: decided.zoneId,
        approvedBy: check.officer._id,
        ...(check.name ? { approverName: check.name } : {}),
      },
    });
    const notice = (await deps.notices.setBroadcast(noticeId, broadcast._id)) ?? decided;
    if (run?.state === 'held') await this.tellGroup(notice, 'held');
    return { ok: true, notice, officerName: check.name, ...(run ? { run } : {}) };
  }

  private async tellGroup(notice: CommunityNotice, outcome: 'rejected' | 'held'): Promise<void> {
    const station = (await this.deps.stations.get(notice.stationCode)) ?? undefined;
    await this.deps.notifier.notify(
      { kind: 'group', groupId: notice.groupId },
      { kind: 'community-notice-outcome', text: notice.text, outcome, station, stationCode: notice.stationCode },
      { purpose: `notice-${outcome}`, dedupeKey: `${notice._id}:${outcome}` },
    );
  }
}
