// The officers' rich menu (open cases, open SOS, patrol check-in, broadcast, duty, resident view) and
// the resident menu an officer switches to (with a way back). One menu per language and duty state:
// the duty tile shows the state the officer is in. The images are drawn from the same tiles and
// texts by scripts/rich-menu-images.ts and kept in flex-templates/rich-menu/.
import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import type { Language } from '../src/domain/people';
import { encodePostback, type PostbackData } from '../src/bot/postback';
import { clip } from './format';
import { RICH_MENU_SIZE } from './rich-menu';

export type OfficerView = 'officer' | 'resident';

/** One drawn and tappable area: its words (locale keys), its look, and what a tap does. */
export interface MenuTile {
  bounds: { x: number; y: number; width: number; height: number };
  word: string;
  hint: string;
  look: 'sos' | 'plain' | 'alert' | 'on' | 'off' | 'switch';
  action:
    { kind: 'postback'; data: PostbackData; shown: string } | { kind: 'switch'; alias: string; data: PostbackData };
}

/** The alias of an officer's menu: officer or resident view, on or off duty, in a language. */
export function officerMenuAlias(view: OfficerView, onDuty: boolean, lang: Language): string {
  return `ssz-${view === 'officer' ? 'officer' : 'officer-res'}-${onDuty ? 'on' : 'off'}-${lang}`;
}

const W = RICH_MENU_SIZE.width;
const H = RICH_MENU_SIZE.height;
const COL = [0, 833, 1667, W];
const ROW = [0, 843, H];

function cell(c: number, r: number): MenuTile['bounds'] {
  return { x: COL[c]!, y: ROW[r]!, width: COL[c + 1]! - COL[c]!, height: ROW[r + 1]! - ROW[r]! };
}

/** Six tiles, three by two; the duty tile says whether the officer is on duty now. */
export function officerTiles(onDuty: boolean, lang: Language): MenuTile[] {
  const duty = onDuty ? 'dutyOn' : 'dutyOff';
  return [
    {
      bounds: cell(0, 0),
      word: 'officer:richMenu.cases',
      hint: 'officer:richMenu.casesHint',
      look: 'plain',
      action: { kind: 'postback', data: { a: 'ocases' }, shown: 'officer:richMenu.cases' },
    },
    {
      bounds: cell(1, 0),
      word: 'officer:richMenu.sos',
      hint: 'officer:richMenu.sosHint',
      look: 'alert',
      action: { kind: 'postback', data: { a: 'osos' }, shown: 'officer:richMenu.sos' },
    },
    {
      bounds: cell(2, 0),
      word: 'officer:richMenu.patrol',
      hint: 'officer:richMenu.patrolHint',
      look: 'plain',
      action: { kind: 'postback', data: { a: 'patrol' }, shown: 'officer:richMenu.patrol' },
    },
    {
      bounds: cell(0, 1),
      word: 'officer:richMenu.broadcast',
      hint: 'officer:richMenu.broadcastHint',
      look: 'plain',
      action: { kind: 'postback', data: { a: 'bc' }, shown: 'officer:richMenu.broadcast' },
    },
    {
      bounds: cell(1, 1),
      word: `officer:richMenu.${duty}`,
      hint: `officer:richMenu.${duty}Hint`,
      look: onDuty ? 'on' : 'off',
      action: { kind: 'postback', data: { a: 'duty', v: onDuty ? 'off' : 'on' }, shown: `officer:richMenu.${duty}` },
    },
    {
      bounds: cell(2, 1),
      word: 'officer:richMenu.residentView',
      hint: 'officer:richMenu.residentViewHint',
      look: 'switch',
      action: { kind: 'switch', alias: officerMenuAlias('resident', onDuty, lang), data: { a: 'view', v: 'resident' } },
    },
  ];
}

/** The resident menu as an officer sees it: the same SOS and tiles, and a bar back to the officer menu. */
export function officerResidentTiles(onDuty: boolean, lang: Language): MenuTile[] {
  const half = W / 2;
  const quarter = W / 4;
  const bar = 420;
  const row = (H - bar) / 2;
  const plain = (key: string, x: number, y: number, data: PostbackData, shown: string): MenuTile => ({
    bounds: { x, y, width: quarter, height: row },
    word: `richMenu.${key}`,
    hint: `richMenu.${key}Hint`,
    look: 'plain',
    action: { kind: 'postback', data, shown },
  });
  return [
    {
      bounds: { x: 0, y: 0, width: half, height: H },
      word: 'richMenu.sos',
      hint: 'richMenu.sosHint',
      look: 'sos',
      action: { kind: 'postback', data: { a: 'sos' }, shown: 'menu.sos' },
    },
    plain('report', half, 0, { a: 'report' }, 'menu.report'),
    plain('myCases', half + quarter, 0, { a: 'my-cases' }, 'menu.myCases'),
    plain('news', half, row, { a: 'news' }, 'menu.news'),
    plain('language', half + quarter, row, { a: 'language' }, 'menu.language'),
    {
      bounds: { x: half, y: 2 * row, width: half, height: bar },
      word: 'officer:richMenu.officerView',
      hint: 'officer:richMenu.officerViewHint',
      look: 'switch',
      action: { kind: 'switch', alias: officerMenuAlias('officer', onDuty, lang), data: { a: 'view', v: 'officer' } },
    },
  ];
}

export function tilesFor(view: OfficerView, onDuty: boolean, lang: Language): MenuTile[] {
  return view === 'officer' ? officerTiles(onDuty, lang) : officerResidentTiles(onDuty, lang);
}

/** The image file of a menu: the resident view looks the same on and off duty, so they share one. */
export function officerMenuImage(view: OfficerView, onDuty: boolean, lang: Language): string {
  return view === 'officer' ? `officer-${onDuty ? 'on' : 'off'}-${lang}.png` : `officer-resident-${lang}.png`;
}

/** The rich menu object; `name` carries a version so a changed menu is replaced. */
export function officerRichMenu(t: T, name: string, tiles: MenuTile[]): messagingApi.RichMenuRequest {
  return {
    size: { ...RICH_MENU_SIZE },
    selected: true,
    name: clip(name, 300),
    chatBarText: clip(t('officer:richMenu.chatBar'), 14),
    areas: tiles.map((tile) => ({
      bounds: { ...tile.bounds },
      action:
        tile.action.kind === 'switch'
          ? {
              type: 'richmenuswitch',
              richMenuAliasId: tile.action.alias,
              data: encodePostback(tile.action.data),
              label: clip(t(tile.word), 20),
            }
          : {
              type: 'postback',
              data: encodePostback(tile.action.data),
              displayText: t(tile.action.shown),
              label: clip(t(tile.word), 20),
            },
    })),
  };
}
