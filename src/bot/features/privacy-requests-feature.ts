import { privacyRequestRecorded } from '../../../flex-templates/privacy';
import type { PrivacyRequestKind } from '../../domain/privacy/privacy-request';
import type { PrivacyService } from '../../domain/privacy/privacy-service';
import { normalizeText } from '../../i18n/i18n';
import type { BotFeature } from '../bot';
import type { Middleware } from '../context';
import { textOf } from '../context';

/**
 * "ข้อมูลของฉัน" / "my data" / "data saya" (or "delete my data") in a 1:1 chat: the request is
 * recorded for the station to act on through the admin API, and the person is told so in their
 * language, with its number. It works at any step of any flow and whatever they said about consent
 * (the right to ask does not depend on having agreed); while an SOS is open, SOS takes what they type.
 */
export function privacyRequestsFeature(deps: { privacy: PrivacyService }): BotFeature {
  const asked: Middleware = async (ctx, next) => {
    const typed = textOf(ctx.event);
    if (ctx.event.source?.type !== 'user' || !ctx.userId || typed === undefined) return next();
    const said = normalizeText(typed);
    const kind: PrivacyRequestKind | undefined = ctx.deps.texts.keywords('privacy:keywords.eraseMyData').includes(said)
      ? 'erasure'
      : ctx.deps.texts.keywords('privacy:keywords.myData').includes(said)
        ? 'access'
        : undefined;
    if (!kind) return next();
    const { request, station, already } = await deps.privacy.request(ctx.userId, kind, ctx.lang);
    await ctx.reply([privacyRequestRecorded(ctx.t, request, station, ctx.lang, already)], 'privacy-request');
  };
  return { preempt: [asked] };
}
