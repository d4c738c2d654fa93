import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger';
import type { LineMessage } from '../../messaging/line-gateway';
import type { BroadcastRepository } from '../../store/repositories/broadcast-repository';
import type { GroupRepository } from '../../store/repositories/group-repository';
import type { LeaseRepository } from '../../store/repositories/lease-repository';
import type { SubscriptionRepository } from '../../store/repositories/subscription-repository';
import type { UserRepository } from '../../store/repositories/user-repository';
import { DuplicateKeyError } from '../../store/store-port';
import type { Clock } from '../../util/clock';
import { BangkokCron } from '../bangkok-time';
import { languageOf, type Language } from '../people';
import type { Notifier } from '../notices';
import type { Station, Zone } from '../places';
import {
  MAX_MULTICAST,
  MAX_TEXT,
  type BatchKind,
  type BatchState,
  type Broadcast,
  type BroadcastAudience,
  type BroadcastBatch,
  type BroadcastImage,
  type BroadcastOrigin,
  type BroadcastRun,
  type BroadcastSchedule,
  type BroadcastText,
  type QuotaCheck,
} from './broadcast';

/** How one batch's LINE call ended, as the outbox recorded it. */
export interface BatchOutcome {
  state: Exclude<BatchState, 'queued'>;
  lineAnswer?: string;
  lineRequestId?: string;
  at?: number;
}

/** The messaging edge: batches go out through the outbox under their own ids (so never twice). */
export interface BatchSender {
  send(batch: { id: string; kind: BatchKind; to: string[]; messages: LineMessage[]; purpose: string }): Promise<void>;
  /** What became of these batches; a batch LINE has not answered yet is absent. `missing` lists ids never queued. */
  outcomes(ids: string[]): Promise<{ done: Map<string, BatchOutcome>; missing: string[] }>;
}

/** LINE's monthly quota and group sizes (the cost of a group push is its member count). */
export interface QuotaSource {
  /** This month's limit and use; undefined when LINE did not answer. `limit` undefined = no limit. */
  month(): Promise<{ limit?: number; used: number } | undefined>;
  groupMembers(groupId: string): Promise<number>;
}

/** Renders a broadcast as a recipient sees it: in one language, or every language of it ('multi'). */
export interface BroadcastRenderer {
  render(b: Broadcast, lang: Language | 'multi'): Promise<LineMessage[]>;
}

export interface BroadcastServiceDeps {
  broadcasts: BroadcastRepository;
  subscriptions: SubscriptionRepository;
  users: Pick<UserRepository, 'many' | 'countFollowing'>;
  groups: Pick<GroupRepository, 'communityGroups' | 'allCommunityGroups'>;
  zones: { get(id: string): Promise<Zone | null> };
  leases: LeaseRepository;
  sender: BatchSender;
  quota: QuotaSource;
  renderer: BroadcastRenderer;
  /** Tells the composer how a run went when nobody is waiting for an answer. */
  notifier: Notifier;
  stations: { get(code: string): Promise<Station | null> };
  clock: Clock;
  logger: Logger;
  /** Who this process is in leases (the scheduler's holder id). */
  holder: string;
}

export interface NewBroadcast {
  audience: BroadcastAudience;
  text: BroadcastText;
  image?: BroadcastImage;
  schedule: BroadcastSchedule;
  origin: BroadcastOrigin;
  /** Only these zones may be named (an officer's station); undefined = any zone. */
  stationCode?: string;
}

export class BroadcastInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'BroadcastInputError';
  }
}

/** A recurring broadcast may not run more often than this: people unfollow an OA that chatters. */
const MIN_CRON_GAP_MS = 60 * 60_000;
/** A recurring run found late (the hub was down at 18:00) still goes within this; older ones are skipped. */
const RECURRING_GRACE_MS = 60 * 60_000;
/** A scheduled time may be this far in the past (the form took a while to fill) or a year ahead. */
const PAST_TOLERANCE_MS = 5 * 60_000;
const MAX_AHEAD_MS = 366 * 24 * 60 * 60_000;
/** One planning pass holds its run for this long and renews it as it goes. */
const RUN_LEASE_MS = 30_000;
/** Outbox rows of sent messages are kept 7 days; a batch whose row is gone after a day is not re-sent. */
const STALE_BATCH_MS = 24 * 60 * 60_000;
/** People read per store query while planning (bounded memory, few queries). */
const READ_CHUNK = 1000;

const ids = () => `BC-${randomBytes(5).toString('hex').toUpperCase()}`;
const pad = (n: number) => String(n).padStart(4, '0');

/**
 * Zone broadcasts: who gets what, in which language, in how many LINE calls, and what LINE said.
 * A run plans its batches (per language, at most 500 people each; one push per community group;
 * LINE's broadcast for the whole OA), stores each before queuing it under its own id, and checks the
 * month's quota before the first: a run that would not fit is held whole. Everything is keyed so
 * that a restart, a second scheduler or a replayed request sends nothing twice.
 */
export class BroadcastService {
  constructor(private readonly deps: BroadcastServiceDeps) {}

  /** Checks and stores a broadcast; one to send now is started at once. */
  async create(input: NewBroadcast): Promise<{ broadcast: Broadcast; run?: BroadcastRun }> {
    const broadcast = await this.draft(input);
    await this.deps.broadcasts.create(broadcast);
    this.deps.logger.info(
      {
        broadcastId: broadcast._id,
        audience: broadcast.audience,
        schedule: broadcast.schedule,
        origin: input.origin.kind,
      },
      'broadcast created',
    );
    if (input.schedule.kind !== 'now') return { broadcast };
    const run = await this.startRun(broadcast, broadcast.createdAt);
    return { broadcast: (await this.deps.broadcasts.get(broadcast._id)) ?? broadcast, run };
  }

  /** The broadcast `input` describes, checked (BroadcastInputError says what is wrong) but not stored. */
  async draft(input: NewBroadcast): Promise<Broadcast> {
    const now = this.deps.clock.now();
    const zones = await this.checkAudience(input.audience, input.stationCode);
    checkText(input.text);
    if (input.image && !/^https:\/\//.test(input.image.url))
      throw new BroadcastInputError('image.url', 'must be https');
    let nextRunAt: number | undefined;
    if (input.schedule.kind === 'at') {
      if (input.schedule.at < now - PAST_TOLERANCE_MS) throw new BroadcastInputError('at', 'is in the past');
      if (input.schedule.at > now + MAX_AHEAD_MS) throw new BroadcastInputError('at', 'is more than a year ahead');
      nextRunAt = Math.max(input.schedule.at, now);
    } else if (input.schedule.kind === 'cron') {
      nextRunAt = nextCronRun(input.schedule.cron, now);
    }
    const stations = new Set(zones.map((z) => z.stationCode));
    return {
      _id: ids(),
      audience: input.audience.kind === 'zones' ? { kind: 'zones', zoneIds: zones.map((z) => z._id) } : { kind: 'all' },
      zoneIds: zones.map((z) => z._id),
      ...(stations.size === 1 ? { stationCode: [...stations][0] } : {}),
      text: input.text,
      ...(input.image ? { image: input.image } : {}),
      origin: input.origin,
      schedule: input.schedule,
      status: input.schedule.kind === 'now' ? 'sending' : input.schedule.kind === 'at' ? 'scheduled' : 'recurring',
      ...(nextRunAt !== undefined ? { nextRunAt } : {}),
      createdAt: now,
      updatedAt: now,
    };
  }

  /** What a broadcast would cost now, without sending: people per language, groups, quota. */
  async estimate(audience: BroadcastAudience, stationCode?: string): Promise<{ people: number; groups: number }> {
    const zones = await this.checkAudience(audience, stationCode);
    if (audience.kind === 'all') {
      return {
        people: await this.deps.users.countFollowing(),
        groups: (await this.deps.groups.allCommunityGroups()).length,
      };
    }
    const followers = await this.deps.subscriptions.followersOf(zones.map((z) => z._id));
    return { people: followers.size, groups: (await this.groupsOf(audience)).length };
  }

  /** Stops a scheduled, recurring or held broadcast; one already sent (or going out) cannot be. */
  async cancel(id: string): Promise<Broadcast | null | 'too-late'> {
    const now = this.deps.clock.now();
    const found = await this.deps.broadcasts.get(id);
    if (!found) return null;
    const cancelled = await this.deps.broadcasts.update(
      id,
      { status: 'cancelled', cancelledAt: now, updatedAt: now },
      { status: ['scheduled', 'recurring', 'held'] },
    );
    if (!cancelled) return 'too-late';
    this.deps.logger.info({ broadcastId: id }, 'broadcast cancelled');
    return cancelled;
  }

  /** A held broadcast, tried again (the quota was raised, or a new month began). */
  async retry(id: string): Promise<BroadcastRun | null | 'not-held'> {
    const b = await this.deps.broadcasts.get(id);
    if (!b) return null;
    const now = this.deps.clock.now();
    if (b.status !== 'held') return 'not-held';
    const moved = await this.deps.broadcasts.update(id, { status: 'sending', updatedAt: now }, { status: ['held'] });
    if (!moved) return 'not-held';
    // A run of its own, after the held one (the same millisecond would name the held run again).
    const [latest] = await this.deps.broadcasts.runsOf(id);
    return this.startRun(moved, Math.max(now, (latest?.dueAt ?? 0) + 1));
  }

  /**
   * The scheduler's pass: due broadcasts get their run (once per due time), unfinished runs are
   * planned or resumed, and finished runs are closed and reported. Returns how many runs moved.
   */
  async tick(): Promise<number> {
    const now = this.deps.clock.now();
    let moved = 0;
    for (const b of await this.deps.broadcasts.due(now)) {
      if (await this.runDue(b, now)) moved++;
    }
    for (const run of await this.deps.broadcasts.unfinishedRuns()) {
      await this.advance(run._id);
      moved++;
    }
    return moved;
  }

  /** Brings a run forward: finishes its plan if a crash cut it short, records LINE's answers, closes it. */
  async advance(runId: string): Promise<BroadcastRun | null> {
    let run = await this.deps.broadcasts.getRun(runId);
    if (!run || run.state !== 'sending') return run;
    const b = await this.deps.broadcasts.get(run.broadcastId);
    if (!b) return run;
    if (!run.planned) run = (await this.plan(b, run)) ?? run;
    if (!run.planned || run.state !== 'sending') return run;
    return this.reconcile(b, run);
  }

  get(id: string): Promise<Broadcast | null> {
    return this.deps.broadcasts.get(id);
  }

  list(filter: { status?: Broadcast['status'][]; zoneId?: string }): Promise<Broadcast[]> {
    return this.deps.broadcasts.list(filter);
  }

  /** The broadcast with its runs, each run's record brought up to date with LINE's answers. */
  async record(id: string): Promise<{ broadcast: Broadcast; runs: BroadcastRun[]; batches: BroadcastBatch[] } | null> {
    const broadcast = await this.deps.broadcasts.get(id);
    if (!broadcast) return null;
    for (const run of await this.deps.broadcasts.runsOf(id)) if (run.state === 'sending') await this.advance(run._id);
    const runs = await this.deps.broadcasts.runsOf(id);
    const batches = runs[0] ? await this.deps.broadcasts.batchesOf(runs[0]._id) : [];
    return { broadcast: (await this.deps.broadcasts.get(id)) ?? broadcast, runs, batches };
  }

  /** The latest broadcasts that went to these zones (or to everyone), newest first. */
  latestFor(zoneIds: string[], limit = 5): Promise<Broadcast[]> {
    return this.deps.broadcasts.latestFor(zoneIds, limit);
  }

  private async runDue(b: Broadcast, now: number): Promise<boolean> {
    const dueAt = b.nextRunAt!;
    let next: number | undefined;
    if (b.schedule.kind === 'cron') {
      next = nextCronRun(b.schedule.cron, now);
      if (now - dueAt > RECURRING_GRACE_MS) {
        // The hub was down when it was due: a nightly tip hours late is noise, so that one is skipped.
        const skipped = await this.deps.broadcasts.advance(b._id, dueAt, { nextRunAt: next, updatedAt: now }, false);
        if (skipped)
          this.deps.logger.warn(
            { broadcastId: b._id, dueAt },
            'recurring broadcast missed while the hub was down: skipped',
          );
        return false;
      }
    }
    // The run is stored before the broadcast moves on: a crash between the two runs it (once) on restart.
    const run = await this.createRun(b, dueAt, now);
    const set: Partial<Broadcast> =
      b.schedule.kind === 'cron' ? { nextRunAt: next, updatedAt: now } : { status: 'sending', updatedAt: now };
    await this.deps.broadcasts.advance(b._id, dueAt, set, b.schedule.kind !== 'cron');
    if (!run) return false;
    const after = await this.advance(run._id);
    if (after?.state === 'held') await this.report(b, after, 'held');
    return true;
  }

  private async startRun(b: Broadcast, now: number): Promise<BroadcastRun> {
    const run = (await this.createRun(b, now, now)) ?? (await this.deps.broadcasts.getRun(runIdOf(b._id, now)))!;
    return (await this.advance(run._id)) ?? run;
  }

  /** The run of `dueAt`, or null when another scheduler made it already. */
  private async createRun(b: Broadcast, dueAt: number, now: number): Promise<BroadcastRun | null> {
    const run: BroadcastRun = {
      _id: runIdOf(b._id, dueAt),
      broadcastId: b._id,
      dueAt,
      startedAt: now,
      state: 'sending',
      planned: false,
      recipients: { people: 0, byLanguage: {}, groups: 0, skippedUnfollowed: 0 },
      batches: { total: 0, accepted: 0, failed: 0, held: 0 },
    };
    try {
      return await this.deps.broadcasts.createRun(run);
    } catch (err) {
      if (err instanceof DuplicateKeyError) return null;
      throw err;
    }
  }

  /**
   * Plans a run under its lease: the audience now, the quota check (before anything is sent), then
   * batch by batch, each stored and then queued. A plan cut short by a crash resumes with the people
   * no stored batch covers, so everyone is in exactly one batch.
   */
  private async plan(b: Broadcast, run: BroadcastRun): Promise<BroadcastRun | null> {
    const { deps } = this;
    const lease = `broadcast-run:${run._id}`;
    const hold = () => deps.leases.acquire(lease, deps.holder, deps.clock.now(), RUN_LEASE_MS);
    if (!(await hold())) return null; // another instance is planning it
    try {
      const existing = await deps.broadcasts.batchesOf(run._id);
      const groups = await this.groupsOf(b.audience);
      const everyone = b.audience.kind === 'all';
      const zoneIds = b.audience.kind === 'zones' ? b.audience.zoneIds : [];
      // For the quota, the followers zone by zone (someone in two zones counts twice): a count, not a
      // read of every subscription, so sending starts sooner. Only a bound that does not fit is made exact.
      let peopleEstimate = everyone ? await deps.users.countFollowing() : 0;
      for (const zoneId of zoneIds) peopleEstimate += await deps.subscriptions.countFollowers(zoneId);

      const sizes = new Map<string, number>();
      const members = async (groupId: string) => {
        let n = sizes.get(groupId);
        if (n === undefined) sizes.set(groupId, (n = await deps.quota.groupMembers(groupId)));
        return n;
      };
      if (existing.length === 0) {
        let groupMembers = 0;
        for (const n of await Promise.all(groups.map((g) => members(g._id)))) groupMembers += n;
        let quota = await this.checkQuota(peopleEstimate + groupMembers);
        if (quota.remaining !== undefined && quota.needed > quota.remaining && zoneIds.length > 1) {
          peopleEstimate = (await deps.subscriptions.followersOf(zoneIds)).size;
          quota = await this.checkQuota(peopleEstimate + groupMembers);
        }
        if (quota.remaining !== undefined && quota.needed > quota.remaining) {
          const now = deps.clock.now();
          const held = await deps.broadcasts.updateRun(run._id, {
            state: 'held',
            quota,
            recipients: { ...run.recipients, people: peopleEstimate, groups: groups.length },
            finishedAt: now,
          });
          // A recurring broadcast stays recurring: its next occurrence is checked again.
          if (b.schedule.kind !== 'cron') await deps.broadcasts.update(b._id, { status: 'held', updatedAt: now });
          deps.logger.error(
            { alert: 'broadcast_held_quota', broadcastId: b._id, runId: run._id, ...quota },
            'broadcast held: it would pass the month’s LINE quota; nothing was sent',
          );
          return held;
        }
        run = (await deps.broadcasts.updateRun(run._id, { quota })) ?? run;
      }

      const rendered = new Map<Language | 'multi', LineMessage[]>();
      const messagesFor = async (lang: Language | 'multi') => {
        let m = rendered.get(lang);
        if (!m) rendered.set(lang, (m = await deps.renderer.render(b, lang)));
        return m;
      };
      const queue = async (batch: BroadcastBatch) =>
        deps.sender.send({
          id: batch._id,
          kind: batch.kind,
          to: batch.to,
          messages: await messagesFor(batch.lang),
          purpose: 'broadcast',
        });

      // Batches stored by a plan that was cut short go (again) to the outbox, which keeps one row per id.
      const covered = new Set<string>();
      const nextIndex = new Map<string, number>();
      for (const batch of existing) {
        for (const id of batch.to) covered.add(id);
        const [, lang, n] = batch._id.slice(run._id.length).split(':');
        nextIndex.set(lang!, Math.max(nextIndex.get(lang!) ?? 0, Number(n) + 1));
        if (batch.state === 'queued') await queue(batch);
      }
      const emit = async (kind: BatchKind, lang: Language | 'multi', key: string, to: string[], cost: number) => {
        const n = nextIndex.get(key) ?? 0;
        nextIndex.set(key, n + 1);
        const batch: BroadcastBatch = {
          _id: `${run._id}:${key}:${pad(n)}`,
          runId: run._id,
          broadcastId: b._id,
          kind,
          lang,
          to,
          cost,
          state: 'queued',
          createdAt: deps.clock.now(),
        };
        const stored = await deps.broadcasts.addBatches([batch]);
        if (stored.length === 0) throw new PlanConflictError(batch._id);
        await queue(batch);
        await hold();
      };

      if (everyone && !existing.some((x) => x.kind === 'broadcast'))
        await emit('broadcast', 'multi', 'all', [], peopleEstimate);

      let skipped = 0;
      if (!everyone) {
        // Zone by zone, each person once: batches go out while later zones are still being read.
        const seen = new Set(covered);
        const buckets = new Map<Language, string[]>();
        for (const zoneId of zoneIds) {
          const inZone = await deps.subscriptions.followersOf([zoneId]);
          const fresh = [...inZone.keys()].filter((id) => !seen.has(id));
          for (const id of fresh) seen.add(id);
          for (let i = 0; i < fresh.length; i += READ_CHUNK) {
            const chunk = fresh.slice(i, i + READ_CHUNK);
            // The embedded store answers in microtasks: without a turn of the event loop between
            // chunks, no batch would reach LINE and no webhook be answered until the whole plan is done.
            await nextTurn();
            const known = new Map((await deps.users.many(chunk)).map((u) => [u._id, u]));
            for (const id of chunk) {
              const user = known.get(id);
              if (user && !user.following) {
                skipped++;
                continue;
              }
              const lang = user?.chosenLanguage ?? user?.profileLanguage ?? inZone.get(id) ?? languageOf(null);
              let bucket = buckets.get(lang);
              if (!bucket) buckets.set(lang, (bucket = []));
              bucket.push(id);
              if (bucket.length === MAX_MULTICAST) {
                buckets.set(lang, []);
                await emit('multicast', lang, lang, bucket, bucket.length);
              }
            }
          }
        }
        for (const [lang, bucket] of buckets)
          if (bucket.length > 0) await emit('multicast', lang, lang, bucket, bucket.length);
        skipped += (await deps.subscriptions.endedByUnfollow(zoneIds)).filter((id) => !seen.has(id)).length;
      }
      for (const g of groups) {
        if (!covered.has(g._id)) await emit('push', 'multi', 'group', [g._id], await members(g._id));
      }

      // Counted from the stored batches, so a plan resumed after a crash reports the whole run.
      const batches = await deps.broadcasts.batchesOf(run._id);
      const byLanguage: Partial<Record<Language, number>> = {};
      for (const x of batches)
        if (x.kind === 'multicast')
          byLanguage[x.lang as Language] = (byLanguage[x.lang as Language] ?? 0) + x.to.length;
      const now = deps.clock.now();
      const planned = await deps.broadcasts.updateRun(run._id, {
        planned: true,
        recipients: {
          people: everyone ? peopleEstimate : Object.values(byLanguage).reduce((a, n) => a + (n ?? 0), 0),
          byLanguage,
          groups: groups.length,
          skippedUnfollowed: skipped,
          ...(everyone ? { everyone: true } : {}),
        },
        batches: { total: batches.length, accepted: 0, failed: 0, held: 0 },
      });
      await deps.broadcasts.update(b._id, { lastSentAt: now, updatedAt: now });
      deps.logger.info(
        { broadcastId: b._id, runId: run._id, batches: batches.length, recipients: planned?.recipients },
        'broadcast planned and queued',
      );
      return planned;
    } catch (err) {
      if (!(err instanceof PlanConflictError)) throw err;
      deps.logger.warn({ runId: run._id, batch: err.batchId }, 'another instance is planning this run: left to it');
      return null;
    } finally {
      await deps.leases.release(lease, deps.holder);
    }
  }

  /** Copies LINE's answers from the outbox into the run's record and closes the run when all are in. */
  private async reconcile(b: Broadcast, run: BroadcastRun): Promise<BroadcastRun> {
    const { deps } = this;
    const batches = await deps.broadcasts.batchesOf(run._id);
    const open = batches.filter((x) => x.state === 'queued');
    if (open.length > 0) {
      const { done, missing } = await deps.sender.outcomes(open.map((x) => x._id));
      for (const batch of open) {
        const outcome = done.get(batch._id);
        if (outcome) {
          batch.state = outcome.state;
          await deps.broadcasts.setBatch(batch._id, {
            state: outcome.state,
            ...(outcome.lineAnswer ? { lineAnswer: outcome.lineAnswer } : {}),
            ...(outcome.lineRequestId ? { lineRequestId: outcome.lineRequestId } : {}),
            ...(outcome.at ? { sentAt: outcome.at } : {}),
          });
        } else if (missing.includes(batch._id) && deps.clock.now() - batch.createdAt < STALE_BATCH_MS) {
          // Stored but never queued (the process died in between): queue it now. (A batch older than
          // the outbox keeps its rows is not sent again: its answer is simply unknown.)
          await deps.sender.send({
            id: batch._id,
            kind: batch.kind,
            to: batch.to,
            messages: await deps.renderer.render(b, batch.lang),
            purpose: 'broadcast',
          });
        }
      }
    }
    const count = (state: BatchState) => batches.filter((x) => x.state === state).length;
    const tally = { total: batches.length, accepted: count('accepted'), failed: count('failed'), held: count('held') };
    const finished = count('queued') === 0;
    const now = deps.clock.now();
    const updated =
      (await deps.broadcasts.updateRun(run._id, {
        batches: tally,
        ...(finished ? { state: 'done', finishedAt: now } : {}),
      })) ?? run;
    if (!finished) return updated;
    if (b.schedule.kind !== 'cron')
      await deps.broadcasts.update(b._id, { status: 'sent', updatedAt: now }, { status: ['sending'] });
    deps.logger.info({ broadcastId: b._id, runId: run._id, ...tally }, 'broadcast run finished');
    // A run that reached nobody was told so when it was sent; there is nothing more to report.
    if (tally.total > 0 && (await deps.broadcasts.claimReport(run._id))) {
      await this.report(b, updated, 'finished').catch((err: unknown) =>
        deps.logger.warn({ err, runId: run._id }, 'could not tell the composer how the broadcast went'),
      );
    }
    return updated;
  }

  /**
   * The officer who composed a broadcast hears how it went; a community notice held for the quota is
   * told to its group; an admin reads the record (GET /admin/broadcasts/:id).
   */
  private async report(b: Broadcast, run: BroadcastRun, state: 'held' | 'finished'): Promise<void> {
    const { deps } = this;
    const delivery = { purpose: `broadcast-${state}`, dedupeKey: `${run._id}:${state}` };
    if (b.origin.kind === 'officer') {
      const lastFailure = (await deps.broadcasts.batchesOf(run._id)).filter((x) => x.lineAnswer).at(-1)?.lineAnswer;
      await deps.notifier.notify(
        { kind: 'person', userId: b.origin.userId },
        { kind: 'broadcast-report', broadcast: b, run, state, ...(lastFailure ? { lastFailure } : {}) },
        delivery,
      );
      return;
    }
    if (b.origin.kind === 'community' && state === 'held') {
      const stationCode = b.stationCode ?? '';
      const station = (await deps.stations.get(stationCode)) ?? undefined;
      await deps.notifier.notify(
        { kind: 'group', groupId: b.origin.groupId },
        { kind: 'community-notice-outcome', text: b.text.th, outcome: 'held', station, stationCode },
        delivery,
      );
      return;
    }
    deps.logger.info({ broadcastId: b._id, runId: run._id, state, origin: b.origin.kind }, 'broadcast run report');
  }

  private async checkQuota(needed: number): Promise<QuotaCheck> {
    const month = await this.deps.quota.month().catch(() => undefined);
    if (!month) {
      this.deps.logger.warn({ needed }, 'LINE quota unknown: broadcast goes ahead on the hub’s count');
      return { needed, unknown: true };
    }
    if (month.limit === undefined) return { needed, used: month.used };
    return { needed, limit: month.limit, used: month.used, remaining: Math.max(0, month.limit - month.used) };
  }

  private async groupsOf(audience: BroadcastAudience): Promise<Array<{ _id: string }>> {
    if (audience.kind === 'all') return this.deps.groups.allCommunityGroups();
    const seen = new Map<string, { _id: string }>();
    for (const zoneId of audience.zoneIds)
      for (const g of await this.deps.groups.communityGroups(zoneId)) seen.set(g._id, g);
    return [...seen.values()];
  }

  private async checkAudience(audience: BroadcastAudience, stationCode?: string): Promise<Zone[]> {
    if (audience.kind === 'all') {
      if (stationCode) throw new BroadcastInputError('zones', 'an officer broadcasts to zones of their station');
      return [];
    }
    const unique = [...new Set(audience.zoneIds)];
    if (unique.length === 0) throw new BroadcastInputError('zones', 'name at least one zone');
    const zones: Zone[] = [];
    for (const id of unique) {
      const zone = await this.deps.zones.get(id);
      if (!zone) throw new BroadcastInputError('zones', `unknown zone ${id}`);
      if (stationCode && zone.stationCode !== stationCode)
        throw new BroadcastInputError('zones', `zone ${id} belongs to another station`);
      zones.push(zone);
    }
    return zones;
  }
}

class PlanConflictError extends Error {
  constructor(readonly batchId: string) {
    super(`batch ${batchId} was stored by someone else`);
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function runIdOf(broadcastId: string, dueAt: number): string {
  return `${broadcastId}@${dueAt}`;
}

function checkText(text: BroadcastText): void {
  for (const [lang, value] of Object.entries(text)) {
    if (typeof value !== 'string' || value.trim() === '') throw new BroadcastInputError(`text.${lang}`, 'is empty');
    if (value.length > MAX_TEXT) throw new BroadcastInputError(`text.${lang}`, `is over ${MAX_TEXT} characters`);
  }
  if (!text.th) throw new BroadcastInputError('text.th', 'Thai text is required');
  if (Boolean(text.en) !== Boolean(text.ms))
    throw new BroadcastInputError('text', 'give Thai only, or Thai, English and Malay together');
}

/** The next run of a cron schedule (Bangkok time) after `after`; also checks the schedule is sane. */
export function nextCronRun(expression: string, after: number): number {
  let cron: BangkokCron;
  try {
    cron = BangkokCron.parse(expression);
  } catch (err) {
    throw new BroadcastInputError('cron', err instanceof Error ? err.message : String(err));
  }
  try {
    const next = cron.nextAfter(after);
    if (next === undefined) throw new BroadcastInputError('cron', 'never runs in the coming year');
    const then = cron.nextAfter(next);
    if (then !== undefined && then - next < MIN_CRON_GAP_MS)
      throw new BroadcastInputError('cron', 'runs more often than once an hour');
    return next;
  } finally {
    cron.dispose();
  }
}
