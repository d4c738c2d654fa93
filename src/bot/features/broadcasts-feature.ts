import {
  askZones,
  composePrompt,
  followedMessage,
  groupText,
  myZonesMessage,
  noZonesMessage,
  runFigures,
  zoneNewsMessage,
  zoneNewsReply,
} from '../../../flex-templates/broadcast';
import { text } from '../../../flex-templates/common';
import { nameIn } from '../../../flex-templates/format';
import { actionRefused } from '../../../flex-templates/report-card';
import type { BroadcastService } from '../../domain/broadcasts/broadcast-service';
import type { NoticeService } from '../../domain/broadcasts/notice-service';
import type { SubscriptionService } from '../../domain/subscriptions/subscription-service';
import type { SubscriptionSource } from '../../domain/subscriptions/subscription';
import type { Zone } from '../../domain/places';
import { normalizeText } from '../../i18n/i18n';
import { newsViewOf } from '../../messaging/zone-news';
import type { StationRepository } from '../../store/repositories/station-repository';
import type { BotFeature } from '../bot';
import type { BotContext, Middleware } from '../context';
import { postbackOf, textOf } from '../context';
import type { FlowEngine } from '../flows/flow-engine';
import { composeFlow, runAnswer, type ComposeFlowDeps } from '../flows/broadcast-flow';
import { decodePostback } from '../postback';

export interface BroadcastsFeatureDeps extends ComposeFlowDeps {
  subscriptions: SubscriptionService;
  notices: NoticeService;
  broadcasts: BroadcastService;
  stations: Pick<StationRepository, 'get'>;
  flows: () => FlowEngine;
}

const SOURCES: readonly SubscriptionSource[] = ['pin', 'home', 'menu'];

/**
 * Zone news for residents (the latest broadcasts of their zones, following and stopping zones,
 * patrol updates on or off), the officer's broadcast from a 1:1 chat, and community notices:
 * `/notice` in a community group, approve or reject on the card officers get.
 */
export function broadcastsFeature(deps: BroadcastsFeatureDeps): BotFeature {
  const compose = composeFlow(deps);

  async function zoneNews(ctx: BotContext, userId: string): Promise<void> {
    const followed = await deps.subscriptions.zonesOf(userId);
    if (followed.length === 0) {
      const home = ctx.user?.homeZoneId ? await deps.zones.get(ctx.user.homeZoneId) : null;
      await ctx.reply(
        [noZonesMessage(ctx.t, home ? { id: home._id, name: home.name } : undefined, ctx.lang)],
        'zone-news',
      );
      return;
    }
    const latest = await deps.broadcasts.latestFor(
      followed.map((f) => f.zone._id),
      10,
    );
    const views = [];
    for (const b of latest)
      views.push(await newsViewOf(b, { stations: deps.stations, zones: deps.zones }, b.lastSentAt!));
    await ctx.reply([zoneNewsMessage(ctx.t, views, ctx.lang)], 'zone-news');
  }

  async function myZones(ctx: BotContext, userId: string): Promise<void> {
    const followed = await deps.subscriptions.zonesOf(userId);
    if (followed.length === 0) return zoneNews(ctx, userId);
    const zones = followed.map((f) => ({ id: f.zone._id, name: f.zone.name, patrolNews: f.subscription.patrolNews }));
    await ctx.reply([myZonesMessage(ctx.t, zones, ctx.lang)], 'my-zones');
  }

  async function zoneOrSorry(ctx: BotContext, zoneId: string): Promise<Zone | null> {
    const zone = await deps.zones.get(zoneId);
    if (!zone) await ctx.reply([zoneNewsReply(ctx.t, 'follow.unknownZone', undefined, ctx.lang)], 'zone-unknown');
    return zone;
  }

  const residents: Middleware = async (ctx, next) => {
    const userId = ctx.userId;
    if (!userId) return next();
    const raw = postbackOf(ctx.event);
    const p = raw ? decodePostback(raw) : undefined;
    const typed = textOf(ctx.event);
    if (
      p?.a === 'news' ||
      (typed !== undefined && ctx.deps.texts.keywords('broadcast:keywords.news').includes(normalizeText(typed)))
    )
      return zoneNews(ctx, userId);
    if (p?.a === 'my-zones') return myZones(ctx, userId);
    if (p?.a === 'follow' && p.z) {
      const source = (SOURCES as readonly string[]).includes(p.s ?? '') ? (p.s as SubscriptionSource) : 'menu';
      const result = await deps.subscriptions.follow(userId, p.z, source, ctx.lang, ctx.now);
      if (!result.ok) return void (await zoneOrSorry(ctx, p.z));
      const declined = ctx.user?.consent === 'declined';
      await ctx.reply(
        [followedMessage(ctx.t, { zone: result.zone.name, already: result.already, declined, lang: ctx.lang })],
        'zone-followed',
      );
      return;
    }
    if (p?.a === 'unfollow' && p.z) {
      const zone = await zoneOrSorry(ctx, p.z);
      if (!zone) return;
      const stopped = await deps.subscriptions.stop(userId, zone._id, ctx.now);
      await ctx.reply(
        [zoneNewsReply(ctx.t, stopped ? 'zones.stopped' : 'zones.notFollowing', zone.name, ctx.lang)],
        'zone-unfollowed',
      );
      return;
    }
    if (p?.a === 'patrol-news' && p.z) {
      const zone = await zoneOrSorry(ctx, p.z);
      if (!zone) return;
      const on = p.v === 'on';
      const changed = await deps.subscriptions.setPatrolNews(userId, zone._id, on, ctx.now);
      const key = !changed ? 'zones.notFollowing' : on ? 'zones.patrolTurnedOn' : 'zones.patrolTurnedOff';
      await ctx.reply([zoneNewsReply(ctx.t, key, zone.name, ctx.lang)], 'zone-patrol-news');
      return;
    }
    await next();
  };

  const officers: Middleware = async (ctx, next) => {
    const userId = ctx.userId;
    const raw = postbackOf(ctx.event);
    const p = raw ? decodePostback(raw) : undefined;
    if (!userId || !p) return next();
    if (p.a === 'bc') {
      const station = ctx.user?.role === 'officer' ? ctx.user.stationCode : undefined;
      if (!station) return ctx.reply([text(ctx.t('broadcast:compose.notOfficer'))], 'broadcast-refused');
      const zones = await deps.zones.byStation(station);
      if (zones.length === 0) return ctx.reply([text(ctx.t('broadcast:compose.noZones'))], 'broadcast-no-zones');
      // One zone: nothing to choose.
      if (zones.length === 1) {
        return deps
          .flows()
          .start(ctx, userId, compose, 'text', { stationCode: station, zoneIds: [zones[0]!._id] }, [
            composePrompt(ctx.t, 'askText'),
          ]);
      }
      const draft = { stationCode: station, zoneIds: [] };
      return deps.flows().start(ctx, userId, compose, 'zones', draft, [
        askZones(
          ctx.t,
          zones.map((z) => ({ id: z._id, name: z.name, chosen: false })),
          ctx.lang,
        ),
      ]);
    }
    if (p.a === 'bc-retry' && p.id) {
      const b = await deps.broadcasts.get(p.id);
      if (!b || ctx.user?.role !== 'officer' || (b.stationCode && b.stationCode !== ctx.user.stationCode))
        return ctx.reply([text(ctx.t('broadcast:compose.notOfficer'))], 'broadcast-refused');
      const run = await deps.broadcasts.retry(p.id);
      const after = (await deps.broadcasts.get(p.id)) ?? b;
      return ctx.reply([runAnswer(ctx, after, run && run !== 'not-held' ? run : undefined)], 'broadcast-retry');
    }
    if (p.a === 'notice' && p.id) return decideNotice(ctx, p.id, p.v);
    await next();
  };

  async function decideNotice(ctx: BotContext, id: string, verdict: string | undefined): Promise<void> {
    if (verdict !== 'ok' && verdict !== 'no') return;
    // A station group reads Thai; an officer alone reads their own language.
    const t = ctx.deps.texts.t(ctx.groupId ? 'th' : ctx.lang);
    const lang = ctx.groupId ? 'th' : ctx.lang;
    const result = await deps.notices.decide(id, verdict === 'ok' ? 'approve' : 'reject', {
      userId: ctx.userId,
      groupId: ctx.groupId,
    });
    if (!result.ok) {
      if (result.why === 'unknown') return ctx.reply([text(t('broadcast:notice.unknown'))], 'notice-refused');
      if (result.why === 'decided') {
        const n = result.notice!;
        const decision = t(
          n.status === 'approved' ? 'broadcast:notice.decisionApproved' : 'broadcast:notice.decisionRejected',
        );
        return ctx.reply(
          [text(t('broadcast:notice.alreadyDecided', { id: n._id, decision, officer: n.deciderName ?? '' }))],
          'notice-refused',
        );
      }
      const station = await deps.stations.get(result.notice!.stationCode);
      return ctx.reply(
        [actionRefused(t, result.why, { stationName: nameIn(station?.name, lang) || result.notice!.stationCode })],
        'notice-refused',
      );
    }
    const { notice, officerName, run } = result;
    const zone = await deps.zones.get(notice.zoneId);
    const community = nameIn(zone?.name, lang);
    if (notice.status === 'rejected')
      return ctx.reply(
        [text(t('broadcast:notice.rejected', { officer: officerName, id: notice._id, community }))],
        'notice-rejected',
      );
    const b = notice.broadcastId ? await deps.broadcasts.get(notice.broadcastId) : null;
    const figures = b && run ? runFigures(b, run) : undefined;
    const key = run?.state === 'held' ? 'broadcast:notice.approvedHeld' : 'broadcast:notice.approved';
    await ctx.reply(
      [
        text(
          t(key, {
            officer: officerName,
            id: notice._id,
            community,
            people: (figures?.people ?? 0).toLocaleString('en-US'),
            groups: figures?.groups ?? 0,
            needed: (figures?.needed ?? 0).toLocaleString('en-US'),
            remaining: (figures?.remaining ?? 0).toLocaleString('en-US'),
          }),
        ),
      ],
      'notice-approved',
    );
  }

  const groupNotice: Middleware = async (ctx, next) => {
    const typed = textOf(ctx.event);
    if (!typed || !ctx.groupId) return next();
    const trimmed = typed.trim();
    const command = ctx.deps.texts
      .keywords('broadcast:keywords.notice')
      .find((word) => normalizeText(trimmed.split(/\s/)[0] ?? '') === word);
    if (!command) return next();
    const words = trimmed.slice(trimmed.split(/\s/)[0]!.length).trim();
    const say = (key: string, params: (lang: 'th' | 'en' | 'ms') => Record<string, string | number> = () => ({})) =>
      ctx.reply([groupText(ctx.deps.texts.t, key, params)], 'notice');
    if (!words) return say('broadcast:notice.usage');
    let proposerName: string | undefined;
    if (ctx.userId) {
      const profile = await ctx.deps.line.getGroupMemberProfile(ctx.groupId, ctx.userId).catch(() => null);
      proposerName = profile?.displayName;
    }
    const result = await deps.notices.propose(
      ctx.groupId,
      { ...(ctx.userId ? { userId: ctx.userId } : {}), ...(proposerName ? { name: proposerName } : {}) },
      words,
      ctx.event.webhookEventId,
    );
    if (!result.ok) {
      if (result.why === 'no-officers') {
        const station = result.zone ? await deps.stations.get(result.zone.stationCode) : null;
        return say('broadcast:notice.noOfficers', (lang) => ({
          station: nameIn(station?.name, lang),
          phone: station?.phone ?? '191',
        }));
      }
      const key = { 'not-community': 'notCommunity', empty: 'usage', 'too-long': 'tooLong', 'too-many': 'tooMany' }[
        result.why
      ];
      return say(`broadcast:notice.${key}`);
    }
    const zone = await deps.zones.get(result.notice.zoneId);
    const station = await deps.stations.get(result.notice.stationCode);
    return say('broadcast:notice.sent', (lang) => ({
      station: nameIn(station?.name, lang),
      zone: nameIn(zone?.name, lang),
    }));
  };

  const groupDecision: Middleware = async (ctx, next) => {
    const raw = postbackOf(ctx.event);
    const p = raw ? decodePostback(raw) : undefined;
    if (p?.a !== 'notice' || !p.id) return next();
    return decideNotice(ctx, p.id, p.v);
  };

  return {
    group: [groupNotice, groupDecision],
    commands: [residents, officers],
    flows: [compose],
  };
}
