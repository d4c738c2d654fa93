import type { Logger } from '../../logger';
import type { CaseRepository } from '../../store/repositories/case-repository';
import type { GroupRepository } from '../../store/repositories/group-repository';
import type { StationRepository } from '../../store/repositories/station-repository';
import type { Clock } from '../../util/clock';
import type { OfficerGate } from '../officer-gate';
import type { Geocoder } from '../../geo/geocoder';
import type { Language } from '../people';
import type { LatLng, Station, Zone, ZoneLookup } from '../places';
import type { Notifier } from '../notices';
import type { Case, CaseLocation, CasePhoto, CaseStatus, RejectReason } from './case';
import { canTransition } from './case';
import { ERASED } from '../privacy/privacy-request';

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
  /** Names the step that sends it: the same key again (a retry, a double tap elsewhere) makes no second case. */
  submissionKey?: string;
}

export class NoStationError extends Error {
  constructor() {
    super('no police station is configured: cannot route a case');
    this.name = 'NoStationError';
  }
}

export type ActResult =
  | { ok: true; c: Case; officerName: string }
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
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  commandCentreGroupId?: string;
}

/**
 * Where a case went: its station's group, the command centre (the station has no group), or nowhere
 * yet (no group and no command centre): it waits, and is posted when its station's group is bound.
 */
export type CaseRoute = 'station' | 'command-centre' | 'waiting';

/** Reports: creating a case, routing its card to the right group, and moving it through its lifecycle. */
export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  /** Where a point belongs: the zone and station from the index. */
  locate(point: LatLng): ZoneLookup {
    return this.deps.zones.lookup(point);
  }

  async submit(input: ReportInput): Promise<{ c: Case; station: Station; inZone: boolean; route: CaseRoute }> {
    const { deps } = this;
    const now = deps.clock.now();
    const where = deps.zones.lookup(input.location);
    if (!where.station) throw new NoStationError();
    // This step ran before (a retry after a crash or an expired claim, or a tap handled elsewhere at
    // the same moment): the case it made is the answer, its card sent again under the same key.
    const earlier = input.submissionKey ? await deps.cases.bySubmission(input.submissionKey) : null;
    if (earlier) return this.post(earlier, where.inZone);
    const station = where.station;
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
      ...(input.submissionKey ? { submissionKey: input.submissionKey } : {}),
    };
    const stored = await deps.cases.createOnce(c);
    return this.post(stored.c, where.inZone, stored.created ? { station, zone, stationGroup: group?._id } : undefined);
  }

  /**
   * Sends a new case's card to its group, once: its retry key is named after the case, so the same
   * step run again sends it again and LINE delivers it once. `known`: what submit() already looked up.
   */
  private async post(
    c: Case,
    inZone: boolean,
    known?: { station: Station; zone?: Zone; stationGroup?: string },
  ): Promise<{ c: Case; station: Station; inZone: boolean; route: CaseRoute }> {
    const { deps } = this;
    const station = known?.station ?? (await deps.stations.get(c.stationCode))!;
    const zone = known ? known.zone : c.zoneId ? deps.zones.zone?.(c.zoneId) : undefined;
    const stationGroup = known ? known.stationGroup : (await deps.groups.stationGroup(c.stationCode))?._id;
    if (c.groupId) {
      await deps.notifier.notify(
        { kind: 'group', groupId: c.groupId },
        { kind: 'case-card', c, station, zone },
        { purpose: 'report-card', dedupeKey: `${c._id}:card` },
      );
    } else {
      deps.logger.error(
        { alert: 'case_unrouted', caseId: c._id, station: c.stationCode },
        'no station group and no command-centre group: case stored, waiting for the station group to be bound',
      );
    }
    const route: CaseRoute = !c.groupId ? 'waiting' : c.groupId === stationGroup ? 'station' : 'command-centre';
    return { c, station, inZone, route };
  }

  /**
   * Posts the open cases that reached no group (filed before any group was bound), each to its
   * station's group or else the command centre, and tells each reporter it has now arrived. Called
   * when a station group is bound, and at start. The card's key makes a re-run send it once.
   */
  async routeWaiting(options: { stationCode?: string } = {}): Promise<number> {
    const { deps } = this;
    let posted = 0;
    for (const c of await deps.cases.unrouted({ stationCode: options.stationCode, openOnly: true })) {
      const stationGroup = (await deps.groups.stationGroup(c.stationCode))?._id;
      const groupId = stationGroup ?? deps.commandCentreGroupId;
      if (!groupId) continue;
      const station = (await deps.stations.get(c.stationCode)) ?? undefined;
      const zone = c.zoneId ? deps.zones.zone?.(c.zoneId) : undefined;
      await deps.notifier.notify(
        { kind: 'group', groupId },
        { kind: 'case-card', c, station, zone },
        { purpose: 'report-card-late', dedupeKey: `${c._id}:card:${groupId}` },
      );
      // Marked after the card is queued: a crash in between re-queues it under the same key (sent once).
      const routed = await deps.cases.markRouted(c._id, groupId, deps.clock.now());
      if (!routed) continue; // another run took it first
      await deps.notifier.notify(
        { kind: 'person', userId: c.reporterId, lang: c.reporterLanguage },
        { kind: 'case-reached', c: routed, station, to: stationGroup ? 'station' : 'command-centre' },
        { purpose: 'report-reached', dedupeKey: `${c._id}:reached` },
      );
      deps.logger.info({ caseId: c._id, groupId }, 'waiting case posted');
      posted++;
    }
    return posted;
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
    return this.move(c, to, { by: gate.officer._id, name: gate.name }, reason);
  }

  /**
   * A change from the admin API (the dashboard): the same rules as a tap (a valid step, the first
   * acknowledge wins), recorded under the admin token's name, the reporter told as after a tap, and
   * the case's group told in the words it would have seen had the tap been there.
   */
  async actFromWeb(
    caseId: string,
    to: CaseStatus,
    admin: { by: string; name: string },
    reason?: RejectReason,
  ): Promise<ActResult> {
    const c = await this.deps.cases.get(caseId);
    if (!c) return { ok: false, why: 'unknown-case' };
    const result = await this.move(c, to, { ...admin, via: 'web' }, reason);
    if (result.ok && result.c.groupId)
      await this.deps.notifier.notify(
        { kind: 'group', groupId: result.c.groupId },
        { kind: 'case-group-update', c: result.c, officer: admin.name },
        { purpose: 'case-update', dedupeKey: `${result.c._id}:web:${to}` },
      );
    return result;
  }

  /** A valid step by whoever may take it: compare-and-set, audit, and the reporter told. */
  private async move(
    c: Case,
    to: CaseStatus,
    actor: { by: string; name: string; via?: 'web' },
    reason?: RejectReason,
  ): Promise<ActResult> {
    const { deps } = this;
    const caseId = c._id;
    const userId = actor.by;
    if (to === 'acknowledged' && c.ownerId && c.ownerId !== userId) return { ok: false, why: 'already-owned', c };
    if (!canTransition(c.status, to)) {
      deps.logger.info({ caseId, from: c.status, to, userId }, 'invalid case transition refused');
      return { ok: false, why: 'invalid-transition', c };
    }
    const now = deps.clock.now();
    const officerName = actor.name;
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
        ...(actor.via ? { via: actor.via } : {}),
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
    // A reporter whose data was erased (PDPA) can no longer be reached: the case goes on without them.
    if (updated.reporterId !== ERASED)
      await deps.notifier.notify(
        { kind: 'person', userId: updated.reporterId, lang: updated.reporterLanguage },
        { kind: 'case-update', c: updated, officer: officerName, station },
        { purpose: 'report-update' },
      );
    return { ok: true, c: updated, officerName };
  }

  myCases(reporterId: string): Promise<Case[]> {
    return this.deps.cases.byReporter(reporterId, 10);
  }
}
