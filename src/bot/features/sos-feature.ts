import type { webhook } from '@line/bot-sdk';
import { text } from '../../../flex-templates/common';
import {
  ambiguousHelpQuestion,
  forwardReceipt,
  officerHelp,
  sosAlsoInOtherLanguages,
  sosGroupUpdate,
  sosJoined,
  sosRaised,
  sosToPerson,
} from '../../../flex-templates/sos';
import { actionRefused } from '../../../flex-templates/report-card';
import { nameIn } from '../../../flex-templates/format';
import { ALERT_STATUSES, type AlertStatus, type ForwardInput } from '../../domain/sos/alert';
import type { RaiseOutcome, SosService } from '../../domain/sos/sos-service';
import type { Language } from '../../domain/people';
import { normalizeText } from '../../i18n/i18n';
import type { LineMessage } from '../../messaging/line-gateway';
import type { PinRepository } from '../../store/repositories/pin-repository';
import type { StationRepository } from '../../store/repositories/station-repository';
import type { BotFeature } from '../bot';
import type { BotContext, Middleware } from '../context';
import { postbackOf, textOf } from '../context';
import { decodePostback } from '../postback';

/** The longest public name an officer may set: it goes into one line of a resident's message. */
export const PUBLIC_NAME_MAX = 40;

/**
 * "SOS!!" and "SOS." mean the same as the bare word (trailing punctuation, in any script), and Thai,
 * written without spaces between words, means the same with a stray one ("ช่วยด้วย ค่ะ").
 */
function spoken(raw: string): string {
  return normalizeText(raw)
    .replace(/[!！?？.。,\s]+$/u, '')
    .replace(/(?<=[\u0E00-\u0E7F])\s+(?=[\u0E00-\u0E7F])/gu, '');
}

/** What a 1:1 message is, for passing it on during an SOS (a pin is a position, handled on its own). */
function forwardInputOf(event: webhook.Event): ForwardInput | undefined {
  if (event.type !== 'message') return undefined;
  const m = (event as webhook.MessageEvent).message;
  switch (m.type) {
    case 'text':
      return { type: 'text', text: (m as webhook.TextMessageContent).text };
    case 'image':
      return { type: 'image', messageId: m.id };
    case 'video':
    case 'audio': {
      const duration = (m as webhook.VideoMessageContent | webhook.AudioMessageContent).duration;
      return { type: m.type, messageId: m.id, ...(duration ? { durationMs: duration } : {}) };
    }
    case 'location':
      return undefined;
    default:
      return { type: 'other' };
  }
}

/** Said under a Thai SOS answer when the person's language is not known yet (so it was Thai). */
const OTHER_LANGUAGES: readonly Language[] = ['en', 'ms'];

function raisedMessage(ctx: BotContext, outcome: RaiseOutcome): LineMessage {
  const said = raisedInOwnLanguage(ctx, outcome);
  if (!ctx.languageGuessed) return said;
  const others = OTHER_LANGUAGES.map((lang) => ctx.deps.texts.t(lang));
  return sosAlsoInOtherLanguages(said, others, { unrouted: outcome.said === 'unrouted' });
}

function raisedInOwnLanguage(ctx: BotContext, outcome: RaiseOutcome): LineMessage {
  switch (outcome.said) {
    case 'raised':
      return sosRaised(ctx.t, {
        holder: outcome.holder,
        withPin: Boolean(outcome.alert.position),
        firstRungMinutes: outcome.firstRungMinutes,
        lang: ctx.lang,
      });
    case 'joined':
      return sosJoined(ctx.t, outcome.alert);
    case 'unrouted':
      return sosToPerson(ctx.t, 'unrouted');
  }
}

/**
 * SOS pre-empts everything in a 1:1 chat: the SOS button, unambiguous words, and while an alert is
 * open, a pin and anything the person sends (passed on to whoever holds the alert). Ambiguous words
 * get a one-tap question with "SOS now" first. Works whatever the person said about consent, and in
 * the middle of any other flow (that flow stays where it was). Officers act on SOS cards in the
 * station group and in their own chat alike.
 */
export function sosFeature(deps: { sos: SosService; pins: PinRepository; stations: StationRepository }): BotFeature {
  /** An officer's tap on an SOS card, in the station group or in their own chat (where the card is pushed too). */
  const act: Middleware = async (ctx, next) => {
    const raw = postbackOf(ctx.event);
    const data = raw ? decodePostback(raw) : undefined;
    if (data?.a !== 'sos-act' || !data.id || !(ALERT_STATUSES as readonly string[]).includes(data.to ?? ''))
      return next();
    // Groups read Thai; an officer's own chat reads the officer's language.
    const lang = ctx.groupId ? 'th' : ctx.lang;
    const t = ctx.deps.texts.t(lang);
    const result = await deps.sos.act(data.id, data.to as AlertStatus, { userId: ctx.userId, groupId: ctx.groupId });
    if (result.ok)
      return ctx.reply([sosGroupUpdate(t, result.alert, result.officer, result.secondsToAck)], 'sos-update');
    const { alert } = result;
    const refusal = actionRefused(t, result.why, {
      id: alert?._id,
      stationName: nameIn(result.station?.name, lang) || alert?.stationCode,
      owner: alert?.ownerName,
      status: alert ? t(`sos:status.${alert.status}`) : undefined,
    });
    return ctx.reply([refusal], 'sos-refused');
  };

  const trigger: Middleware = async (ctx, next) => {
    if (ctx.event.source?.type !== 'user' || !ctx.userId) return next();
    const raw = postbackOf(ctx.event);
    const postback = raw ? decodePostback(raw) : undefined;
    if (postback?.a === 'sos-act') return act(ctx, next);
    const typed = textOf(ctx.event);
    const words = typed !== undefined ? spoken(typed) : undefined;
    const keywords = (key: string) => ctx.deps.texts.keywords(key).map(spoken);

    if (postback?.a === 'sos' || (words !== undefined && keywords('sos:keywords.sos').includes(words))) {
      const outcome = await deps.sos.raise(
        {
          userId: ctx.userId,
          lang: ctx.lang,
          name: ctx.user?.consent === 'accepted' ? ctx.user.displayName : undefined,
        },
        ctx.event.webhookEventId,
      );
      await ctx.reply([raisedMessage(ctx, outcome)], 'sos-raised');
      return;
    }
    if (ctx.event.type === 'message' && (ctx.event as webhook.MessageEvent).message.type === 'location') {
      const m = (ctx.event as webhook.MessageEvent).message as webhook.LocationMessageContent;
      const position = { lat: m.latitude, lng: m.longitude, ...(m.address ? { address: m.address } : {}), at: ctx.now };
      const outcome = await deps.sos.position(ctx.userId, position);
      if (outcome) {
        // The alert keeps the position; the pin is kept apart (for a next SOS) only with consent not refused.
        if (ctx.user?.consent !== 'declined') await deps.pins.save(ctx.userId, { ...position });
        const said =
          outcome.said === 'kept'
            ? sosToPerson(ctx.t, 'locationKept')
            : outcome.station
              ? sosToPerson(ctx.t, 'locationForwardedTo', { station: nameIn(outcome.station.name, ctx.lang) })
              : sosToPerson(ctx.t, 'locationForwarded');
        await ctx.reply([said], 'sos-position');
        return;
      }
    }
    // While an alert is open, what the person sends goes to the officers (not "sorry, I didn't understand").
    const input = forwardInputOf(ctx.event);
    const asksForLanguage =
      words !== undefined && ctx.deps.texts.keywords('keywords.language').includes(normalizeText(typed!));
    if (input && !asksForLanguage) {
      const outcome = await deps.sos.forward(ctx.userId, input, ctx.event.webhookEventId);
      if (outcome) {
        await ctx.reply([forwardReceipt(ctx.t, outcome)], 'sos-forwarded');
        return;
      }
    }
    if (words !== undefined && ctx.user?.role === 'officer' && asksOfficerHelp(words, keywords)) {
      await ctx.reply([await helpFor(ctx)], 'officer-help');
      return;
    }
    if (words !== undefined && keywords('sos:keywords.ambiguous').includes(words)) {
      await ctx.reply([ambiguousHelpQuestion(ctx.t)], 'sos-question');
      return;
    }
    await next();
  };

  /** "help", "ช่วย", "/help" from an officer: the officer's commands (with SOS still one tap away). */
  function asksOfficerHelp(words: string, keywords: (key: string) => string[]): boolean {
    return (
      words === '/help' ||
      keywords('sos:keywords.ambiguous').includes(words) ||
      keywords('keywords.help').includes(words)
    );
  }

  async function helpFor(ctx: BotContext): Promise<LineMessage> {
    const station = ctx.user?.stationCode ? ((await deps.stations.get(ctx.user.stationCode)) ?? undefined) : undefined;
    return officerHelp(ctx.t, {
      station,
      name: ctx.user?.publicName ?? ctx.user?.displayName ?? '-',
      onDuty: Boolean(ctx.user?.onDuty),
      lang: ctx.lang,
    });
  }

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

  /** "/name ร.ต.อ. สมชาย ใจดี": the name residents read in "officer X is responding to you". */
  const nameCommand: Middleware = async (ctx, next) => {
    const typed = textOf(ctx.event);
    const match = typed ? /^\/name(?:\s+([\s\S]*))?$/i.exec(typed.trim()) : null;
    if (!match || !ctx.userId) return next();
    if (ctx.user?.role !== 'officer') return ctx.reply([text(ctx.t('sos:duty.notOfficer'))], 'name-refused');
    const name = (match[1] ?? '').replace(/\s+/g, ' ').trim();
    if (!name || [...name].length > PUBLIC_NAME_MAX)
      return ctx.reply([text(ctx.t('report:officer.nameUsage', { max: PUBLIC_NAME_MAX }))], 'name-usage');
    ctx.user = (await ctx.deps.users.setPublicName(ctx.userId, name, ctx.now)) ?? ctx.user;
    return ctx.reply([text(ctx.t('report:officer.nameSet', { name }))], 'name-set');
  };

  return { preempt: [trigger], group: [act], commands: [dutyCommand, nameCommand] };
}
