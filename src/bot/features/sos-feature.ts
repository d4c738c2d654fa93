import type { webhook } from '@line/bot-sdk';
import { text } from '../../../flex-templates/common';
import { ambiguousHelpQuestion } from '../../../flex-templates/sos';
import { actionRefused } from '../../../flex-templates/report-card';
import { nameIn } from '../../../flex-templates/format';
import { ALERT_STATUSES, type AlertStatus } from '../../domain/sos/alert';
import type { SosService } from '../../domain/sos/sos-service';
import { normalizeText } from '../../i18n/i18n';
import type { PinRepository } from '../../store/repositories/pin-repository';
import type { BotFeature } from '../bot';
import type { Middleware } from '../context';
import { postbackOf, textOf } from '../context';
import { decodePostback } from '../postback';

/** "SOS!!" and "SOS." mean the same as the bare word (trailing punctuation, in any script). */
function spoken(raw: string): string {
  return normalizeText(raw).replace(/[!！?？.。,\s]+$/u, '');
}

/**
 * SOS pre-empts everything in a 1:1 chat: the SOS button, unambiguous words, and a pin while an
 * alert is open. Ambiguous words get a one-tap question with "SOS now" first. Works whatever the
 * person said about consent, and in the middle of any other flow (that flow stays where it was).
 */
export function sosFeature(deps: { sos: SosService; pins: PinRepository }): BotFeature {
  const trigger: Middleware = async (ctx, next) => {
    if (ctx.event.source?.type !== 'user' || !ctx.userId) return next();
    const raw = postbackOf(ctx.event);
    const postback = raw ? decodePostback(raw) : undefined;
    const typed = textOf(ctx.event);
    const words = typed !== undefined ? spoken(typed) : undefined;
    const keywords = (key: string) => ctx.deps.texts.keywords(key).map(spoken);

    if (postback?.a === 'sos' || (words !== undefined && keywords('sos:keywords.sos').includes(words))) {
      const messages = await deps.sos.raise(
        {
          userId: ctx.userId,
          lang: ctx.lang,
          name: ctx.user?.consent === 'accepted' ? ctx.user.displayName : undefined,
        },
        ctx.event.webhookEventId,
      );
      await ctx.reply(messages, 'sos-raised');
      return;
    }
    if (words !== undefined && keywords('sos:keywords.ambiguous').includes(words)) {
      await ctx.reply([ambiguousHelpQuestion(ctx.t)], 'sos-question');
      return;
    }
    if (ctx.event.type === 'message' && (ctx.event as webhook.MessageEvent).message.type === 'location') {
      const m = (ctx.event as webhook.MessageEvent).message as webhook.LocationMessageContent;
      const position = { lat: m.latitude, lng: m.longitude, ...(m.address ? { address: m.address } : {}), at: ctx.now };
      const answered = await deps.sos.position(ctx.userId, ctx.lang, position);
      if (answered) {
        await deps.pins.save(ctx.userId, { ...position });
        await ctx.reply(answered, 'sos-position');
        return;
      }
    }
    await next();
  };

  const dutyCommand: Middleware = async (ctx, next) => {
    const typed = textOf(ctx.event);
    const match = typed ? /^\/duty\s+(on|off)$/i.exec(typed.trim()) : null;
    if (!match || !ctx.userId) return next();
    const onDuty = match[1]!.toLowerCase() === 'on';
    const updated = await ctx.deps.users.setOnDuty(ctx.userId, onDuty, ctx.now);
    // The officer menu's duty tile shows the state: the menu of the new state is linked.
    if (updated) await ctx.deps.menus?.follow(ctx.userId, ctx.lang);
    await ctx.reply([text(ctx.t(updated ? (onDuty ? 'sos:duty.on' : 'sos:duty.off') : 'sos:duty.notOfficer'))], 'duty');
  };

  const actInGroup: Middleware = async (ctx, next) => {
    const raw = postbackOf(ctx.event);
    const data = raw ? decodePostback(raw) : undefined;
    if (data?.a !== 'sos-act' || !data.id || !(ALERT_STATUSES as readonly string[]).includes(data.to ?? ''))
      return next();
    const t = ctx.deps.texts.t('th');
    const result = await deps.sos.act(data.id, data.to as AlertStatus, { userId: ctx.userId, groupId: ctx.groupId });
    if (result.ok) return ctx.reply([result.groupMessage], 'sos-update');
    const { alert } = result;
    const refusal = actionRefused(t, result.why, {
      id: alert?._id,
      stationName: nameIn(result.station?.name, 'th') || alert?.stationCode,
      owner: alert?.ownerName,
      status: alert ? t(`sos:status.${alert.status}`) : undefined,
    });
    return ctx.reply([refusal], 'sos-refused');
  };

  return { preempt: [trigger], group: [actInGroup], commands: [dutyCommand] };
}
