import { comingSoonMessage, helpMessage, text } from '../../../flex-templates/common';
import { normalizeText } from '../../i18n/i18n';
import type { Middleware } from '../context';
import { postbackOf, textOf } from '../context';
import { decodePostback } from '../postback';

const MENU_FEATURES: Record<string, string> = {
  report: 'menu.report',
  sos: 'menu.sos',
  'my-cases': 'menu.myCases',
  news: 'menu.news',
};

/**
 * The end of the 1:1 chain: menu actions whose feature has not landed answer "coming soon", and
 * anything not understood gets the help menu in the sender's language. Nothing is dropped silently.
 */
export const oneToOneFallback: Middleware = async (ctx) => {
  const { event } = ctx;
  // Asking for the menu is where a person who consented finds "withdraw consent".
  const who = { canWithdraw: ctx.user?.consent === 'accepted' };
  const raw = postbackOf(event);
  if (raw !== undefined) {
    const feature = MENU_FEATURES[decodePostback(raw).a ?? ''];
    await ctx.reply([feature ? comingSoonMessage(ctx.t, ctx.t(feature)) : helpMessage(ctx.t, 'howTo', who)], 'menu');
    return;
  }
  if (event.type !== 'message') return; // other event kinds need no answer
  const typed = textOf(event);
  if (typed === undefined) {
    await ctx.reply([helpMessage(ctx.t, 'unsupported')], 'help-unsupported');
    return;
  }
  const asksForHelp = ctx.deps.texts.keywords('keywords.help').includes(normalizeText(typed));
  await ctx.reply(
    [asksForHelp ? helpMessage(ctx.t, 'howTo', who) : helpMessage(ctx.t, 'unknown')],
    asksForHelp ? 'help' : 'help-unknown',
  );
};

/**
 * In groups the bot speaks only when spoken to: a `/command` it does not know gets the group help,
 * in Thai like everything else the bot says in a group.
 */
export const groupFallback: Middleware = async (ctx) => {
  const typed = textOf(ctx.event);
  if (typed?.trim().startsWith('/')) {
    await ctx.reply([text(ctx.deps.texts.t('th')('group.help'))], 'group-help');
  }
};
