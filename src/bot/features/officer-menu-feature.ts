import { text } from '../../../flex-templates/common';
import { openCasesMessage, openSosMessage } from '../../../flex-templates/officer-lists';
import type { OfficerView } from '../../../flex-templates/officer-menu';
import { OPEN_STATUSES } from '../../domain/reports/case';
import type { OfficerMenus } from '../../messaging/officer-menus';
import type { AlertRepository } from '../../store/repositories/alert-repository';
import type { CaseRepository } from '../../store/repositories/case-repository';
import type { StationRepository } from '../../store/repositories/station-repository';
import type { BotFeature } from '../bot';
import type { Middleware } from '../context';
import { postbackOf } from '../context';
import { decodePostback } from '../postback';

/**
 * The officer menu's own tiles: the station's open cases and open SOS, going on or off duty (the
 * menu follows, so its duty tile shows the state), and switching between officer and resident views.
 */
export function officerMenuFeature(deps: {
  cases: Pick<CaseRepository, 'byStation'>;
  alerts: Pick<AlertRepository, 'openAtStation'>;
  stations: Pick<StationRepository, 'get'>;
  menus: Pick<OfficerMenus, 'show'>;
}): BotFeature {
  const commands: Middleware = async (ctx, next) => {
    const userId = ctx.userId;
    const raw = postbackOf(ctx.event);
    const p = raw ? decodePostback(raw) : undefined;
    if (!userId || !p || !['ocases', 'osos', 'duty', 'view'].includes(p.a ?? '')) return next();
    const officer = ctx.user?.role === 'officer' && ctx.user.stationCode ? ctx.user : undefined;
    if (!officer) {
      // A resident has no officer tiles; a tap from a stale menu (someone no longer an officer) is told so.
      if (p.a === 'view') return;
      return ctx.reply([text(ctx.t('officer:notOfficer'))], 'officer-menu-refused');
    }
    const station = await deps.stations.get(officer.stationCode!);
    switch (p.a) {
      case 'ocases': {
        const open = await deps.cases.byStation(officer.stationCode!, { status: [...OPEN_STATUSES], limit: 50 });
        return ctx.reply([openCasesMessage(ctx.t, open, station?.name, ctx.lang)], 'officer-open-cases');
      }
      case 'osos': {
        const open = await deps.alerts.openAtStation(officer.stationCode!, 50);
        return ctx.reply([openSosMessage(ctx.t, open, station?.name, ctx.lang)], 'officer-open-sos');
      }
      case 'duty': {
        const onDuty = p.v === 'on' ? true : p.v === 'off' ? false : !officer.onDuty;
        ctx.user = (await ctx.deps.users.setOnDuty(userId, onDuty, ctx.now)) ?? officer;
        await deps.menus.show(userId, 'officer', onDuty, ctx.lang);
        return ctx.reply([text(ctx.t(onDuty ? 'sos:duty.on' : 'sos:duty.off'))], 'duty');
      }
      case 'view': {
        // LINE switched the menu on the phone already (richmenuswitch); linking it keeps the choice
        // on the person's other devices and after LINE restarts. Nothing needs saying.
        const view: OfficerView = p.v === 'resident' ? 'resident' : 'officer';
        await deps.menus.show(userId, view, officer.onDuty === true, ctx.lang);
        return;
      }
    }
  };
  return { commands: [commands] };
}
