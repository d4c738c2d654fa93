// The zone-news builders (broadcasts, zone news, my zones, the compose prompts, notice cards, patrol
// digests, officer lists and menus), rendered in every language with the data that makes them
// longest: each must pass the emulator's copy of LINE's rules and show no raw key or placeholder.
import {
  askLanguages,
  askPhoto,
  askZones,
  composePrompt,
  composeSummary,
  followedMessage,
  groupText,
  languageName,
  multilingualNewsMessage,
  myZonesMessage,
  newsMessage,
  noZonesMessage,
  noticeCard,
  runReport,
  zoneNewsMessage,
  type NewsView,
} from '../../flex-templates/broadcast';
import type { Message } from '../../flex-templates/common';
import { openCasesMessage, openSosMessage } from '../../flex-templates/officer-lists';
import { officerRichMenu, tilesFor } from '../../flex-templates/officer-menu';
import {
  askCheckInPin,
  checkedIn,
  digestMessage,
  groupDigestMessage,
  nearPatrolMessage,
} from '../../flex-templates/patrol';
import { LANGUAGES, type Language } from '../../src/domain/people';
import type { LocalizedName } from '../../src/domain/places';
import { validateMessages } from '../../src/emulator/message-validation';
import { loadTexts, type T } from '../../src/i18n/i18n';

const texts = loadTexts();
const AT = Date.UTC(2026, 4, 13, 14, 5);
const THAI = 'ผู้หญิงถูกชายสองคนขี่จักรยานยนต์ติดตามตั้งแต่ปากซอยถึงหน้าบ้าน ไฟทางดับมาหลายคืนแล้ว 🚨 ';
const THAI_2000 = THAI.repeat(Math.ceil(2000 / THAI.length)).slice(0, 2000);
const NAME: LocalizedName = {
  th: 'ชุมชนสันติสุขและตลาดกิมหยงฝั่งตะวันออก',
  en: 'Santisuk and East Kim Yong Market Community',
  ms: 'Komuniti Santisuk dan Pasar Kim Yong Timur',
};
const STATION: LocalizedName = { th: 'สถานีตำรวจภูธรหาดใหญ่', en: 'Hat Yai Police Station', ms: 'Balai Polis Hat Yai' };
const IMAGE = {
  url: 'https://hub.example.go.th/media/' + 'a'.repeat(32),
  previewUrl: 'https://hub.example.go.th/media/p',
};

function views(): NewsView[] {
  const text = { th: THAI_2000, en: THAI_2000, ms: THAI_2000 };
  return [
    { id: 'BC-1', voice: { kind: 'station', station: STATION }, zones: [NAME, NAME, NAME], text, image: IMAGE, at: AT },
    {
      id: 'BC-2',
      voice: { kind: 'community', community: NAME, station: STATION },
      zones: [NAME],
      text: { th: THAI_2000 },
      at: AT,
    },
    { id: 'BC-3', voice: { kind: 'oa' }, zones: [], text, at: AT },
  ];
}

function catalogue(t: T, lang: Language): Array<[string, Message]> {
  const textsFor = (l: Language) => texts.t(l);
  const out: Array<[string, Message]> = [];
  for (const v of views()) {
    out.push([`newsMessage(${v.voice.kind})`, newsMessage(t, v, lang)]);
    out.push([`multilingualNewsMessage(${v.voice.kind})`, multilingualNewsMessage(textsFor, v)]);
  }
  out.push([
    'zoneNewsMessage(10)',
    zoneNewsMessage(t, [...views(), ...views(), ...views(), ...views()].slice(0, 10), lang),
  ]);
  out.push(['zoneNewsMessage(none)', zoneNewsMessage(t, [], lang)]);
  out.push(['noZonesMessage(home)', noZonesMessage(t, { id: 'HYI-santisuk', name: NAME }, lang)]);
  out.push(['followedMessage(declined)', followedMessage(t, { zone: NAME, already: false, declined: true, lang })]);
  const twelve = Array.from({ length: 14 }, (_, i) => ({ id: `Z-${i}`, name: NAME, patrolNews: i % 2 === 0 }));
  out.push(['myZonesMessage(14, capped)', myZonesMessage(t, twelve, lang)]);
  out.push([
    'askZones(12)',
    askZones(
      t,
      twelve.map((z, i) => ({ ...z, chosen: i < 3 })),
      lang,
    ),
  ]);
  for (const key of ['askText', 'askTextAgain', 'askEnglish', 'askMalay'])
    out.push([`composePrompt(${key})`, composePrompt(t, key)]);
  out.push(['composePrompt(textTooLong)', composePrompt(t, 'textTooLong', { length: 4321 })]);
  out.push(['askPhoto(prefix)', askPhoto(t, t('broadcast:compose.photoFailed'))]);
  out.push(['askLanguages(prefix)', askLanguages(t, t('broadcast:compose.photoNoPublicUrl'))]);
  out.push([
    'composeSummary',
    composeSummary(
      t,
      { people: 1_234_567, groups: 50, zones: twelve.map((z) => z.name), languages: ['th', 'en', 'ms'], lang },
      languageName,
    ),
  ]);
  const figures = {
    id: 'BC-0123456789',
    people: 100_000,
    groups: 50,
    languages: 'ไทย 60,000, English 30,000, Melayu 10,000',
    accepted: 199,
    failed: 3,
    total: 202,
    answer: '400: The request body has 1 error(s)',
    needed: 100_500,
    remaining: 12,
    used: 14_988,
    limit: 15_000,
  };
  for (const state of ['sending', 'held', 'finished', 'nobody'] as const)
    out.push([`runReport(${state})`, runReport(t, state, figures)]);
  out.push([
    'noticeCard',
    noticeCard(t, { id: 'NT-0123456789', text: THAI_2000, community: NAME, proposer: 'ผู้ใหญ่'.repeat(20), at: AT }, lang),
  ]);
  out.push([
    'groupText(groupRejected)',
    groupText(textsFor, 'broadcast:notice.groupRejected', (l) => ({
      text: THAI,
      station: STATION[l],
      phone: '074-243-333',
    })),
  ]);
  const digest = {
    zone: NAME,
    count: 37,
    places: ['ซอยสันติสุข 3', 'วัดสันติสุข', 'ตลาดเช้า', 'สวนสาธารณะ'],
    from: AT - 3_600_000,
    lastAt: AT,
  };
  out.push(['digestMessage', digestMessage(t, digest, lang)]);
  out.push(['groupDigestMessage', groupDigestMessage(textsFor, digest)]);
  out.push(['askCheckInPin(last)', askCheckInPin(t, 4 * 60_000)]);
  out.push(['checkedIn(outside)', checkedIn(t, { at: AT, lang })]);
  out.push([
    'nearPatrolMessage(found)',
    nearPatrolMessage(t, { place: THAI, zone: NAME, distanceM: 487, agoMs: 3 * 3_600_000 }, lang),
  ]);
  out.push(['nearPatrolMessage(none)', nearPatrolMessage(t, undefined, lang)]);
  out.push(['openCasesMessage(none)', openCasesMessage(t, [], STATION, lang)]);
  out.push(['openSosMessage(none)', openSosMessage(t, [], STATION, lang)]);
  return out;
}

describe('zone-news templates within LINE limits', () => {
  const cases = LANGUAGES.flatMap((lang) =>
    catalogue(texts.t(lang), lang).map(([name, message]) => [`${lang} ${name}`, message] as const),
  );

  it.each(cases)(
    'when %s is rendered with the longest data, then LINE’s rules accept it and no key or placeholder shows',
    (_name, message) => {
      expect(validateMessages([message])).toEqual([]);
      const json = JSON.stringify(message);
      expect(json).not.toMatch(/\{\{|broadcast:|patrol:|officer:/);
    },
  );

  it.each(LANGUAGES)(
    'when the %s officer menus are built, then every area has a label within 20 characters and sits inside the image',
    (lang) => {
      const t = texts.t(lang);
      for (const view of ['officer', 'resident'] as const)
        for (const onDuty of [true, false]) {
          const tiles = tilesFor(view, onDuty, lang);
          const menu = officerRichMenu(t, 'x', tiles) as unknown as {
            chatBarText: string;
            size: { width: number; height: number };
            areas: Array<{ action: { label: string } }>;
          };
          expect(menu.chatBarText.length).toBeLessThanOrEqual(14);
          expect(menu.chatBarText).not.toContain('…');
          for (const area of menu.areas) {
            expect(area.action.label.length).toBeLessThanOrEqual(20);
            expect(area.action.label).not.toContain('…');
          }
          for (const { bounds } of tiles) {
            expect(bounds.x + bounds.width).toBeLessThanOrEqual(menu.size.width);
            expect(bounds.y + bounds.height).toBeLessThanOrEqual(menu.size.height);
          }
        }
    },
  );
});
