import type { Histogram, Counter } from 'prom-client';
import type { Logger } from '../../logger';
import type { AlertRepository } from '../../store/repositories/alert-repository';
import type { GroupRepository } from '../../store/repositories/group-repository';
import type { PinRepository } from '../../store/repositories/pin-repository';
import type { StationRepository } from '../../store/repositories/station-repository';
import type { UserRepository } from '../../store/repositories/user-repository';
import type { Clock } from '../../util/clock';
import type { Notice, Notifier } from '../notices';
import { ANY_STATION, type OfficerGate } from '../officer-gate';
import type { Language } from '../people';
import type { Station } from '../places';
import type { ZoneLocator } from '../reports/case-service';
import {
  ALERT_MESSAGES_MAX,
  DEFAULT_LADDER_MINUTES,
  FALSE_ALARM_WINDOW_MS,
  NO_STATION,
  SOS_PIN_MAX_AGE_MS,
  canMoveAlert,
  type AlertMessage,
  type AlertPosition,
  type AlertStatus,
  type ForwardInput,
  type ForwardOutcome,
  type SosAlert,
  type SosCardVariant,
} from './alert';
import { ERASED } from '../privacy/privacy-request';
import { clipped } from '../../util/clipped';

export interface SosServiceDeps {
  alerts: AlertRepository;
  users: UserRepository;
  groups: GroupRepository;
  stations: StationRepository;
  pins: PinRepository;
  zones: ZoneLocator;
  notifier: Notifier;
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
  /** Fetches a photo, video or voice message from LINE and keeps it; undefined when that failed. */
  keepMedia(messageId: string): Promise<{ token: string; contentType: string } | undefined>;
}

/** What the person is told when they press SOS, as data (the bot layer says it in their language). */
export type RaiseOutcome =
  /** Raised and sent. `holder` is the station whose group has it; undefined: the command centre has it. */
  | { said: 'raised'; alert: SosAlert; holder?: Station; firstRungMinutes: number }
  /** Pressed again while one is open: joins it (the alert says whether someone has it). */
  | { said: 'joined'; alert: SosAlert }
  /** Nobody could be reached (no group, no command centre, no officer). */
  | { said: 'unrouted'; alert: SosAlert };

/** After a pin during an open alert: passed on (and to which station it brought in), or only kept. */
export type PositionOutcome = { said: 'forwarded'; station?: Station } | { said: 'kept' };

export type SosActResult =
  | { ok: true; alert: SosAlert; officer: string; secondsToAck?: number }
  | {
      ok: false;
      why: 'unknown' | 'no-user-id' | 'not-officer' | 'invalid-transition' | 'already-owned';
      alert?: SosAlert;
      station?: Station;
    };

/**
 * SOS: raise an alert at once (before anything slow), forward positions and whatever the person sends
 * to whoever holds it, climb the escalation ladder while nobody acknowledges, and say at every step
 * exactly what happened. Every planned send carries a dedupe key, so a re-run after a crash reaches
 * LINE once.
 */
export class SosService {
  constructor(private readonly deps: SosServiceDeps) {}

  /** The person pressed SOS (or said so). Never refused; a second press joins the open alert. */
  async raise(person: { userId: string; lang: Language; name?: string }, sourceEventId: string): Promise<RaiseOutcome> {
    const { deps } = this;
    const open = await deps.alerts.openFor(person.userId);
    if (open && open.sourceEventId !== sourceEventId) {
      deps.logger.info({ alertId: open._id, userId: person.userId }, 'SOS pressed again: joined the open alert');
      const reachable = open.groupId || (await this.pushedOfficers(open)).length > 0;
      return reachable ? { said: 'joined', alert: open } : { said: 'unrouted', alert: open };
    }
    // The same event handled again (a restart mid-way): re-send with the same keys, never raise twice.
    let holder: Station | undefined;
    let alert: SosAlert;
    if (open) {
      alert = open;
      holder = await this.holderOf(open);
    } else {
      const created = await this.create(person, sourceEventId);
      // Another press of this person's raised one at the same moment (on another instance): this one
      // joins it, or, when it was this very event handled twice at once, re-sends with the same keys.
      if ('raisedBy' in created) return this.raise(person, sourceEventId);
      ({ alert, holder } = created);
    }
    const station = (await deps.stations.get(alert.stationCode)) ?? undefined;
    const reached = await this.sendFirstAlert(alert, station);
    if (!reached) {
      deps.logger.error(
        { alert: 'sos_unrouted', alertId: alert._id },
        'SOS reached nobody: no station group, no command centre, no officer',
      );
      return { said: 'unrouted', alert };
    }
    return { said: 'raised', alert, holder, firstRungMinutes: this.ladderOf(station)[0]! };
  }

  /** A pin from a person with an open alert: the alert's position, forwarded to whoever holds it. */
  async position(userId: string, position: AlertPosition): Promise<PositionOutcome | undefined> {
    const { deps } = this;
    const open = await deps.alerts.openFor(userId);
    if (!open) return undefined;
    const updated = (await deps.alerts.addPosition(open._id, position)) ?? open;
    const reached = await this.toHolders(
      updated,
      { kind: 'sos-position', alert: updated },
      { purpose: 'sos-position', key: `${updated._id}:pos:${position.at}` },
    );
    const station = updated.stationCode === NO_STATION ? await this.assignStation(updated, position) : undefined;
    if (station) return { said: 'forwarded', station };
    return reached ? { said: 'forwarded' } : { said: 'kept' };
  }

  /**
   * Whatever the person sends while an alert is open (words, a photo, a video, a voice message) is
   * kept with the alert and passed on to the groups and officers that hold it. Undefined: no open alert.
   */
  async forward(userId: string, input: ForwardInput, eventId: string): Promise<ForwardOutcome | undefined> {
    const { deps } = this;
    const open = await deps.alerts.openFor(userId);
    if (!open) return undefined;
    if (input.type === 'other') return { said: 'unsupported' };
    // The same event handled again (after a crash): the message is already kept; re-send with the same keys.
    let message = open.messages?.find((m) => m.eventId === eventId);
    if (!message) {
      const at = deps.clock.now();
      if (input.type === 'text') {
        message = { eventId, at, type: 'text', text: clipped(input.text, 5000) };
      } else {
        const kept = await deps.keepMedia(input.messageId);
        if (!kept) return { said: 'failed' };
        message = {
          eventId,
          at,
          type: input.type,
          media: { ...kept, ...(input.durationMs ? { durationMs: input.durationMs } : {}) },
        };
      }
      if ((open.messages?.length ?? 0) < ALERT_MESSAGES_MAX) await deps.alerts.addMessage(open._id, message);
      else deps.logger.warn({ alertId: open._id }, 'alert keeps no more messages: passed on only');
    }
    const asMedia = message.type !== 'text' && deps.notifier.showsMedia;
    const reached = await this.toHolders(
      open,
      { kind: 'sos-forward', alert: open, message, asMedia },
      { purpose: 'sos-forward', key: `${open._id}:msg:${eventId}` },
    );
    if (!reached) return { said: 'kept' };
    return message.type === 'text' || asMedia ? { said: 'sent', type: message.type } : noted(message.type);
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
    // The person hears which station the officer is from (an HYI officer may take a command-centre alert).
    const officerStation = gate.officer.stationCode
      ? ((await deps.stations.get(gate.officer.stationCode)) ?? undefined)
      : undefined;
    return this.move(
      alert,
      station,
      to,
      { by: gate.officer._id, name: gate.name, station: officerStation },
      actor.groupId,
    );
  }

  /**
   * A change from the admin API (the dashboard): the same rules as a tap (a valid step, the first
   * acknowledge wins), recorded under the admin token's name; the person and every group holding
   * the alert are told as after a tap.
   */
  async actFromWeb(alertId: string, to: AlertStatus, admin: { by: string; name: string }): Promise<SosActResult> {
    const alert = await this.deps.alerts.get(alertId);
    if (!alert) return { ok: false, why: 'unknown' };
    const station = (await this.deps.stations.get(alert.stationCode)) ?? undefined;
    return this.move(alert, station, to, { ...admin, station, via: 'web' });
  }

  /** A valid step by whoever may take it: compare-and-set, audit, the person and the groups told. */
  private async move(
    alert: SosAlert,
    station: Station | undefined,
    to: AlertStatus,
    /** Who acts; `station` is theirs (the person is told where help comes from). */
    actor: { by: string; name: string; station?: Station; via?: 'web' },
    fromGroupId?: string,
  ): Promise<SosActResult> {
    const { deps } = this;
    const userId = actor.by;
    if (to === 'acknowledged' && alert.ownerId && alert.ownerId !== userId)
      return { ok: false, why: 'already-owned', alert };
    if (!canMoveAlert(alert.status, to)) return { ok: false, why: 'invalid-transition', alert };
    const now = deps.clock.now();
    const officerName = actor.name;
    const set: Partial<SosAlert> = {};
    if (to === 'acknowledged') Object.assign(set, { ownerId: userId, ownerName: officerName, acknowledgedAt: now });
    if (to === 'resolved' || to === 'false_alarm') set.closedAt = now;
    const moved = await deps.alerts.transition(
      alert._id,
      alert.status,
      to,
      { at: now, by: userId, byName: officerName, from: alert.status, to, ...(actor.via ? { via: actor.via } : {}) },
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
    if (moved.userId !== ERASED)
      await deps.notifier.notify(
        { kind: 'person', userId: moved.userId, lang: moved.lang },
        { kind: 'sos-person-update', alert: moved, officer: officerName, officerStation: actor.station },
        { purpose: 'sos-person-update', dedupeKey: `${moved._id}:person:${to}` },
      );
    // Every group holding the alert learns who took it; the chat the tap came from gets the answer itself.
    for (const groupId of this.holdingGroups(moved, station)) {
      if (groupId === fromGroupId) continue;
      await deps.notifier.notify(
        { kind: 'group', groupId },
        { kind: 'sos-group-update', alert: moved, officer: officerName, secondsToAck },
        {
          purpose: 'sos-update',
          dedupeKey: `${moved._id}:update:${to}:${groupId}`,
          orderKey: `${groupId}:${moved._id}`,
        },
      );
    }
    return { ok: true, alert: moved, officer: officerName, secondsToAck };
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

  /**
   * One rung. The first alerts the holding group again and every officer of the station, on duty or
   * not. Later ones bring in the escalation group (the station's, else the command centre) unless it
   * already holds the alert; then, and when there is none, the holding groups are alerted again. The
   * person is told exactly which of these happened.
   */
  private async escalate(alert: SosAlert, now: number): Promise<boolean> {
    const { deps } = this;
    const station = (await deps.stations.get(alert.stationCode)) ?? undefined;
    const ladder = this.ladderOf(station);
    const step = alert.escalationStep;
    if (step >= ladder.length) return false;
    const minutes = ladder[step]!;
    const falseAlarms = await this.falseAlarms(alert.userId, now);
    const key = `${alert._id}:esc${step}`;
    const realert = { alert, station, falseAlarms, variant: { kind: 're-alert', minutes } as SosCardVariant };
    const again: Notice = { kind: 'sos-card', ...realert };
    let did: 'realerted' | 'escalated' | 'nobody-more';
    if (step === 0) {
      // A group bound since the alert was raised can still take it, and keeps it from here on.
      let groupId = alert.groupId;
      if (!groupId) {
        groupId = (await this.route(alert.userId, now)).groupId;
        if (groupId) await deps.alerts.setGroup(alert._id, groupId, now);
      }
      if (groupId)
        await deps.notifier.notify({ kind: 'group', groupId }, again, {
          purpose: 'sos-re-alert',
          dedupeKey: `${key}:group`,
          orderKey: `${groupId}:${alert._id}`,
          urgent: true,
        });
      const officers = (await deps.users.officersOf(alert.stationCode)).map((u) => u._id);
      if (officers.length > 0) {
        await deps.notifier.notify(
          { kind: 'people', userIds: officers },
          { kind: 'sos-officer-alert', ...realert },
          { purpose: 'sos-re-alert-officers', dedupeKey: `${key}:officers`, urgent: true },
        );
      }
      did = groupId || officers.length > 0 ? 'realerted' : 'nobody-more';
    } else {
      const target = station?.escalationGroupId ?? deps.commandCentreGroupId;
      const holding = this.holdingGroups(alert, station);
      if (target && !holding.includes(target)) {
        const escalated: Notice = { ...again, kind: 'sos-card', variant: { kind: 'escalated', minutes } };
        await deps.notifier.notify({ kind: 'group', groupId: target }, escalated, {
          purpose: 'sos-escalated',
          dedupeKey: `${key}:command`,
          orderKey: `${target}:${alert._id}`,
          urgent: true,
        });
        did = 'escalated';
      } else {
        if (!target)
          deps.logger.error(
            { alert: 'sos_no_escalation_group', alertId: alert._id, station: alert.stationCode },
            'SOS ladder has no escalation group to reach: alerting the holding groups again',
          );
        // The escalation group already holds it (an alert at the command centre), or there is none:
        // nobody new to bring in, so whoever holds it is alerted again (never "escalated from" itself).
        for (const groupId of holding) {
          await deps.notifier.notify({ kind: 'group', groupId }, again, {
            purpose: 'sos-re-alert',
            dedupeKey: `${key}:again:${groupId}`,
            orderKey: `${groupId}:${alert._id}`,
            urgent: true,
          });
        }
        did = holding.length > 0 ? 'realerted' : 'nobody-more';
      }
    }
    await deps.notifier.notify(
      { kind: 'person', userId: alert.userId, lang: alert.lang },
      { kind: 'sos-ladder', alert, did },
      { purpose: step === 0 ? 'sos-still-alerting' : 'sos-escalated-person', dedupeKey: `${key}:person` },
    );
    const next = ladder[step + 1];
    const recorded = await deps.alerts.escalated(
      alert._id,
      step,
      next === undefined ? undefined : alert.createdAt + next * 60_000,
      now,
    );
    deps.metrics.escalations.inc({ step: String(step + 1) });
    deps.logger.warn(
      { alertId: alert._id, step: step + 1, minutes, did, recorded: Boolean(recorded) },
      'SOS not acknowledged: escalated',
    );
    return true;
  }

  private async create(
    person: { userId: string; lang: Language; name?: string },
    sourceEventId: string,
  ): Promise<{ alert: SosAlert; holder?: Station } | { raisedBy: 'another press' }> {
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
      openFor: person.userId,
      status: 'new',
      ...(route.position ? { position: route.position } : {}),
      positions: route.position ? [route.position] : [],
      escalationStep: 0,
      nextEscalationAt: now + ladder[0]! * 60_000,
      audit: [],
      createdAt: now,
      updatedAt: now,
    };
    if (!(await deps.alerts.createOpen(alert))) {
      deps.logger.info(
        { alertId: alert._id, userId: person.userId },
        'SOS raised at the same moment by another press: joined it (its number is skipped)',
      );
      return { raisedBy: 'another press' };
    }
    deps.metrics.raised.inc({ station: alert.stationCode, routed_by: route.by });
    return { alert, holder: route.holder };
  }

  /**
   * Which station and group: the station of the person's pin from the last 15 minutes, else of
   * their home zone, else the command centre. When neither has a group, the first station with a bound group takes it and the
   * log says so loudly: an SOS must reach somebody. `holder` is the station whose group got it
   * (undefined when the command centre did), which is what the person is told.
   */
  private async route(
    userId: string,
    now: number,
  ): Promise<{
    station?: Station;
    groupId?: string;
    by: SosAlert['routedBy'];
    position?: AlertPosition;
    holder?: Station;
  }> {
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
    const at = position ? { position } : {};
    if (groupId) return { station, groupId, by, holder: station, ...at };
    if (deps.commandCentreGroupId) return { station, groupId: deps.commandCentreGroupId, by, ...at };
    for (const candidate of await deps.stations.all()) {
      const group = await deps.groups.stationGroup(candidate._id);
      if (group) {
        deps.logger.warn(
          { station: candidate._id },
          'SOS with no station group for its pin and no COMMAND_CENTRE_GROUP_ID: routed to the first bound station group',
        );
        return { station: station ?? candidate, groupId: group._id, by: 'fallback', holder: candidate, ...at };
      }
    }
    return { station, by: 'fallback', holder: station, ...at };
  }

  /** Who holds an alert raised earlier (the same event handled again): the station of its group, if any. */
  private async holderOf(alert: SosAlert): Promise<Station | undefined> {
    if (!alert.groupId || alert.groupId === this.deps.commandCentreGroupId) return undefined;
    const group = await this.deps.groups.get(alert.groupId);
    return group?.stationCode ? ((await this.deps.stations.get(group.stationCode)) ?? undefined) : undefined;
  }

  /** Sends the first alert; false when nobody at all could be reached (no group, no officer). */
  private async sendFirstAlert(
    alert: SosAlert,
    station: Station | undefined,
    key = `${alert._id}:alert`,
  ): Promise<boolean> {
    const { deps } = this;
    const falseAlarms = await this.falseAlarms(alert.userId, alert.createdAt);
    const variant: SosCardVariant = { kind: 'first' };
    // Its own order key: one alert's retries must not hold up another person's alert to the same group.
    // Keys name the send (a station found later is another send than the first one: another key).
    if (alert.groupId)
      await deps.notifier.notify(
        { kind: 'group', groupId: alert.groupId },
        { kind: 'sos-card', alert, station, falseAlarms, variant },
        { purpose: 'sos-alert', dedupeKey: `${key}:group`, orderKey: `${alert.groupId}:${alert._id}`, urgent: true },
      );
    const onDuty = (await deps.users.officersOf(alert.stationCode, true)).map((u) => u._id);
    if (onDuty.length > 0) {
      await deps.notifier.notify(
        { kind: 'people', userIds: onDuty },
        { kind: 'sos-officer-alert', alert, station, falseAlarms, variant },
        { purpose: 'sos-alert-officers', dedupeKey: `${key}:duty`, urgent: true },
      );
    }
    return Boolean(alert.groupId) || onDuty.length > 0;
  }

  /**
   * Sends a notice about an open alert to everyone who holds it: its groups (each in its own order
   * with the alert's cards) and the officers it was pushed to. False when it holds nobody.
   */
  private async toHolders(alert: SosAlert, notice: Notice, send: { purpose: string; key: string }): Promise<boolean> {
    const { deps } = this;
    const groups = this.holdingGroups(alert, await deps.stations.get(alert.stationCode));
    for (const groupId of groups) {
      await deps.notifier.notify({ kind: 'group', groupId }, notice, {
        purpose: send.purpose,
        dedupeKey: `${send.key}:${groupId}`,
        orderKey: `${groupId}:${alert._id}`,
        urgent: true,
      });
    }
    const officers = await this.pushedOfficers(alert);
    if (officers.length > 0)
      await deps.notifier.notify({ kind: 'people', userIds: officers }, notice, {
        purpose: `${send.purpose}-officers`,
        dedupeKey: `${send.key}:officers`,
        urgent: true,
      });
    return groups.length > 0 || officers.length > 0;
  }

  /** The groups that hold an alert: its group, those alerted before it found its station, and the escalation group once reached. */
  private holdingGroups(alert: SosAlert, station: Station | null | undefined): string[] {
    const groups = new Set<string>(alert.alsoAlerted ?? []);
    if (alert.groupId) groups.add(alert.groupId);
    if (alert.escalationStep >= 2) {
      const target = station?.escalationGroupId ?? this.deps.commandCentreGroupId;
      if (target) groups.add(target);
    }
    return [...groups];
  }

  /** The officers who got the alert in their own chat: those on duty at first, every one after the first rung. */
  private async pushedOfficers(alert: SosAlert): Promise<string[]> {
    return (await this.deps.users.officersOf(alert.stationCode, alert.escalationStep === 0)).map((u) => u._id);
  }

  private ladderOf(station: Station | undefined | null): number[] {
    const ladder = station?.sosLadderMinutes;
    return ladder && ladder.length > 0 ? ladder : DEFAULT_LADDER_MINUTES;
  }

  private falseAlarms(userId: string, now: number): Promise<number> {
    return this.deps.alerts.falseAlarmsSince(userId, now - FALSE_ALARM_WINDOW_MS);
  }
}

function noted(type: AlertMessage['type']): ForwardOutcome {
  return type === 'text' ? { said: 'sent', type } : { said: 'noted', type };
}
