import { helpMessage, languageChanged, languagePicker, text } from '../../../flex-templates/common';
import { toLanguage } from '../../domain/people';
import { normalizeText } from '../../i18n/i18n';
import type { Middleware } from '../context';
import { postbackOf, textOf } from '../context';
import { decodePostback } from '../postback';
import type { loadSender } from './sender';
import { setLanguage } from './sender';

/** PDPA consent (Accept / Decline) and the language switch: 1:1 chat only. */
export function preferenceHandlers(sender: ReturnType<typeof loadSender>): Middleware {
  return async (ctx, next) => {
    const { deps, userId } = ctx;
    if (!userId || ctx.event.source?.type !== 'user') return next();
    const raw = postbackOf(ctx.event);
    const postback = raw ? decodePostback(raw) : undefined;

    if (postback?.a === 'consent' && (postback.v === 'accept' || postback.v === 'decline')) {
      const accepted = postback.v === 'accept';
      ctx.user = await deps.users.setConsent(userId, accepted ? 'accepted' : 'declined', ctx.now);
      if (accepted) {
        const profile = await sender.profileOf(ctx, userId);
        if (profile) ctx.user = await deps.users.saveProfile(userId, profile, ctx.now);
      }
      // Whatever they chose, they are told how to get help.
      await ctx.reply(
        [text(ctx.t(accepted ? 'privacy.accepted' : 'privacy.declined')), helpMessage(ctx.t, 'howTo')],
        `consent-${postback.v}`,
      );
      return;
    }

    const typed = textOf(ctx.event);
    const asksForLanguage =
      postback?.a === 'language' ||
      (typed !== undefined && deps.texts.keywords('keywords.language').includes(normalizeText(typed)));
    if (asksForLanguage) {
      await ctx.reply([languagePicker(ctx.t, deps.texts.t)], 'language-picker');
      return;
    }
    const chosen = postback?.a === 'lang' ? toLanguage(postback.v) : undefined;
    if (chosen) {
      ctx.user = await deps.users.setLanguage(userId, chosen, ctx.now);
      setLanguage(ctx, chosen);
      await ctx.reply([languageChanged(ctx.t)], 'language-changed');
      await deps.menus?.follow(userId, chosen);
      return;
    }
    await next();
  };
}
