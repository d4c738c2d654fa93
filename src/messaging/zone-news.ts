// The messaging edge of zone news: broadcasts and digests rendered in each recipient's language at
// the moment they are sent, batches handed to the outbox under their own ids, LINE's quota, and
// what composers, officers and community groups are told.
import {
  groupText,
  multilingualNewsMessage,
  newsMessage,
  noticeCard,
  runReport,
  type NewsView,
  type NewsVoice,
} from '../../flex-templates/broadcast';
import { digestMessage, groupDigestMessage } from '../../flex-templates/patrol';
import { nameIn } from '../../flex-templates/format';
import type { Broadcast, BroadcastRun } from '../domain/broadcasts/broadcast';
import type {
  BatchOutcome,
  BatchSender,
  BroadcastRenderer,
  BroadcastReporter,
  QuotaSource,
} from '../domain/broadcasts/broadcast-service';
import type { CommunityNotice } from '../domain/broadcasts/notice';
import type { NoticeDesk } from '../domain/broadcasts/notice-service';
import type { DigestRenderer } from '../domain/patrols/patrol-service';
import { LANGUAGES, languageOf, type Language } from '../domain/people';
import type { Zone } from '../domain/places';
import type { Texts } from '../i18n/i18n';
import type { Logger } from '../logger';
import type { OutboxRepository } from '../store/repositories/outbox-repository';
import type { StationRepository } from '../store/repositories/station-repository';
import type { UserRepository } from '../store/repositories/user-repository';
import type { ZoneRepository } from '../store/repositories/zone-repository';
import type { Clock } from '../util/clock';
import type { LineGateway, LineMessage } from './line-gateway';
import type { Messenger } from './messenger';
import type { Outbox } from './outbox';

const LANGUAGE_NAMES: Record<Language, string> = { th: 'ไทย', en: 'English', ms: 'Melayu' };

export function languageName(lang: Language): string {
  return LANGUAGE_NAMES[lang];
}

/** Batches go to the outbox named by their id: the outbox keeps one row per name, so never two sends. */
export function outboxBatchSender(outbox: Outbox, rows: OutboxRepository): BatchSender {
  return {
    async send(batch) {
      await outbox.enqueue({
        id: batch.id,
        kind: batch.kind,
        to: batch.kind === 'push' ? batch.to[0]! : batch.kind === 'broadcast' ? 'all' : batch.to,
        messages: batch.messages,
        purpose: batch.purpose,
        // The retry key is derived from the batch id: a batch queued again after a crash is a 409 at LINE.
        dedupeKey: batch.id,
      });
    },
    async outcomes(ids) {
      // A batch is at most five messages, so one row, named `<id>#0`.
      const found = await rows.find({ _id: { $in: ids.map((id) => `${id}#0`) } });
      const byId = new Map(found.map((row) => [row._id.slice(0, -2), row]));
      const done = new Map<string, BatchOutcome>();
      const missing: string[] = [];
      for (const id of ids) {
        const row = byId.get(id);
        if (!row) missing.push(id);
        else if (row.status === 'sent')
          done.set(id, {
            state: 'accepted',
            ...(row.lineRequestId ? { lineRequestId: row.lineRequestId } : {}),
            ...(row.sentAt ? { at: row.sentAt } : {}),
          });
        else if (row.status === 'failed' || row.status === 'held')
          done.set(id, { state: row.status, ...(row.lastError ? { lineAnswer: row.lastError } : {}) });
      }
      return { done, missing };
    },
  };
}

/** LINE's own quota figures, and group sizes remembered for ten minutes (50 groups, one call each). */
export function lineQuotaSource(
  line: Pick<LineGateway, 'getQuota' | 'getQuotaConsumption' | 'getGroupMemberCount'>,
  clock: Clock,
  logger: Logger,
): QuotaSource {
  const sizes = new Map<string, { n: number; at: number }>();
  return {
    async month() {
      try {
        const [quota, used] = await Promise.all([line.getQuota(), line.getQuotaConsumption()]);
        return quota.type === 'limited' && quota.value !== undefined ? { limit: quota.value, used } : { used };
      } catch (err) {
        logger.warn({ err }, 'could not read LINE’s message quota');
        return undefined;
      }
    },
    async groupMembers(groupId) {
      const now = clock.now();
      const known = sizes.get(groupId);
      if (known && now - known.at < 10 * 60_000) return known.n;
      try {
        const n = await line.getGroupMemberCount(groupId);
        sizes.set(groupId, { n, at: now });
        return n;
      } catch (err) {
        logger.warn({ err, groupId }, 'could not read a group’s member count; counting it as one');
        return known?.n ?? 1;
      }
    },
  };
}

interface Names {
  stations: Pick<StationRepository, 'get'>;
  zones: Pick<ZoneRepository, 'get'>;
}

/** Resolves the names a broadcast's templates need: who speaks, and to which zones. */
export async function newsViewOf(b: Broadcast, names: Names, at: number): Promise<NewsView> {
  const zones: Zone[] = [];
  for (const id of b.zoneIds) {
    const zone = await names.zones.get(id);
    if (zone) zones.push(zone);
  }
  const station = b.stationCode ? await names.stations.get(b.stationCode) : null;
  let voice: NewsVoice = station ? { kind: 'station', station: station.name } : { kind: 'oa' };
  if (b.origin.kind === 'community') {
    const community = zones.find((z) => z._id === (b.origin as { zoneId: string }).zoneId);
    if (community)
      voice = { kind: 'community', community: community.name, ...(station ? { station: station.name } : {}) };
  }
  return {
    id: b._id,
    voice,
    zones: zones.map((z) => z.name),
    text: b.text,
    ...(b.image ? { image: b.image } : {}),
    at,
  };
}

/** Broadcasts and digests as the recipient sees them, rendered when they are sent. */
export class ZoneNewsRenderer implements BroadcastRenderer {
  constructor(private readonly deps: Names & { texts: Texts; clock: Clock }) {}

  async render(b: Broadcast, lang: Language | 'multi'): Promise<LineMessage[]> {
    const view = await newsViewOf(b, this.deps, this.deps.clock.now());
    if (lang === 'multi') return [multilingualNewsMessage(this.deps.texts.t, view)];
    return [newsMessage(this.deps.texts.t(lang), view, lang)];
  }

  readonly digest: DigestRenderer = {
    render: (digest, zone, lang) => {
      const view = {
        zone: zone.name,
        count: digest.count,
        places: digest.places,
        from: digest.from,
        lastAt: digest.lastAt,
      };
      return lang === 'multi'
        ? [groupDigestMessage(this.deps.texts.t, view)]
        : [digestMessage(this.deps.texts.t(lang), view, lang)];
    },
  };
}

/** Figures of a run for the texts that report it. */
export function runFigures(b: Broadcast, run: BroadcastRun): Parameters<typeof runReport>[2] {
  const byLanguage = run.recipients.byLanguage;
  return {
    id: b._id,
    people: run.recipients.people,
    groups: run.recipients.groups,
    languages: LANGUAGES.filter((l) => byLanguage[l])
      .map((l) => `${LANGUAGE_NAMES[l]} ${byLanguage[l]!.toLocaleString('en-US')}`)
      .join(', '),
    accepted: run.batches.accepted,
    failed: run.batches.failed + run.batches.held,
    total: run.batches.total,
    needed: run.quota?.needed,
    remaining: run.quota?.remaining,
    used: run.quota?.used,
    limit: run.quota?.limit,
  };
}

/**
 * What people are told about broadcasts and notices when nobody is waiting for an answer: the
 * officer who composed a broadcast (how it went), the officers asked to approve a community notice,
 * and the community group when its notice is rejected or held.
 */
export class ZoneNewsNotifier implements BroadcastReporter, NoticeDesk {
  constructor(
    private readonly deps: Names & {
      users: Pick<UserRepository, 'get'>;
      messenger: Messenger;
      texts: Texts;
      logger: Logger;
      /** The last failure LINE gave a run's batch, for the report. */
      lastFailure(runId: string): Promise<string | undefined>;
    },
  ) {}

  async held(b: Broadcast, run: BroadcastRun): Promise<void> {
    if (b.origin.kind === 'community') {
      const notice = { groupId: b.origin.groupId, text: b.text.th, stationCode: b.stationCode ?? '' };
      await this.tellGroupAbout(notice, 'held', `${run._id}:held`);
      return;
    }
    await this.toComposer(b, run, 'held');
  }

  async finished(b: Broadcast, run: BroadcastRun): Promise<void> {
    await this.toComposer(b, run, 'finished');
  }

  async askOfficers(notice: CommunityNotice, chats: string[]): Promise<void> {
    const zone = await this.deps.zones.get(notice.zoneId);
    for (const chat of chats) {
      // The station group reads Thai; an officer alone reads their own language.
      const lang = chat.startsWith('U') ? languageOf(await this.deps.users.get(chat)) : 'th';
      const card = noticeCard(
        this.deps.texts.t(lang),
        {
          id: notice._id,
          text: notice.text,
          community: zone?.name ?? { th: notice.zoneId, en: notice.zoneId, ms: notice.zoneId },
          ...(notice.proposerName ? { proposer: notice.proposerName } : {}),
          at: notice.createdAt,
        },
        lang,
      );
      await this.deps.messenger.push(chat, [card], 'notice-card', { dedupeKey: `${notice._id}:card:${chat}` });
    }
  }

  async tellGroup(notice: CommunityNotice, outcome: 'rejected' | 'held'): Promise<void> {
    await this.tellGroupAbout(notice, outcome, `${notice._id}:${outcome}`);
  }

  private async tellGroupAbout(
    notice: Pick<CommunityNotice, 'groupId' | 'text' | 'stationCode'>,
    outcome: 'rejected' | 'held',
    key: string,
  ): Promise<void> {
    const station = await this.deps.stations.get(notice.stationCode);
    const params = (lang: Language) => ({
      text: notice.text.length > 80 ? `${notice.text.slice(0, 79)}…` : notice.text,
      station: nameIn(station?.name, lang) || notice.stationCode,
      phone: station?.phone ?? '191',
    });
    const message = groupText(
      this.deps.texts.t,
      outcome === 'rejected' ? 'broadcast:notice.groupRejected' : 'broadcast:notice.groupHeld',
      params,
    );
    await this.deps.messenger.push(notice.groupId, [message], `notice-${outcome}`, { dedupeKey: key });
  }

  private async toComposer(b: Broadcast, run: BroadcastRun, state: 'held' | 'finished'): Promise<void> {
    if (b.origin.kind !== 'officer') {
      this.deps.logger.info(
        { broadcastId: b._id, runId: run._id, state, origin: b.origin.kind },
        'broadcast run report',
      );
      return;
    }
    const officer = await this.deps.users.get(b.origin.userId);
    const lang = languageOf(officer);
    const figures = runFigures(b, run);
    if (state === 'finished' && (figures.failed ?? 0) > 0) figures.answer = await this.deps.lastFailure(run._id);
    await this.deps.messenger.push(
      b.origin.userId,
      [runReport(this.deps.texts.t(lang), state, figures)],
      `broadcast-${state}`,
      {
        dedupeKey: `${run._id}:${state}`,
      },
    );
  }
}
