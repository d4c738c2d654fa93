// The resident rich menu: the SOS button always under the chat, next to report, my cases, zone news
// and language. One menu per language (the words are in the image); the image is drawn from the same
// areas and texts by scripts/rich-menu-images.ts and kept in flex-templates/rich-menu/.
import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import { encodePostback, type PostbackData } from '../src/bot/postback';
import { clipGraphemes } from './format';

export const RICH_MENU_SIZE = { width: 2500, height: 1686 } as const;

export interface RichMenuArea {
  /** Locale key under richMenu.* for the big words, and <key>Hint for the small ones. */
  key: 'sos' | 'report' | 'myCases' | 'news' | 'language';
  bounds: { x: number; y: number; width: number; height: number };
  data: PostbackData;
  /** What the person appears to send (menu.* texts, the same as the quick replies). */
  shown: string;
  /** What a screen reader says for the area (LINE: the action label, at most 20 characters). */
  spoken: string;
}

const HALF = RICH_MENU_SIZE.width / 2;
const QUARTER = RICH_MENU_SIZE.width / 4;
const ROW = RICH_MENU_SIZE.height / 2;

/** SOS takes the whole left half: the largest target, where a thumb lands first. */
export const RESIDENT_AREAS: readonly RichMenuArea[] = [
  {
    key: 'sos',
    bounds: { x: 0, y: 0, width: HALF, height: RICH_MENU_SIZE.height },
    data: { a: 'sos' },
    shown: 'menu.sos',
    // The image says only "SOS"; the spoken label says what it does.
    spoken: 'richMenu.sosLabel',
  },
  {
    key: 'report',
    bounds: { x: HALF, y: 0, width: QUARTER, height: ROW },
    data: { a: 'report' },
    shown: 'menu.report',
    spoken: 'menu.report',
  },
  {
    key: 'myCases',
    bounds: { x: HALF + QUARTER, y: 0, width: QUARTER, height: ROW },
    data: { a: 'my-cases' },
    shown: 'menu.myCases',
    spoken: 'menu.myCases',
  },
  {
    key: 'news',
    bounds: { x: HALF, y: ROW, width: QUARTER, height: ROW },
    data: { a: 'news' },
    shown: 'menu.news',
    spoken: 'menu.news',
  },
  {
    key: 'language',
    bounds: { x: HALF + QUARTER, y: ROW, width: QUARTER, height: ROW },
    data: { a: 'language' },
    shown: 'menu.language',
    spoken: 'menu.language',
  },
];

/** The rich menu object for one language; `name` carries a version so a changed menu is replaced. */
export function residentRichMenu(t: T, name: string): messagingApi.RichMenuRequest {
  return {
    size: { ...RICH_MENU_SIZE },
    selected: true,
    // LINE counts name and chatBarText in grapheme clusters: 300, and 14 on the bar under the chat.
    name: clipGraphemes(name, 300),
    chatBarText: clipGraphemes(t('richMenu.chatBar'), 14),
    areas: RESIDENT_AREAS.map((area) => ({
      bounds: { ...area.bounds },
      action: {
        type: 'postback',
        data: encodePostback(area.data),
        displayText: t(area.shown),
        label: clipGraphemes(t(area.spoken), 20),
      },
    })),
  };
}
