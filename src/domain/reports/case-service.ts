import { groupUpdate, reportCard, reporterUpdate } from '../../../flex-templates/report-card';
import type { Texts } from '../../i18n/i18n';
import type { Logger } from '../../logger';
import type { LineMessage } from '../../messaging/line-gateway';
import type { Messenger } from '../../messaging/messenger';
import type { CaseRepository } from '../../store/repositories/case-repository';
import type { GroupRepository } from '../../store/repositories/group-repository';
import type { StationRepository } from '../../store/repositories/station-repository';
import type { Clock } from '../../util/clock';
import type { OfficerGate } from '../officer-gate';
import type { Geocoder } from '../../geo/geocoder';
import type { Language } from '../people';
import type { LatLng, Station, Zone, ZoneLookup } from '../places';
import type { Case, CaseLocation, CasePhoto, CaseStatus, RejectReason } from './case';
import { canTransition } from './case';

export interface ZoneLocator {
  lookup(point: LatLng): ZoneLookup;
}

export interface ReportInput {
  reporterId: string;
  reporterName?: string;
  reporterLanguage: Language;
  category: string;
  description: string;
  photos: CasePhoto[];
  location: CaseLocation;
  anonymous: boolean;
}

export class NoStationError extends Error {
  constructor() {
    super('no police station is configured: cannot route a case');
    this.name = 'NoStationError';
  }
}

export type ActResult =
  | { ok: true; c: Case; officerName: string; groupMessage: LineMessage }
  | { ok: false; why: 'unknown-case' }
  | { ok: false; why: 'no-user-id' }
  | { ok: false; why: 'not-officer'; c: Case; station?: Station }
  | { ok: false; why: 'invalid-transition'; c: Case }
  | { ok: false; why: 'already-owned'; c: Case };

export interface CaseServiceDeps {
  cases: CaseRepository;
  stations: StationRepository;
  groups: GroupRepository;
  officers: OfficerGate;
  zones: ZoneLocator & { zone?(id: string): Zone | undefined };
  geocoder: Geocoder;
  messenger: Messenger;
  texts: Texts;
  clock: Clock;
  logger: Logger;
  commandCentreGroupId?: string;
  /** https URL for a stored photo, when the hub has a public base URL. */
  mediaUrl?(token: string): string | undefined;
}

/** Reports: creating a case, routing its card to the right group, and moving it through its lifecycle. */
export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  /** Where a point belongs: the zone and station from the index. */
  locate(point: LatLng): ZoneLookup {
    return this.deps.zones.lookup(point);
  }

  async submit(input: ReportInput): Promise<{ c: Case; station: Station; inZone: boolean; routedTo?: string }> {
    const { deps } = this;
    const now = deps.clock.now();
    const where = deps.zones.lookup(input.location);
    const station = where.station;
    if (!station) throw new NoStationError();
    const zone = where.zones[0];
    // A Thai address for the card; the geocoder has its own short timeout and cache and never throws.
    const location: CaseLocation = { ...input.location };
    if (deps.geocoder.enabled && !location.geocodedAddress) {
      const address = await deps.geocoder.reverse(input.location, 'th');
      if (address) location.geocodedAddress = address;
    }
    const group = await deps.groups.stationGroup(station._id);
    const groupId = group?._id ?? deps.commandCentreGroupId;
    const c: Case = {
      _id: await deps.cases.nextCaseNumber(station._id, now),
      kind: 'report',
      stationCode: station._id,
      ...(zone ? { zoneId: zone._id } : {}),
      inZone: where.inZone,
      ...(groupId ? { groupId } : {}),
      category: input.category,
      description: input.description,
      photos: input.photos,
      location,
      reporterId: input.reporterId,
      ...(input.reporterName && !input.anonymous ? { reporterName: input.reporterName } : {}),
      anonymous: input.anonymous,
      reporterLanguage: input.reporterLanguage,
      status: 'new',
      audit: [],
      createdAt: now,
      updatedAt: now,
    };
    await deps.cases.create(c);
    if (groupId) {
      const photo = c.photos[0];
      const card = reportCard(deps.texts.t('th'), {
        c,
        station,
        zone,
        lang: 'th',
        photoUrl: photo ? deps.mediaUrl?.(photo.token) : undefined,
      });
      await deps.messenger.push(groupId, [card], 'report-card');
    } else {
      deps.logger.error(
        { alert: 'case_unrouted', caseId: c._id, station: station._id },
        'no station group and no command-centre group: case stored but not posted',
      );
    }
    return { c, station, inZone: where.inZone, routedTo: groupId };
  }

  /**
   * An officer's tap on a card. Honoured only from a registered officer of the case's station and
   * only for a valid transition; the first acknowledge wins. Everything refused is logged.
   */
  async act(
    caseId: string,
    to: CaseStatus,
    actor: { userId?: string; groupId?: string },
    reason?: RejectReason,
  ): Promise<ActResult> {
    const { deps } = this;
    const c = await deps.cases.get(caseId);
    if (!c) return { ok: false, why: 'unknown-case' };
    const gate = await deps.officers.check(actor, c.stationCode, { caseId, to });
    if (!gate.ok) {
      return gate.why === 'not-officer'
        ? { ok: false, why: 'not-officer', c, station: (await deps.stations.get(c.stationCode)) ?? undefined }
        : { ok: false, why: gate.why };
    }
    const userId = gate.officer._id;
    if (to === 'acknowledged' && c.ownerId && c.ownerId !== userId) return { ok: false, why: 'already-owned', c };
    if (!canTransition(c.status, to)) {
      deps.logger.info({ caseId, from: c.status, to, userId }, 'invalid case transition refused');
      return { ok: false, why: 'invalid-transition', c };
    }
    const now = deps.clock.now();
    const officerName = gate.name;
    const set: Partial<Case> = {};
    if (to === 'acknowledged') Object.assign(set, { ownerId: userId, ownerName: officerName, acknowledgedAt: now });
    if (to === 'resolved' || to === 'referred' || to === 'rejected') set.closedAt = now;
    if (to === 'rejected') set.rejectReason = reason ?? 'false_report';
    const updated = await deps.cases.transition(
      c._id,
      c.status,
      to,
      {
        at: now,
        by: userId,
        byName: officerName,
        from: c.status,
        to,
        ...(to === 'rejected' ? { reason: set.rejectReason } : {}),
      },
      set,
    );
    if (!updated) {
      // Someone else moved it between our read and our write.
      const fresh = (await deps.cases.get(c._id))!;
      if (to === 'acknowledged' && fresh.ownerId && fresh.ownerId !== userId)
        return { ok: false, why: 'already-owned', c: fresh };
      return { ok: false, why: 'invalid-transition', c: fresh };
    }
    const station = (await deps.stations.get(updated.stationCode)) ?? undefined;
    const lang = updated.reporterLanguage;
    await deps.messenger.push(
      updated.reporterId,
      [reporterUpdate(deps.texts.t(lang), updated, officerName, station, lang)],
      'report-update',
    );
    return { ok: true, c: updated, officerName, groupMessage: groupUpdate(deps.texts.t('th'), updated, officerName) };
  }

  myCases(reporterId: string): Promise<Case[]> {
    return this.deps.cases.byReporter(reporterId, 10);
  }
}
