// The messaging edge of zone news: broadcasts and digests rendered in each recipient's language at
// the moment they are sent, batches handed to the outbox under their own ids, and LINE's quota.
// (What composers, officers and community groups are told goes through the notifier.)
import { multilingualNewsMessage, newsMessage, type NewsView, type NewsVoice } from '../../flex-templates/broadcast';
import { digestMessage, groupDigestMessage } from '../../flex-templates/patrol';
import type { Broadcast } from '../domain/broadcasts/broadcast';
import type { BatchOutcome, BatchSender, BroadcastRenderer, QuotaSource } from '../domain/broadcasts/broadcast-service';
import type { DigestRenderer } from '../domain/patrols/patrol-service';
import type { Language } from '../domain/people';
import type { Zone } from '../domain/places';
import type { Texts } from '../i18n/i18n';
import type { Logger } from '../logger';
import type { OutboxRepository } from '../store/repositories/outbox-repository';
import type { StationRepository } from '../store/repositories/station-repository';
import type { ZoneRepository } from '../store/repositories/zone-repository';
import type { Clock } from '../util/clock';
import type { LineGateway, LineMessage } from './line-gateway';
import type { Outbox } from './outbox';
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
