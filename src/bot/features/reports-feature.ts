import { privacyNotice } from '../../../flex-templates/welcome';
import { askCategory } from '../../../flex-templates/report-flow';
import { actionRefused, groupUpdate, myCasesCarousel } from '../../../flex-templates/report-card';
import { text } from '../../../flex-templates/common';
import { zoneInfo } from '../../../flex-templates/zone-info';
import { followOffer } from '../../../flex-templates/broadcast';
import { nameIn } from '../../../flex-templates/format';
import { parseBindCommand, type BindService, type RedeemResult } from '../../domain/binding/bind-service';
import type { T } from '../../i18n/i18n';
import type { CaseStatus, RejectReason } from '../../domain/reports/case';
import { CASE_STATUSES } from '../../domain/reports/case';
import { normalizeText } from '../../i18n/i18n';
import type { StationRepository } from '../../store/repositories/station-repository';
import type { ZoneRepository } from '../../store/repositories/zone-repository';
import type { BotFeature } from '../bot';
import type { BotContext, Middleware } from '../context';
import { postbackOf, textOf } from '../context';
import type { FlowEngine } from '../flows/flow-engine';
import { reportFlow, type ReportDraft, type ReportFlowDeps } from '../flows/report-flow';
import { decodePostback } from '../postback';
import type { webhook } from '@line/bot-sdk';

export interface ReportsFeatureDeps extends ReportFlowDeps {
  binding: BindService;
  stations: StationRepository;
  zones: ZoneRepository;
  flows: () => FlowEngine;
  /** Zone news: whether the person follows a zone, so a pin or a home zone can offer it. */
  zoneNews?: { follows(userId: string, zoneId: string): Promise<boolean> };
}

/**
 * Reports end to end: `/bind` in groups and for officers, the report flow, officer buttons on
 * cards, "my cases", and what a pin sent outside a flow means.
 */
export function reportsFeature(deps: ReportsFeatureDeps): BotFeature {
  const flow = reportFlow(deps);

  async function stationName(code: string, lang: BotContext['lang']): Promise<string> {
    const station = await deps.stations.get(code);
    return station ? nameIn(station.name, lang) : code;
  }

  /** One answer for every wrong code (nothing tells a guesser which codes exist), and the lock-out. */
  async function refuseBind(ctx: BotContext, result: Exclude<RedeemResult, { ok: true }>, t: T): Promise<void> {
    const where = { userId: ctx.userId, groupId: ctx.groupId };
    if (result.why === 'locked') {
      if (result.justLocked)
        ctx.log.error(
          { alert: 'bind_code_guessing', ...where, scope: result.scope },
          'too many wrong bind codes: /bind locked for an hour',
        );
      return ctx.reply([text(t('report:bind.tooManyTries'))], 'bind-refused');
    }
    ctx.log.warn({ ...where, why: result.detail }, 'bind code refused');
    return ctx.reply([text(t('report:bind.invalid'))], 'bind-refused');
  }

  const bindInGroup: Middleware = async (ctx, next) => {
    const typed = textOf(ctx.event);
    const command = typed ? parseBindCommand(typed) : undefined;
    if (!command || !ctx.groupId) return next();
    const t = ctx.deps.texts.t('th');
    if (!command.code) return ctx.reply([text(t('report:bind.usage'))], 'bind-usage');
    const result = await deps.binding.redeem(
      command.code,
      'group',
      { userId: ctx.userId, groupId: ctx.groupId },
      ctx.now,
    );
    if (!result.ok) return refuseBind(ctx, result, t);
    const { code } = result;
    const kind = code.kind === 'community' ? 'community' : 'station';
    await ctx.deps.groups.bind(ctx.groupId, kind, { stationCode: code.stationCode, zoneId: code.zoneId }, ctx.now);
    const station = await stationName(code.stationCode, 'th');
    if (kind === 'station') {
      await ctx.reply([text(t('report:bind.boundStation', { station }))], 'bind-station');
      // Reports filed while the station had no group were waiting for this one.
      const posted = await deps.cases.routeWaiting({ stationCode: code.stationCode });
      if (posted > 0) ctx.log.info({ station: code.stationCode, posted }, 'waiting cases posted to the new group');
      return;
    }
    const zone = code.zoneId ? await deps.zones.get(code.zoneId) : null;
    return ctx.reply(
      [text(t('report:bind.boundCommunity', { zone: nameIn(zone?.name, 'th'), station }))],
      'bind-community',
    );
  };

  const caseActionInGroup: Middleware = async (ctx, next) => {
    const raw = postbackOf(ctx.event);
    const data = raw ? decodePostback(raw) : undefined;
    if (data?.a !== 'case' || !data.id || !(CASE_STATUSES as readonly string[]).includes(data.to ?? '')) return next();
    // Officers read Thai in the station group; a refusal goes to the same place the tap came from.
    const t = ctx.deps.texts.t(ctx.groupId ? 'th' : ctx.lang);
    const reason = data.r === 'duplicate' || data.r === 'false_report' ? (data.r as RejectReason) : undefined;
    const result = await deps.cases.act(
      data.id,
      data.to as CaseStatus,
      { userId: ctx.userId, groupId: ctx.groupId },
      reason,
    );
    if (result.ok) return ctx.reply([groupUpdate(t, result.c, result.officerName)], 'case-update');
    const c = 'c' in result ? result.c : undefined;
    const refusal = actionRefused(t, result.why === 'unknown-case' ? 'unknown' : result.why, {
      id: c?._id,
      stationName: nameIn('station' in result ? result.station?.name : undefined, 'th') || c?.stationCode,
      owner: c?.ownerName,
      status: c ? t(`report:status.${c.status}`) : undefined,
    });
    return ctx.reply([refusal], 'case-refused');
  };

  const officerBind: Middleware = async (ctx, next) => {
    const typed = textOf(ctx.event);
    const command = typed ? parseBindCommand(typed) : undefined;
    if (!command || !ctx.userId) return next();
    if (!command.code) return ctx.reply([text(ctx.t('report:bind.usage'))], 'bind-usage');
    const result = await deps.binding.redeem(command.code, 'chat', { userId: ctx.userId }, ctx.now);
    if (!result.ok) return refuseBind(ctx, result, ctx.t);
    ctx.user = await ctx.deps.users.makeOfficer(ctx.userId, result.code.stationCode, ctx.now);
    // Officers are staff: their LINE name is kept so groups and residents see who is responding.
    const profile = await ctx.deps.line.getProfile(ctx.userId).catch(() => null);
    if (profile)
      ctx.user = (await ctx.deps.users.saveOfficerName(ctx.userId, profile.displayName, ctx.now)) ?? ctx.user;
    // The officer menu replaces the resident one.
    await ctx.deps.menus?.follow(ctx.userId, ctx.lang);
    const name = ctx.user.publicName ?? ctx.user.displayName ?? '-';
    // Off duty until they say /duty on (the message says how): SOS pushes go only to officers who asked.
    return ctx.reply(
      [
        text(
          ctx.t('report:officer.registered', { station: await stationName(result.code.stationCode, ctx.lang), name }),
        ),
      ],
      'officer-registered',
    );
  };

  /** Whether to offer "get this zone's news" (the person does not follow it yet). */
  async function newsOffer(userId: string, zoneId: string): Promise<boolean> {
    return deps.zoneNews ? !(await deps.zoneNews.follows(userId, zoneId)) : false;
  }

  async function startReport(ctx: BotContext, draft: ReportDraft): Promise<void> {
    if (ctx.user?.consent !== 'accepted') {
      await ctx.reply([text(ctx.t('report:flow.needConsent')), privacyNotice(ctx.t)], 'report-needs-consent');
      return;
    }
    await deps.flows().start(ctx, ctx.userId!, flow, 'category', draft, [askCategory(ctx.t, deps.categories)]);
  }

  const commands: Middleware = async (ctx, next) => {
    if (!ctx.userId) return next();
    const raw = postbackOf(ctx.event);
    const postback = raw ? decodePostback(raw) : undefined;
    const typed = textOf(ctx.event);
    const said = typed !== undefined ? normalizeText(typed) : undefined;
    const keywords = ctx.deps.texts.keywords.bind(ctx.deps.texts);

    if (postback?.a === 'report' || (said !== undefined && keywords('report:keywords.report').includes(said))) {
      return startReport(ctx, { photos: [] });
    }
    if (postback?.a === 'report-here') {
      const pin = await deps.pins.recent(ctx.userId, ctx.now, 60 * 60_000);
      return startReport(
        ctx,
        pin
          ? {
              photos: [],
              location: {
                lat: pin.lat,
                lng: pin.lng,
                ...(pin.address ? { address: pin.address } : {}),
                source: 'last-pin',
              },
            }
          : { photos: [] },
      );
    }
    if (postback?.a === 'home' && postback.z) {
      const zone = await deps.zones.get(postback.z);
      if (!zone) return next();
      await ctx.deps.users.setHomeZone(ctx.userId, zone._id, ctx.now);
      const offer = await newsOffer(ctx.userId, zone._id);
      return ctx.reply(
        [
          text(
            ctx.t('report:zone.homeSet', {
              zone: nameIn(zone.name, ctx.lang),
              station: await stationName(zone.stationCode, ctx.lang),
            }),
            offer ? [followOffer(ctx.t, zone._id, 'home')] : undefined,
          ),
        ],
        'home-zone',
      );
    }
    if (postback?.a === 'my-cases' || (said !== undefined && keywords('report:keywords.myCases').includes(said))) {
      const cases = await deps.cases.myCases(ctx.userId);
      return ctx.reply([myCasesCarousel(ctx.t, cases, ctx.lang)], 'my-cases');
    }
    if (ctx.event.type === 'message' && (ctx.event as webhook.MessageEvent).message.type === 'location') {
      const m = (ctx.event as webhook.MessageEvent).message as webhook.LocationMessageContent;
      // Kept for "report here" and a next SOS; not for a person who declined the privacy notice.
      if (ctx.user?.consent !== 'declined')
        await deps.pins.save(ctx.userId, { lat: m.latitude, lng: m.longitude, address: m.address, at: ctx.now });
      const where = deps.cases.locate({ lat: m.latitude, lng: m.longitude });
      const zone = where.inZone ? where.zones[0] : undefined;
      const offer = zone && (await newsOffer(ctx.userId, zone._id));
      return ctx.reply(
        [zoneInfo(ctx.t, where, ctx.lang, offer ? [followOffer(ctx.t, zone._id, 'pin')] : [])],
        'zone-info',
      );
    }
    await next();
  };

  return {
    group: [bindInGroup, caseActionInGroup],
    commands: [officerBind, commands],
    flows: [flow],
  };
}
