// Message builders shared by every flow: plain texts with quick replies. Pure functions of
// (t, data): all words come from locales/, all LINE JSON is built here, none in src/.
import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import { encodePostback, type PostbackData } from '../src/bot/postback';
import type { Language } from '../src/domain/people';
import { clipGraphemes } from './format';

export type Message = messagingApi.Message;
export type QuickReplyItem = messagingApi.QuickReplyItem;

/**
 * LINE truncates nothing for us: a quick-reply or button label over 20 characters is a 400, and
 * LINE counts labels in grapheme clusters, so a Thai label may be longer in UTF-16 units. The locale
 * texts are written to fit; a label that does not is cut (between clusters) rather than refused.
 */
export function label(text: string, max = 20): string {
  return clipGraphemes(text, max);
}

export function postbackItem(text: string, data: PostbackData, displayText?: string): QuickReplyItem {
  return {
    type: 'action',
    action: { type: 'postback', label: label(text), data: encodePostback(data), displayText: displayText ?? text },
  };
}

export function locationItem(text: string): QuickReplyItem {
  return { type: 'action', action: { type: 'location', label: label(text) } };
}

/** "Label: value" on one line of a card; the label column takes `labelFlex` of 7 parts. */
export function detailRow(key: string, value: string, labelFlex = 2): messagingApi.FlexBox {
  return {
    type: 'box',
    layout: 'baseline',
    spacing: 'sm',
    contents: [
      { type: 'text', text: key, size: 'sm', color: '#888888', flex: labelFlex, wrap: true },
      { type: 'text', text: value || '-', size: 'sm', color: '#222222', flex: 7 - labelFlex, wrap: true },
    ],
  };
}

/** A card footer with a primary and a secondary choice, each a postback that echoes its label. */
export function choiceFooter(
  primary: { text: string; data: PostbackData },
  secondary: { text: string; data: PostbackData },
): messagingApi.FlexBox {
  const button = (
    c: { text: string; data: PostbackData },
    style: 'primary' | 'secondary',
  ): messagingApi.FlexButton => ({
    type: 'button',
    style,
    ...(style === 'primary' ? { color: '#1F6FEB' } : {}),
    action: { type: 'postback', label: label(c.text), data: encodePostback(c.data), displayText: c.text },
  });
  return buttonRow([button(primary, 'primary'), button(secondary, 'secondary')]);
}

/** Buttons side by side on a card. */
export function buttonRow(buttons: messagingApi.FlexComponent[], spacing: 'none' | 'sm' = 'sm'): messagingApi.FlexBox {
  return { type: 'box', layout: 'horizontal', spacing, contents: buttons };
}

export function text(body: string, quickReply?: QuickReplyItem[]): messagingApi.TextMessage {
  return quickReply && quickReply.length > 0
    ? { type: 'text', text: body, quickReply: { items: quickReply.slice(0, 13) } }
    : { type: 'text', text: body };
}

const menus = new WeakMap<T, readonly QuickReplyItem[]>();

/**
 * The main actions, offered wherever the bot does not know what the person wants. The same five
 * buttons for every answer in a language, so they are built once per language (frozen: shared).
 */
export function mainMenuItems(t: T): QuickReplyItem[] {
  let items = menus.get(t);
  if (!items) {
    items = deepFreeze([
      postbackItem(t('menu.sos'), { a: 'sos' }),
      postbackItem(t('menu.report'), { a: 'report' }),
      postbackItem(t('menu.myCases'), { a: 'my-cases' }),
      postbackItem(t('menu.news'), { a: 'news' }),
      postbackItem(t('menu.language'), { a: 'language' }),
    ]);
    menus.set(t, items);
  }
  return items as QuickReplyItem[];
}

function deepFreeze<V>(value: V): V {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Help with the main actions. A person who consented also gets "withdraw consent" there (PDPA:
 * withdrawing is as easy as giving consent).
 */
export function helpMessage(
  t: T,
  reason: 'howTo' | 'unknown' | 'unsupported',
  who: { canWithdraw?: boolean } = {},
): Message {
  const items = who.canWithdraw
    ? [...mainMenuItems(t), postbackItem(t('privacy.withdraw'), { a: 'consent', v: 'withdraw' })]
    : mainMenuItems(t);
  return text(t(`help.${reason}`), items);
}

export function comingSoonMessage(t: T, feature: string): Message {
  return text(t('comingSoon', { feature }), mainMenuItems(t));
}

export function languagePicker(t: T, texts: (lang: Language) => T): Message {
  const langs: Language[] = ['th', 'en', 'ms'];
  return text(
    t('language.prompt'),
    langs.map((l) => postbackItem(texts(l)('language.name'), { a: 'lang', v: l })),
  );
}

export function languageChanged(t: T): Message {
  return text(t('language.changed'), mainMenuItems(t));
}

export function errorMessage(t: T): Message {
  return text(t('errors.generic'), mainMenuItems(t));
}
