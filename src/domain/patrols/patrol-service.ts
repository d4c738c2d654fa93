import type { Logger } from '../../logger';
import type { LineMessage } from '../../messaging/line-gateway';
import type { GroupRepository } from '../../store/repositories/group-repository';
import type { PatrolRepository } from '../../store/repositories/patrol-repository';
import type { SubscriptionRepository } from '../../store/repositories/subscription-repository';
import type { UserRepository } from '../../store/repositories/user-repository';
import type { Clock } from '../../util/clock';
import { BANGKOK_OFFSET_MS, inWindow } from '../bangkok-time';
import { MAX_MULTICAST } from '../broadcasts/broadcast';
import type { BatchSender, QuotaSource } from '../broadcasts/broadcast-service';
import type { Language, User } from '../people';
import type { LatLng, Zone, ZoneLookup } from '../places';
import { DEFAULT_PATROL_SETTINGS, NEAR_M, type PatrolCheckIn, type PatrolDigest, type PatrolSettings } from './patrol';

/** Renders a digest for residents in one language, or for a community group ('multi'). */
export interface DigestRenderer {
  render(digest: PatrolDigest, zone: Zone, lang: Language | 'multi'): LineMessage[];
}

/** A digest never reaches further back than this (the first one after a quiet night covers the night). */
const MAX_DIGEST_SPAN_MS = 12 * 60 * 60_000;
/** "Last patrol near me" looks back this far. */
const NEAR_LOOKBACK_MS = 24 * 60 * 60_000;
const MAX_PLACES = 3;

/**
 * Patrol check-ins (an officer's pin, stored with its zone and time), the zone digests that go to
 * community groups and to residents who asked for patrol news (at most one per period, only when
 * there were check-ins, never in the station's quiet hours), and "last patrol near me".
 */
export class PatrolService {
  constructor(
    private readonly deps: {
      patrols: PatrolRepository;
      subscriptions: SubscriptionRepository;
      users: Pick<UserRepository, 'many'>;
      groups: Pick<GroupRepository, 'communityGroups'>;
      zones: { lookup(point: LatLng): ZoneLookup; get(id: string): Promise<Zone | null> };
      sender: BatchSender;
      quota: QuotaSource;
      renderer: DigestRenderer;
      haversineM(a: LatLng, b: LatLng): number;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** `id`: stable for the event that carried the pin, so a re-handled event checks in once. */
  async checkIn(
    id: string,
    officer: User,
    position: LatLng & { place?: string },
    source: PatrolCheckIn['source'],
  ): Promise<{ checkIn: PatrolCheckIn; zone?: Zone }> {
    const where = this.deps.zones.lookup(position);
    const zone = where.inZone ? where.zones[0] : undefined;
    const checkIn = await this.deps.patrols.add({
      _id: id,
      officerId: officer._id,
      ...(officer.displayName ? { officerName: officer.displayName } : {}),
      stationCode: officer.stationCode ?? zone?.stationCode ?? '',
      ...(zone ? { zoneId: zone._id } : {}),
      lat: position.lat,
      lng: position.lng,
      ...(position.place ? { place: position.place } : {}),
      at: this.deps.clock.now(),
      source,
    });
    this.deps.logger.info({ checkInId: checkIn._id, officer: officer._id, zoneId: zone?._id }, 'patrol check-in');
    return { checkIn, ...(zone ? { zone } : {}) };
  }

  async settingsOf(stationCode: string): Promise<PatrolSettings> {
    return (
      (await this.deps.patrols.getSettings(stationCode)) ?? {
        _id: stationCode,
        ...DEFAULT_PATROL_SETTINGS,
        updatedAt: 0,
      }
    );
  }

  saveSettings(stationCode: string, settings: Omit<PatrolSettings, '_id' | 'updatedAt'>): Promise<PatrolSettings> {
    return this.deps.patrols.saveSettings({ _id: stationCode, ...settings, updatedAt: this.deps.clock.now() });
  }

  /** The scheduler's pass: a digest for every zone whose period is up and that had check-ins. */
  async digestTick(): Promise<number> {
    const now = this.deps.clock.now();
    const recent = await this.deps.patrols.since(now - MAX_DIGEST_SPAN_MS);
    const zoneIds = [...new Set(recent.map((c) => c.zoneId!))];
    let sent = 0;
    for (const zoneId of zoneIds) {
      if (await this.digestZone(zoneId, now)) sent++;
    }
    return sent;
  }

  /** The latest check-in within 500 m of a point, in the last day. */
  async lastNear(point: LatLng): Promise<{ checkIn: PatrolCheckIn; distanceM: number; zone?: Zone } | undefined> {
    const now = this.deps.clock.now();
    // A box a little larger than 500 m each way (a degree of latitude is ~111 km), then exact distance.
    const dLat = (NEAR_M * 1.1) / 111_000;
    const dLng = dLat / Math.max(0.2, Math.cos((point.lat * Math.PI) / 180));
    const candidates = await this.deps.patrols.inBox(now - NEAR_LOOKBACK_MS, {
      south: point.lat - dLat,
      north: point.lat + dLat,
      west: point.lng - dLng,
      east: point.lng + dLng,
    });
    for (const checkIn of candidates) {
      const distanceM = this.deps.haversineM(point, checkIn);
      if (distanceM <= NEAR_M) {
        const zone = checkIn.zoneId ? ((await this.deps.zones.get(checkIn.zoneId)) ?? undefined) : undefined;
        return { checkIn, distanceM, ...(zone ? { zone } : {}) };
      }
    }
    return undefined;
  }

  private async digestZone(zoneId: string, now: number): Promise<boolean> {
    const { deps } = this;
    const zone = await deps.zones.get(zoneId);
    if (!zone) return false;
    const settings = await this.settingsOf(zone.stationCode);
    if (settings.quietHours && inWindow(now, settings.quietHours)) return false;
    // Periods follow the Bangkok clock (hourly: on the hour); a digest covers the periods since the
    // last one, up to the start of the current period.
    const periodMs = settings.periodMinutes * 60_000;
    const cutoff = Math.floor((now + BANGKOK_OFFSET_MS) / periodMs) * periodMs - BANGKOK_OFFSET_MS;
    const last = await deps.patrols.lastDigest(zoneId);
    if (last && last.to >= cutoff) return false;
    const from = Math.max(last?.to ?? 0, now - MAX_DIGEST_SPAN_MS);
    const checkIns = (await deps.patrols.since(from, zoneId)).filter((c) => c.at <= cutoff);
    if (checkIns.length === 0) return false;

    const places: string[] = [];
    for (const c of [...checkIns].reverse()) {
      if (c.place && !places.includes(c.place)) places.push(c.place);
    }
    const digest: PatrolDigest = {
      _id: `${zoneId}:${cutoff}`,
      zoneId,
      stationCode: zone.stationCode,
      from: checkIns[0]!.at,
      to: cutoff,
      count: checkIns.length,
      places: places.slice(0, MAX_PLACES + 1),
      lastAt: checkIns.at(-1)!.at,
      state: 'sent',
      people: 0,
      groups: 0,
      createdAt: now,
    };
    if (!(await deps.patrols.addDigest(digest))) return false;

    const followers = await deps.subscriptions.followersOf([zoneId], { patrolNews: true });
    const groups = await deps.groups.communityGroups(zoneId);
    let needed = followers.size;
    for (const g of groups) needed += await deps.quota.groupMembers(g._id);
    const month = await deps.quota.month().catch(() => undefined);
    if (month?.limit !== undefined && needed > month.limit - month.used) {
      await deps.patrols.updateDigest(digest._id, { state: 'held' });
      deps.logger.error(
        { alert: 'patrol_digest_held_quota', digestId: digest._id, needed, limit: month.limit, used: month.used },
        'patrol digest not sent: it would pass the month’s LINE quota',
      );
      return false;
    }

    const byLanguage = new Map<Language, string[]>();
    const ids = [...followers.keys()];
    const users = new Map((await deps.users.many(ids)).map((u) => [u._id, u]));
    let people = 0;
    for (const id of ids) {
      const user = users.get(id);
      if (user && !user.following) continue;
      const lang = user?.chosenLanguage ?? user?.profileLanguage ?? followers.get(id) ?? 'th';
      byLanguage.set(lang, [...(byLanguage.get(lang) ?? []), id]);
      people++;
    }
    for (const [lang, recipients] of byLanguage) {
      const messages = deps.renderer.render(digest, zone, lang);
      for (let i = 0; i < recipients.length; i += MAX_MULTICAST) {
        await deps.sender.send({
          id: `${digest._id}:${lang}:${i / MAX_MULTICAST}`,
          kind: 'multicast',
          to: recipients.slice(i, i + MAX_MULTICAST),
          messages,
          purpose: 'patrol-digest',
        });
      }
    }
    const groupMessages = deps.renderer.render(digest, zone, 'multi');
    for (const g of groups) {
      await deps.sender.send({
        id: `${digest._id}:group:${g._id}`,
        kind: 'push',
        to: [g._id],
        messages: groupMessages,
        purpose: 'patrol-digest',
      });
    }
    await deps.patrols.updateDigest(digest._id, { people, groups: groups.length });
    deps.logger.info(
      { digestId: digest._id, checkIns: checkIns.length, people, groups: groups.length },
      'patrol digest sent',
    );
    return true;
  }
}
