import type { Logger } from '../../logger';
import type { AlertRepository } from '../../store/repositories/alert-repository';
import type { CaseRepository } from '../../store/repositories/case-repository';
import type { InboxRepository } from '../../store/repositories/inbox-repository';
import type { OutboxRepository } from '../../store/repositories/outbox-repository';
import type { PinRepository } from '../../store/repositories/pin-repository';
import type { PrivacyRequestRepository } from '../../store/repositories/privacy-request-repository';
import type { SessionRepository } from '../../store/repositories/session-repository';
import type { StationRepository } from '../../store/repositories/station-repository';
import type { UserRepository } from '../../store/repositories/user-repository';
import type { Clock } from '../../util/clock';
import type { Notifier } from '../notices';
import type { Language } from '../people';
import type { Station } from '../places';
import type { Case } from '../reports/case';
import { NO_STATION, isOpenAlert, type SosAlert } from '../sos/alert';
import { ERASED, type PrivacyOutcome, type PrivacyRequest, type PrivacyRequestKind } from './privacy-request';

/**
 * Anything else that keeps personal data about a LINE user (zone subscriptions, for example): it
 * plugs in here, and export and erasure reach it too.
 */
export interface PersonalDataHolder {
  /** The key of its section in an export and in an erasure's report. */
  name: string;
  export(userId: string): Promise<unknown>;
  /** Removes or anonymises what it holds; returns how many records it touched. */
  erase(userId: string): Promise<number>;
}

export interface PrivacyServiceDeps {
  requests: PrivacyRequestRepository;
  users: UserRepository;
  cases: CaseRepository;
  alerts: AlertRepository;
  pins: PinRepository;
  sessions: SessionRepository;
  inbox: InboxRepository;
  outbox: OutboxRepository;
  stations: StationRepository;
  media: { remove(token: string): Promise<boolean> };
  zoneStation(zoneId: string): Promise<string | undefined>;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  holders?: PersonalDataHolder[];
}

export class PrivacyError extends Error {
  constructor(
    readonly why: 'sos-open' | 'unknown-request' | 'request-closed' | 'other-person',
    message: string,
  ) {
    super(message);
    this.name = 'PrivacyError';
  }
}

/** What is kept after an erasure, and why: said in every erasure's answer and in the README. */
export const KEPT_AFTER_ERASURE: ReadonlyArray<{ what: string; why: string }> = [
  {
    what: 'case records: number, station, zone, category, status, times, the place of the incident and the officers’ audit',
    why: 'police case records the station must keep; the reporter’s name, LINE id, words (replaced by "erased") and photos (deleted) are gone',
  },
  {
    what: 'SOS alert records: number, station, status, times, the last known position and the officers’ audit',
    why: 'emergency records the police must keep; the person’s name, LINE id, what they sent (replaced by "erased", media deleted) and their trail of positions are gone',
  },
  {
    what: 'the privacy requests themselves and their outcome, with "erased" for the LINE id',
    why: 'proof that the request was handled',
  },
  {
    what: 'the admin audit entry of the erasure, naming the person by a one-way pseudonym of the LINE id',
    why: 'accountability: who erased, and when',
  },
  {
    what: 'messages already queued to the person, and multicasts they were one of many recipients of (purged 7 days after sending); events not yet handled',
    why: 'they are in flight or shared with others; handled events drop their content',
  },
];

export interface ErasureReport {
  erasedAt: number;
  removed: Record<string, number>;
  kept: ReadonlyArray<{ what: string; why: string }>;
}

/**
 * A person's rights over their personal data (Thailand's PDPA): a request recorded from LINE for the
 * station to act on, everything the hub holds about them as one JSON export, and erasure, which keeps
 * the records the police must keep without the person in them.
 */
export class PrivacyService {
  constructor(private readonly deps: PrivacyServiceDeps) {}

  /** A person asked from LINE. One open request of each kind at a time: asking again says it is under way. */
  async request(
    userId: string,
    kind: PrivacyRequestKind,
    lang: Language,
    via: PrivacyRequest['via'] = 'line',
  ): Promise<{ request: PrivacyRequest; station?: Station; already: boolean }> {
    const { deps } = this;
    const open = await deps.requests.openOf(userId, kind);
    if (open) return { request: open, station: await this.station(open.stationCode), already: true };
    const now = deps.clock.now();
    const stationCode = await this.stationOf(userId);
    const request: PrivacyRequest = {
      _id: await deps.requests.nextId(now),
      userId,
      kind,
      lang,
      ...(stationCode ? { stationCode } : {}),
      via,
      status: 'open',
      createdAt: now,
    };
    await deps.requests.create(request);
    deps.logger.info({ requestId: request._id, kind, station: stationCode }, 'privacy request recorded');
    return { request, station: await this.station(stationCode), already: false };
  }

  /** Everything the hub holds about one LINE user. */
  async export(userId: string): Promise<Record<string, unknown>> {
    const { deps } = this;
    const [profile, pin, session, cases, alerts, requests, inbox, outbox] = await Promise.all([
      deps.users.get(userId),
      deps.pins.get(userId),
      deps.sessions.get(userId),
      deps.cases.allByReporter(userId),
      deps.alerts.allByUser(userId),
      deps.requests.byUser(userId),
      deps.inbox.bySource(userId),
      deps.outbox.find({ to: userId }),
    ]);
    const other: Record<string, unknown> = {};
    for (const holder of deps.holders ?? []) other[holder.name] = await holder.export(userId);
    return {
      userId,
      exportedAt: deps.clock.now(),
      profile,
      pin,
      conversation: session,
      cases,
      sosAlerts: alerts,
      privacyRequests: requests,
      webhookEvents: inbox,
      messagesSent: outbox,
      media: mediaOf(cases, alerts),
      ...other,
    };
  }

  /**
   * Erases what the hub holds about one LINE user. Refused while an SOS of theirs is open (help is
   * under way). Their open requests are closed as erased, and they are told once.
   */
  async erase(userId: string, options: { requestId?: string; by: string }): Promise<ErasureReport> {
    const { deps } = this;
    const alerts = await deps.alerts.allByUser(userId);
    if (alerts.some((a) => isOpenAlert(a.status)))
      throw new PrivacyError('sos-open', 'an SOS alert of this person is still open: erase after it is closed');
    if (options.requestId) await this.openRequestOf(options.requestId, userId);
    const now = deps.clock.now();
    const cases = await deps.cases.allByReporter(userId);
    let media = 0;
    for (const m of mediaOf(cases, alerts)) if (await deps.media.remove(m.token)) media++;
    for (const c of cases) {
      await deps.cases.redact(
        c._id,
        {
          reporterId: ERASED,
          description: ERASED,
          photos: [],
          location: { ...c.location, ...(c.location.typed ? { typed: ERASED } : {}) },
          erasedAt: now,
          updatedAt: now,
        },
        ['reporterName'],
      );
    }
    for (const a of alerts) {
      await deps.alerts.redact(
        a._id,
        {
          userId: ERASED,
          messages: (a.messages ?? []).map(({ eventId, at, type, text }) => ({
            eventId,
            at,
            type,
            ...(text !== undefined ? { text: ERASED } : {}),
          })),
          positions: a.position ? [a.position] : [],
          erasedAt: now,
          updatedAt: now,
        },
        ['userName'],
      );
    }
    // Every open request of theirs is settled by the erasure; they are told once (on the request named,
    // else their latest), before their id leaves the requests (the message is queued to them now).
    const open = (await deps.requests.byUser(userId)).filter((r) => r.status === 'open');
    const told = options.requestId ?? open.at(-1)?._id;
    for (const r of open)
      if (r._id !== told) await deps.requests.close(r._id, { at: now, by: options.by, outcome: 'erased' });
    if (told) await this.close(told, 'erased', { by: options.by, userId });
    const removed: Record<string, number> = {
      profile: (await deps.users.delete(userId)) ? 1 : 0,
      pin: await deps.pins.delete(userId),
      conversation: (await deps.sessions.get(userId)) ? 1 : 0,
      cases: cases.length,
      sosAlerts: alerts.length,
      media,
      webhookEvents: await deps.inbox.forgetSource(userId),
      messagesSent: await deps.outbox.forgetRecipient(userId),
      privacyRequests: await deps.requests.forgetUser(userId, ERASED),
    };
    await deps.sessions.clear(userId);
    for (const holder of deps.holders ?? []) removed[holder.name] = await holder.erase(userId);
    deps.logger.info({ removed }, 'personal data erased');
    return { erasedAt: now, removed, kept: KEPT_AFTER_ERASURE };
  }

  /** Closes a request and tells the person, in the language they asked in. */
  async close(
    id: string,
    outcome: PrivacyOutcome,
    options: { by: string; note?: string; userId?: string },
  ): Promise<PrivacyRequest> {
    const { deps } = this;
    await this.openRequestOf(id, options.userId);
    const closed = await deps.requests.close(id, {
      at: deps.clock.now(),
      by: options.by,
      outcome,
      ...(options.note ? { note: options.note } : {}),
    });
    if (!closed) throw new PrivacyError('request-closed', 'the request is already closed');
    if (closed.userId !== ERASED) {
      await deps.notifier.notify(
        { kind: 'person', userId: closed.userId, lang: closed.lang },
        { kind: 'privacy-closed', request: closed, station: await this.station(closed.stationCode) },
        { purpose: 'privacy-closed', dedupeKey: `${closed._id}:closed` },
      );
    }
    return closed;
  }

  private async openRequestOf(id: string, userId: string | undefined): Promise<PrivacyRequest> {
    const request = await this.deps.requests.get(id);
    if (!request) throw new PrivacyError('unknown-request', 'no such privacy request');
    if (userId && request.userId !== userId) throw new PrivacyError('other-person', 'the request is another person’s');
    if (request.status !== 'open') throw new PrivacyError('request-closed', 'the request is already closed');
    return request;
  }

  /** The station that should act: the person's home zone, else their latest case, else their latest SOS. */
  private async stationOf(userId: string): Promise<string | undefined> {
    const { deps } = this;
    const user = await deps.users.get(userId);
    const home = user?.homeZoneId ? await deps.zoneStation(user.homeZoneId) : undefined;
    if (home) return home;
    const cases = await deps.cases.byReporter(userId, 1);
    if (cases[0]) return cases[0].stationCode;
    const alerts = await deps.alerts.allByUser(userId);
    return alerts.reverse().find((a) => a.stationCode !== NO_STATION)?.stationCode;
  }

  private async station(code: string | undefined): Promise<Station | undefined> {
    return code ? ((await this.deps.stations.get(code)) ?? undefined) : undefined;
  }
}

function mediaOf(
  cases: Case[],
  alerts: SosAlert[],
): Array<{ token: string; contentType: string; caseId?: string; alertId?: string }> {
  return [
    ...cases.flatMap((c) => c.photos.map((p) => ({ token: p.token, contentType: p.contentType, caseId: c._id }))),
    ...alerts.flatMap((a) =>
      (a.messages ?? []).flatMap((m) =>
        m.media ? [{ token: m.media.token, contentType: m.media.contentType, alertId: a._id }] : [],
      ),
    ),
  ];
}
