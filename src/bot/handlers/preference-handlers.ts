import { helpMessage, languageChanged, languagePicker, text } from '../../../flex-templates/common';
import { privacyDetails } from '../../../flex-templates/welcome';
import { toLanguage } from '../../domain/people';
import { normalizeText } from '../../i18n/i18n';
import type { BotContext, Middleware } from '../context';
import { postbackOf, textOf } from '../context';
import { decodePostback } from '../postback';
import type { loadSender } from './sender';
import { setLanguage } from './sender';

/** PDPA consent (accept, decline, withdraw, the full notice) and the language switch: 1:1 chat only. */
export function preferenceHandlers(sender: ReturnType<typeof loadSender>): Middleware {
  /**
   * PDPA s. 19: withdrawing consent is as easy as giving it, and takes effect at once. The name and
   * profile language go, as for a person who declined; an unfinished report (what they sent so far)
   * goes too; the next report asks for consent again. Cases already sent stay as police records.
   */
  async function withdraw(ctx: BotContext, userId: string): Promise<void> {
    const hadConsented = ctx.user?.consent === 'accepted';
    if (ctx.user?.consent !== 'declined') {
      ctx.user = await ctx.deps.users.setConsent(userId, 'declined', ctx.now);
    }
    await ctx.deps.sessions.clear(userId);
    await ctx.reply(
      [text(ctx.t(hadConsented ? 'privacy.withdrawn' : 'privacy.declined')), helpMessage(ctx.t, 'howTo')],
      'consent-withdraw',
    );
  }

  return async (ctx, next) => {
    const { deps, userId } = ctx;
    if (!userId || ctx.event.source?.type !== 'user') return next();
    const raw = postbackOf(ctx.event);
    const postback = raw ? decodePostback(raw) : undefined;
    const typed = textOf(ctx.event);
    const said = typed !== undefined ? normalizeText(typed) : undefined;
    const saysOneOf = (key: string) => said !== undefined && deps.texts.keywords(key).includes(said);

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
    if ((postback?.a === 'consent' && postback.v === 'withdraw') || saysOneOf('keywords.withdraw')) {
      return withdraw(ctx, userId);
    }
    if (postback?.a === 'privacy' || saysOneOf('keywords.privacy')) {
      await ctx.reply([privacyDetails(ctx.t, ctx.user?.consent ?? 'pending')], 'privacy-details');
      return;
    }

    if (postback?.a === 'language' || saysOneOf('keywords.language')) {
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
