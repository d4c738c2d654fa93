import type { Histogram, Counter } from 'prom-client';
import {
  officerPush,
  positionUpdate,
  sosCard,
  sosGroupUpdate,
  sosPersonUpdate,
  sosToPerson,
  stationOrCommandCentre,
} from '../../../flex-templates/sos';
import type { Texts } from '../../i18n/i18n';
import type { Logger } from '../../logger';
import type { LineMessage } from '../../messaging/line-gateway';
import type { Messenger } from '../../messaging/messenger';
import type { AlertRepository } from '../../store/repositories/alert-repository';
import type { GroupRepository } from '../../store/repositories/group-repository';
import type { PinRepository } from '../../store/repositories/pin-repository';
import type { StationRepository } from '../../store/repositories/station-repository';
import type { UserRepository } from '../../store/repositories/user-repository';
import type { Clock } from '../../util/clock';
import { ANY_STATION, type OfficerGate } from '../officer-gate';
import type { Language } from '../people';
import type { Station } from '../places';
import type { ZoneLocator } from '../reports/case-service';
import {
  DEFAULT_LADDER_MINUTES,
  FALSE_ALARM_WINDOW_MS,
  NO_STATION,
  SOS_PIN_MAX_AGE_MS,
  canMoveAlert,
  type AlertPosition,
  type AlertStatus,
  type SosAlert,
} from './alert';

export interface SosServiceDeps {
  alerts: AlertRepository;
  users: UserRepository;
  groups: GroupRepository;
  stations: StationRepository;
  pins: PinRepository;
  zones: ZoneLocator;
  messenger: Messenger;
  texts: Texts;
  clock: Clock;
  logger: Logger;
  commandCentreGroupId?: string;
  metrics: {
    timeToAck: Histogram<'station'>;
    raised: Counter<'station' | 'routed_by'>;
    escalations: Counter<'step'>;
  };
  officers: OfficerGate;
  /** The station that looks after a zone (for the person's home zone). */
  zoneStation(zoneId: string): Promise<string | undefined>;
}

export type SosActResult =
  | { ok: true; alert: SosAlert; groupMessage: LineMessage }
  | {
      ok: false;
      why: 'unknown' | 'no-user-id' | 'not-officer' | 'invalid-transition' | 'already-owned';
      alert?: SosAlert;
      station?: Station;
    };

/**
 * SOS: raise an alert at once (before anything slow), forward positions as they come, climb the
 * escalation ladder while nobody acknowledges, and tell the person what is happening at every step.
 * Every planned send carries a dedupe key, so a re-run after a crash reaches LINE once.
 */
export class SosService {
  constructor(private readonly deps: SosServiceDeps) {}

  /** The person pressed SOS (or said so). Never refused; a second press joins the open alert. */
  async raise(
    person: { userId: string; lang: Language; name?: string },
    sourceEventId: string,
  ): Promise<LineMessage[]> {
    const { deps } = this;
    const t = deps.texts.t(person.lang);
    const open = await deps.alerts.openFor(person.userId);
    if (open && open.sourceEventId !== sourceEventId) {
      deps.logger.info({ alertId: open._id, userId: person.userId }, 'SOS pressed again: joined the open alert');
      return [sosToPerson(t, 'joined', { alertId: open._id })];
    }
    // The same event handled again (a restart mid-way): re-send with the same keys, never raise twice.
    const alert = open ?? (await this.create(person, sourceEventId));
    const station = (await deps.stations.get(alert.stationCode)) ?? undefined;
    const reached = await this.sendFirstAlert(alert, station);
    if (!reached) {
      deps.logger.error(
        { alert: 'sos_unrouted', alertId: alert._id },
        'SOS reached nobody: no station group, no command centre, no officer',
      );
      return [sosToPerson(t, 'unrouted')];
    }
    const ladder = this.ladderOf(station);
    return [
      sosToPerson(t, alert.position ? 'alertedWithPin' : 'alerted', {
        station: stationOrCommandCentre(t, alert.routedBy === 'command-centre' ? undefined : station, person.lang),
        first: ladder[0]!,
        second: ladder[1] ?? ladder[0]!,
      }),
    ];
  }

  /** A pin from a person with an open alert: the alert's position, forwarded to whoever was alerted. */
  async position(userId: string, lang: Language, position: AlertPosition): Promise<LineMessage[] | undefined> {
    const { deps } = this;
    const open = await deps.alerts.openFor(userId);
    if (!open) return undefined;
    const updated = (await deps.alerts.addPosition(open._id, position)) ?? open;
    const messages = positionUpdate(deps.texts.t('th'), updated, 'th');
    for (const groupId of this.alertedGroups(updated, await deps.stations.get(updated.stationCode))) {
      await deps.messenger.push(groupId, messages, 'sos-position', {
        dedupeKey: `${updated._id}:pos:${position.at}:${groupId}`,
        orderKey: `${groupId}:${updated._id}`,
        urgent: true,
      });
    }
    const station = updated.stationCode === NO_STATION ? await this.assignStation(updated, position) : undefined;
    const t = deps.texts.t(lang);
    return [
      station
        ? sosToPerson(t, 'locationForwardedTo', { station: stationOrCommandCentre(t, station, lang) })
        : sosToPerson(t, 'locationForwarded'),
    ];
  }

  /**
   * An alert that went to the command centre for want of a location finds its station with the first
   * pin inside a zone: that station's group gets the alert card (with the position) and its on-duty
   * officers a push, its officers can act on it, and the ladder goes on with them. The command centre
   * keeps getting positions. Without this, nobody at a station would ever see the alert.
   */
  private async assignStation(alert: SosAlert, position: AlertPosition): Promise<Station | undefined> {
    const { deps } = this;
    // Inside a zone only: outside every zone the nearest station is a guess, and the command centre,
    // which already has the position, is better placed to decide.
    const found = deps.zones.lookup(position);
    const station = found.inZone ? found.station : undefined;
    if (!station) return undefined;
    const groupId = (await deps.groups.stationGroup(station._id))?._id;
    const alsoAlerted = [...new Set([...(alert.alsoAlerted ?? []), ...(alert.groupId ? [alert.groupId] : [])])].filter(
      (g) => g !== groupId,
    );
    const moved = await deps.alerts.assignStation(alert._id, {
      stationCode: station._id,
      ...(groupId ? { groupId } : {}),
      alsoAlerted,
      at: position.at,
    });
    if (!moved) return undefined;
    deps.logger.info({ alertId: alert._id, station: station._id, groupId }, 'SOS found its station with the first pin');
    const reached = await this.sendFirstAlert(moved, station, `${alert._id}:station`);
    return reached ? station : undefined;
  }

  async act(alertId: string, to: AlertStatus, actor: { userId?: string; groupId?: string }): Promise<SosActResult> {
    const { deps } = this;
    const alert = await deps.alerts.get(alertId);
    if (!alert) return { ok: false, why: 'unknown' };
    // An alert no station has taken (no pin yet) is for any registered officer: the command centre
    // group that holds it is made of officers from every station.
    const gate = await deps.officers.check(actor, alert.stationCode === NO_STATION ? ANY_STATION : alert.stationCode, {
      alertId,
      to,
    });
    const station = (await deps.stations.get(alert.stationCode)) ?? undefined;
    if (!gate.ok) return { ok: false, why: gate.why, alert, station };
    const userId = gate.officer._id;
    if (to === 'acknowledged' && alert.ownerId && alert.ownerId !== userId)
      return { ok: false, why: 'already-owned', alert };
    if (!canMoveAlert(alert.status, to)) return { ok: false, why: 'invalid-transition', alert };
    const now = deps.clock.now();
    const officerName = gate.name;
    const set: Partial<SosAlert> = {};
    if (to === 'acknowledged') Object.assign(set, { ownerId: userId, ownerName: officerName, acknowledgedAt: now });
    if (to === 'resolved' || to === 'false_alarm') set.closedAt = now;
    const moved = await deps.alerts.transition(
      alert._id,
      alert.status,
      to,
      { at: now, by: userId, byName: officerName, from: alert.status, to },
      set,
    );
    if (!moved) {
      const fresh = (await deps.alerts.get(alert._id))!;
      return {
        ok: false,
        why: to === 'acknowledged' && fresh.ownerId ? 'already-owned' : 'invalid-transition',
        alert: fresh,
      };
    }
    let secondsToAck: number | undefined;
    if (to === 'acknowledged') {
      secondsToAck = Math.max(0, Math.round((now - alert.createdAt) / 1000));
      deps.metrics.timeToAck.observe({ station: alert.stationCode }, (now - alert.createdAt) / 1000);
      deps.logger.info({ alertId: alert._id, secondsToAck, officer: userId }, 'SOS acknowledged');
    }
    await deps.messenger.push(
      moved.userId,
      [sosPersonUpdate(deps.texts.t(moved.lang), moved, officerName, station, moved.lang)],
      'sos-person-update',
      { dedupeKey: `${moved._id}:person:${to}` },
    );
    return {
      ok: true,
      alert: moved,
      groupMessage: sosGroupUpdate(deps.texts.t('th'), moved, officerName, secondsToAck),
    };
  }

  /** One pass of the ladder (called by the scheduler under its lease). Returns the steps taken. */
  async escalateDue(): Promise<number> {
    const { deps } = this;
    const now = deps.clock.now();
    let steps = 0;
    for (const alert of await deps.alerts.dueForEscalation(now)) {
      try {
        if (await this.escalate(alert, now)) steps++;
      } catch (err) {
        deps.logger.error({ err, alertId: alert._id }, 'SOS escalation step failed; will retry on the next tick');
      }
    }
    return steps;
  }

  private async escalate(alert: SosAlert, now: number): Promise<boolean> {
    const { deps } = this;
    const station = (await deps.stations.get(alert.stationCode)) ?? undefined;
    const ladder = this.ladderOf(station);
    const step = alert.escalationStep;
    if (step >= ladder.length) return false;
    const minutes = ladder[step]!;
    const falseAlarms = await this.falseAlarms(alert.userId, now);
    const th = deps.texts.t('th');
    const person = deps.texts.t(alert.lang);
    const key = `${alert._id}:esc${step}`;
    if (step === 0) {
      // First rung: alert the group again and every officer of the station, on duty or not.
      const card = sosCard(th, { alert, station, falseAlarms, variant: { kind: 're-alert', minutes }, lang: 'th' });
      // A group bound since the alert was raised can still take it.
      const groupId = alert.groupId ?? (await this.route(alert.userId, now)).groupId;
      if (groupId)
        await deps.messenger.push(groupId, [card], 'sos-re-alert', {
          dedupeKey: `${key}:group`,
          orderKey: `${groupId}:${alert._id}`,
          urgent: true,
        });
      const officers = (await deps.users.officersOf(alert.stationCode)).map((u) => u._id);
      if (officers.length > 0) {
        await deps.messenger.multicast(
          officers,
          [officerPush(th, alert, station, 'th'), card],
          'sos-re-alert-officers',
          { dedupeKey: `${key}:officers`, urgent: true },
        );
      }
      await deps.messenger.push(alert.userId, [sosToPerson(person, 'stillAlerting')], 'sos-still-alerting', {
        dedupeKey: `${key}:person`,
      });
    } else {
      // Later rungs: the district or provincial command centre.
      const target = station?.escalationGroupId ?? deps.commandCentreGroupId;
      const card = sosCard(th, { alert, station, falseAlarms, variant: { kind: 'escalated', minutes }, lang: 'th' });
      if (target)
        await deps.messenger.push(target, [card], 'sos-escalated', {
          dedupeKey: `${key}:command`,
          orderKey: `${target}:${alert._id}`,
          urgent: true,
        });
      else
        deps.logger.error(
          { alert: 'sos_no_escalation_group', alertId: alert._id, station: alert.stationCode },
          'SOS ladder has no escalation group to reach',
        );
      await deps.messenger.push(alert.userId, [sosToPerson(person, 'escalated')], 'sos-escalated-person', {
        dedupeKey: `${key}:person`,
      });
    }
    const next = ladder[step + 1];
    const recorded = await deps.alerts.escalated(
      alert._id,
      step,
      next === undefined ? undefined : alert.createdAt + next * 60_000,
      now,
    );
    deps.metrics.escalations.inc({ step: String(step + 1) });
    deps.logger.warn(
      { alertId: alert._id, step: step + 1, minutes, recorded: Boolean(recorded) },
      'SOS not acknowledged: escalated',
    );
    return true;
  }

  private async create(
    person: { userId: string; lang: Language; name?: string },
    sourceEventId: string,
  ): Promise<SosAlert> {
    const { deps } = this;
    const now = deps.clock.now();
    const route = await this.route(person.userId, now);
    const station = route.station;
    const ladder = this.ladderOf(station);
    const alert: SosAlert = {
      _id: await deps.alerts.nextId(station?._id ?? NO_STATION, now),
      userId: person.userId,
      ...(person.name ? { userName: person.name } : {}),
      lang: person.lang,
      stationCode: station?._id ?? NO_STATION,
      ...(route.groupId ? { groupId: route.groupId } : {}),
      routedBy: route.by,
      sourceEventId,
      status: 'new',
      ...(route.position ? { position: route.position } : {}),
      positions: route.position ? [route.position] : [],
      escalationStep: 0,
      nextEscalationAt: now + ladder[0]! * 60_000,
      audit: [],
      createdAt: now,
      updatedAt: now,
    };
    await deps.alerts.create(alert);
    deps.metrics.raised.inc({ station: alert.stationCode, routed_by: route.by });
    return alert;
  }

  /**
   * Which station and group: the station of the person's pin from the last 15 minutes, else of
   * their home zone, else the command centre. When neither has a group, the first station with a bound group takes it and the
   * log says so loudly: an SOS must reach somebody.
   */
  private async route(
    userId: string,
    now: number,
  ): Promise<{ station?: Station; groupId?: string; by: SosAlert['routedBy']; position?: AlertPosition }> {
    const { deps } = this;
    const pin = await deps.pins.recent(userId, now, SOS_PIN_MAX_AGE_MS);
    let station: Station | undefined;
    let position: AlertPosition | undefined;
    let groupId: string | undefined;
    if (pin) {
      station = deps.zones.lookup(pin).station;
      position = { lat: pin.lat, lng: pin.lng, ...(pin.address ? { address: pin.address } : {}), at: pin.at };
      groupId = station ? (await deps.groups.stationGroup(station._id))?._id : undefined;
    }
    let by: SosAlert['routedBy'] = 'pin';
    if (!pin) {
      const home = (await deps.users.get(userId))?.homeZoneId;
      const code = home ? await deps.zoneStation(home) : undefined;
      station = code ? ((await deps.stations.get(code)) ?? undefined) : undefined;
      groupId = station ? (await deps.groups.stationGroup(station._id))?._id : undefined;
      by = groupId ? 'home-zone' : 'command-centre';
    }
    groupId ??= deps.commandCentreGroupId;
    if (groupId) return { station, groupId, by, ...(position ? { position } : {}) };
    for (const candidate of await deps.stations.all()) {
      const group = await deps.groups.stationGroup(candidate._id);
      if (group) {
        deps.logger.warn(
          { station: candidate._id },
          'SOS with no station group for its pin and no COMMAND_CENTRE_GROUP_ID: routed to the first bound station group',
        );
        return { station: station ?? candidate, groupId: group._id, by: 'fallback', ...(position ? { position } : {}) };
      }
    }
    return { station, by: 'fallback', ...(position ? { position } : {}) };
  }

  /** Sends the first alert; false when nobody at all could be reached (no group, no officer). */
  private async sendFirstAlert(
    alert: SosAlert,
    station: Station | undefined,
    key = `${alert._id}:alert`,
  ): Promise<boolean> {
    const { deps } = this;
    const th = deps.texts.t('th');
    const falseAlarms = await this.falseAlarms(alert.userId, alert.createdAt);
    const card = sosCard(th, { alert, station, falseAlarms, variant: { kind: 'first' }, lang: 'th' });
    // Its own order key: one alert's retries must not hold up another person's alert to the same group.
    // Keys name the send (a station found later is another send than the first one: another key).
    if (alert.groupId)
      await deps.messenger.push(alert.groupId, [card], 'sos-alert', {
        dedupeKey: `${key}:group`,
        orderKey: `${alert.groupId}:${alert._id}`,
        urgent: true,
      });
    const onDuty = (await deps.users.officersOf(alert.stationCode, true)).map((u) => u._id);
    if (onDuty.length > 0) {
      await deps.messenger.multicast(onDuty, [officerPush(th, alert, station, 'th'), card], 'sos-alert-officers', {
        dedupeKey: `${key}:duty`,
        urgent: true,
      });
    }
    return Boolean(alert.groupId) || onDuty.length > 0;
  }

  private alertedGroups(alert: SosAlert, station: Station | null): string[] {
    const groups = new Set<string>(alert.alsoAlerted ?? []);
    if (alert.groupId) groups.add(alert.groupId);
    if (alert.escalationStep >= 2) {
      const target = station?.escalationGroupId ?? this.deps.commandCentreGroupId;
      if (target) groups.add(target);
    }
    return [...groups];
  }

  private ladderOf(station: Station | undefined | null): number[] {
    const ladder = station?.sosLadderMinutes;
    return ladder && ladder.length > 0 ? ladder : DEFAULT_LADDER_MINUTES;
  }

  private falseAlarms(userId: string, now: number): Promise<number> {
    return this.deps.alerts.falseAlarmsSince(userId, now - FALSE_ALARM_WINDOW_MS);
  }
}
