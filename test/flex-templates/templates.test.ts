// Every message builder in flex-templates/, rendered with realistic and worst-case data in every
// language, must pass the emulator's copy of LINE's message rules: a template that breaks a limit
// is a 400 from LINE, and the resident (or the station group) simply never sees the message.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CATEGORIES } from '../../src/app';
import { CASE_STATUSES, type Case } from '../../src/domain/reports/case';
import { ALERT_STATUSES, type AlertMessage, type SosAlert } from '../../src/domain/sos/alert';
import type { Station, Zone, ZoneLookup } from '../../src/domain/places';
import { LANGUAGES, type Language } from '../../src/domain/people';
import { validateMessages } from '../../src/emulator/message-validation';
import { loadTexts, type T } from '../../src/i18n/i18n';
import {
  comingSoonMessage,
  errorMessage,
  helpMessage,
  label,
  languageChanged,
  languagePicker,
  type Message,
} from '../../flex-templates/common';
import { clip, formatDateTime, graphemeLength } from '../../flex-templates/format';
import {
  caseReached,
  groupUpdate,
  myCasesCarousel,
  reportCard,
  reporterUpdate,
} from '../../flex-templates/report-card';
import {
  askAnonymous,
  askCategory,
  askDescription,
  askLocation,
  askPhotos,
  confirmCard,
  photoFailed,
  submittedMessage,
} from '../../flex-templates/report-flow';
import {
  ambiguousHelpQuestion,
  duration,
  forwardedMessage,
  forwardReceipt,
  officerHelp,
  officerPush,
  positionUpdate,
  sosCard,
  sosGroupUpdate,
  sosJoined,
  sosLadderStep,
  sosPersonUpdate,
  sosRaised,
  sosToPerson,
  type SosCardVariant,
} from '../../flex-templates/sos';
import { groupHello, privacyDetails, privacyNotice, welcomeMessages } from '../../flex-templates/welcome';
import { zoneInfo } from '../../flex-templates/zone-info';
import { residentRichMenu } from '../../flex-templates/rich-menu';

const texts = loadTexts();
const LOCALES_DIR = path.join(__dirname, '..', '..', 'locales');

// 13 May 2026 14:05 UTC is 21:05 in Bangkok (UTC+7), in the Buddhist year 2569.
const AT = Date.UTC(2026, 4, 13, 14, 5);

// Thai stacks vowels and tone marks on consonants; each mark is its own UTF-16 unit, so a Thai
// text is longer to LINE than it looks. This sentence is dense with them on purpose.
const THAI_SENTENCE =
  'ผู้หญิงถูกชายสองคนขี่จักรยานยนต์ติดตามตั้งแต่ปากซอยถึงหน้าบ้าน พี่น้องที่อยู่ใกล้ ๆ ได้ยินเสียงร้องขอความช่วยเหลือ ไฟทางดับมาหลายคืนแล้ว ';
const repeatTo = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
const THAI_1000 = repeatTo(THAI_SENTENCE, 1000);
/** The longest text message LINE delivers to the bot, so the longest description a person can type. */
const THAI_5000_WITH_EMOJI = repeatTo('🚨' + THAI_SENTENCE, 5000);
const NAME_100 = repeatTo('สมศรี ใจดีมากมาย 🌸 ', 100);
const LONG_ADDRESS = repeatTo('123/45 ซอยสันติสุข 3 ถนนเพชรเกษม ตำบลหาดใหญ่ อำเภอหาดใหญ่ จังหวัดสงขลา 90110 ', 400);

const STATION: Station = {
  _id: 'HYI',
  name: { th: 'สถานีตำรวจภูธรหาดใหญ่', en: 'Hat Yai Police Station', ms: 'Balai Polis Hat Yai' },
  phone: '074-243-333',
  location: { lat: 7.0086, lng: 100.4747 },
  createdAt: AT,
  updatedAt: AT,
};

const ZONE: Zone = {
  _id: 'HYI-santisuk',
  stationCode: 'HYI',
  name: { th: 'ชุมชนสันติสุข', en: 'Santisuk Community', ms: 'Komuniti Santisuk' },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [100.468, 7.003],
        [100.472, 7.003],
        [100.472, 7.007],
        [100.468, 7.003],
      ],
    ],
  },
  illustrative: true,
  createdAt: AT,
  updatedAt: AT,
};

function sampleCase(overrides: Partial<Case> = {}): Case {
  return {
    _id: 'HYI-69-000042',
    kind: 'report',
    stationCode: 'HYI',
    zoneId: ZONE._id,
    inZone: true,
    groupId: 'C' + 'a'.repeat(32),
    category: 'suspicious',
    description: THAI_1000,
    photos: [1, 2, 3].map((n) => ({
      messageId: `4${n}0000000000000`,
      file: `2026/05/photo-${n}.jpg`,
      contentType: 'image/jpeg',
      token: `tok${n}`.padEnd(32, 'x'),
    })),
    location: {
      lat: 7.00486,
      lng: 100.47018,
      address: 'ซอยสันติสุข หาดใหญ่',
      geocodedAddress: LONG_ADDRESS,
      source: 'pin',
    },
    reporterId: 'U' + 'b'.repeat(32),
    reporterName: NAME_100,
    anonymous: false,
    reporterLanguage: 'th',
    status: 'new',
    ownerName: NAME_100,
    audit: [],
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

function sampleAlert(overrides: Partial<SosAlert> = {}): SosAlert {
  const position = { lat: 7.00486, lng: 100.47018, address: LONG_ADDRESS, at: AT + 60_000 };
  return {
    _id: 'SOS-HYI-69-000001',
    userId: 'U' + 'c'.repeat(32),
    userName: NAME_100,
    lang: 'ms',
    stationCode: 'HYI',
    groupId: 'C' + 'a'.repeat(32),
    routedBy: 'pin',
    sourceEventId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    status: 'new',
    position,
    positions: [position],
    escalationStep: 0,
    audit: [],
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

type Built = Message | Message[];

/**
 * Every builder, called the way the bot calls it, with the data that makes it longest. The names
 * say which case failed when one does.
 */
function catalogue(t: T, lang: Language, textsFor: (l: Language) => T): Array<[string, Built]> {
  const out: Array<[string, Built]> = [];
  const add = (name: string, built: Built) => out.push([name, built]);

  // common.ts
  for (const reason of ['howTo', 'unknown', 'unsupported'] as const) {
    add(`helpMessage(${reason})`, helpMessage(t, reason));
    add(`helpMessage(${reason}, consented)`, helpMessage(t, reason, { canWithdraw: true }));
  }
  add('comingSoonMessage', comingSoonMessage(t, t('menu.news')));
  add('languagePicker', languagePicker(t, textsFor));
  add('languageChanged', languageChanged(t));
  add('errorMessage', errorMessage(t));

  // welcome.ts
  add(
    'welcomeMessages(named, consent pending)',
    welcomeMessages(t, { displayName: NAME_100, returning: false, consentPending: true }),
  );
  add(
    'welcomeMessages(named, consented)',
    welcomeMessages(t, { displayName: NAME_100, returning: false, consentPending: false }),
  );
  add('welcomeMessages(anonymous)', welcomeMessages(t, { returning: false, consentPending: true }));
  add(
    'welcomeMessages(returning)',
    welcomeMessages(t, { displayName: NAME_100, returning: true, consentPending: false }),
  );
  add('privacyNotice', privacyNotice(t));
  for (const consent of ['pending', 'accepted', 'declined'] as const)
    add(`privacyDetails(${consent})`, privacyDetails(t, consent));
  add('groupHello', groupHello(textsFor('th')));

  // report-flow.ts
  add('askCategory', askCategory(t, DEFAULT_CATEGORIES));
  add('askCategory(again)', askCategory(t, DEFAULT_CATEGORIES, true));
  for (const after of [undefined, 'photo', 'pin'] as const)
    add(`askDescription(${after ?? 'first'})`, askDescription(t, after));
  for (const received of [0, 1, 2, 3]) add(`askPhotos(${received})`, askPhotos(t, received, 3));
  add('photoFailed', photoFailed(t));
  add('askLocation(no last pin)', askLocation(t, { canReuseLastPin: false, canType: true }));
  add('askLocation(pin only)', askLocation(t, { canReuseLastPin: false, canType: false }));
  add(
    'askLocation(last pin, prefix)',
    askLocation(t, {
      canReuseLastPin: true,
      canType: true,
      prefix: t('report:flow.addressNotFound', { address: 'x' }),
    }),
  );
  add(
    'askLocation(pin only, prefix)',
    askLocation(t, { canReuseLastPin: true, canType: false, prefix: t('report:flow.addressNeedsPin') }),
  );
  add('askAnonymous', askAnonymous(t));
  for (const [name, description] of [
    ['1,000 Thai', THAI_1000],
    ['5,000 with emoji', THAI_5000_WITH_EMOJI],
  ] as const) {
    add(
      `confirmCard(${name})`,
      confirmCard(t, {
        category: 'assault',
        description,
        photoCount: 3,
        place: LONG_ADDRESS,
        anonymous: false,
        at: AT,
        lang,
      }),
    );
  }
  add(
    'confirmCard(anonymous, no photos)',
    confirmCard(t, {
      category: 'other',
      description: 'ไฟทางดับ',
      photoCount: 0,
      place: '7.00486, 100.47018',
      anonymous: true,
      at: AT,
      lang,
    }),
  );

  // report-card.ts: a card in every status, with and without the extras that make it longer.
  const photoUrl = 'https://hub.example.go.th/media/' + 'a'.repeat(64);
  for (const status of CASE_STATUSES) {
    const c = sampleCase({ status, ...(status === 'rejected' ? { rejectReason: 'duplicate' as const } : {}) });
    add(`reportCard(${status})`, reportCard(t, { c, station: STATION, zone: ZONE, lang, photoUrl }));
    add(`groupUpdate(${status})`, groupUpdate(t, c, NAME_100));
    add(`reporterUpdate(${status})`, reporterUpdate(t, c, NAME_100, STATION, lang));
  }
  for (const to of ['station', 'command-centre'] as const)
    add(`caseReached(${to})`, caseReached(t, sampleCase(), STATION, to, lang));
  for (const route of ['station', 'command-centre', 'waiting'] as const)
    for (const inZone of [true, false])
      add(
        `submittedMessage(${route}, in zone ${inZone})`,
        submittedMessage(t, { caseId: 'HYI-69-000042', station: STATION, inZone, route, lang }),
      );
  add(
    'reportCard(5,000 with emoji)',
    reportCard(t, {
      c: sampleCase({ description: THAI_5000_WITH_EMOJI }),
      station: STATION,
      zone: ZONE,
      lang,
      photoUrl,
    }),
  );
  add(
    'reportCard(outside zone, anonymous, no photos, typed place)',
    reportCard(t, {
      c: sampleCase({
        inZone: false,
        zoneId: undefined,
        anonymous: true,
        photos: [],
        ownerName: undefined,
        location: { lat: 7.03, lng: 100.43, source: 'typed', typed: 'ตลาดกิมหยง' },
      }),
      station: STATION,
      lang,
    }),
  );
  add(
    'reporterUpdate(rejected as false report)',
    reporterUpdate(t, sampleCase({ status: 'rejected', rejectReason: 'false_report' }), NAME_100, STATION, lang),
  );
  const tenCases = CASE_STATUSES.concat(CASE_STATUSES)
    .slice(0, 10)
    .map((status, i) =>
      sampleCase({
        _id: `HYI-69-${String(i + 1).padStart(6, '0')}`,
        status,
        description: i % 2 ? THAI_1000 : THAI_5000_WITH_EMOJI,
      }),
    );
  add('myCasesCarousel(10 cases)', myCasesCarousel(t, tenCases, lang));
  add('myCasesCarousel(12 cases, capped)', myCasesCarousel(t, [...tenCases, ...tenCases.slice(0, 2)], lang));
  add('myCasesCarousel(none)', myCasesCarousel(t, [], lang));

  // zone-info.ts
  const inside: ZoneLookup = { zones: [ZONE], station: STATION, inZone: true, distanceM: 120 };
  add('zoneInfo(inside)', zoneInfo(t, inside, lang));
  add('zoneInfo(outside)', zoneInfo(t, { zones: [], station: STATION, inZone: false, distanceM: 4321 }, lang));
  add('zoneInfo(no station)', zoneInfo(t, { zones: [], inZone: false }, lang));

  // sos.ts: the card with and without a position, in every variant and status.
  const variants: SosCardVariant[] = [
    { kind: 'first' },
    { kind: 're-alert', minutes: 2 },
    { kind: 'escalated', minutes: 5 },
  ];
  for (const variant of variants) {
    add(
      `sosCard(${variant.kind}, with position)`,
      sosCard(t, { alert: sampleAlert(), station: STATION, falseAlarms: 2, variant, lang }),
    );
    add(
      `sosCard(${variant.kind}, no position, no name)`,
      sosCard(t, {
        alert: sampleAlert({ position: undefined, positions: [], userName: undefined }),
        falseAlarms: 0,
        variant,
        lang,
      }),
    );
  }
  for (const status of ALERT_STATUSES) {
    const alert = sampleAlert({ status });
    add(
      `sosCard(${status})`,
      sosCard(t, { alert, station: STATION, falseAlarms: 0, variant: { kind: 'first' }, lang }),
    );
    add(`sosGroupUpdate(${status}, seconds)`, sosGroupUpdate(t, alert, NAME_100, 47));
    add(`sosGroupUpdate(${status}, later)`, sosGroupUpdate(t, alert, NAME_100));
    add(`sosPersonUpdate(${status})`, sosPersonUpdate(t, alert, NAME_100, STATION, lang));
  }
  for (const withPin of [false, true]) {
    add(`sosRaised(station, pin ${withPin})`, sosRaised(t, { holder: STATION, withPin, firstRungMinutes: 2, lang }));
    add(
      `sosRaised(command centre, pin ${withPin})`,
      sosRaised(t, { holder: undefined, withPin, firstRungMinutes: 0.5, lang }),
    );
  }
  add('sosJoined(waiting)', sosJoined(t, sampleAlert()));
  add('sosJoined(handled)', sosJoined(t, sampleAlert({ status: 'en_route', ownerName: NAME_100 })));
  for (const did of ['realerted', 'escalated', 'nobody-more'] as const)
    add(`sosLadderStep(${did})`, sosLadderStep(t, did));
  for (const key of ['unrouted', 'locationForwarded', 'locationKept']) add(`sosToPerson(${key})`, sosToPerson(t, key));
  add('sosToPerson(locationForwardedTo)', sosToPerson(t, 'locationForwardedTo', { station: STATION.name[lang] }));
  const links = {
    url: 'https://hub.example.go.th/media/' + 'b'.repeat(32),
    previewUrl: 'https://hub.example.go.th/p.png',
  };
  const said = (type: AlertMessage['type']): AlertMessage => ({
    eventId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    at: AT,
    type,
    ...(type === 'text'
      ? { text: THAI_5000_WITH_EMOJI }
      : { media: { token: 'b'.repeat(32), contentType: 'image/jpeg', durationMs: 12_000 } }),
  });
  for (const type of ['text', 'image', 'video', 'audio'] as const) {
    add(`forwardedMessage(${type}, with links)`, forwardedMessage(t, sampleAlert(), said(type), lang, links));
    add(`forwardedMessage(${type}, no public URL)`, forwardedMessage(t, sampleAlert(), said(type), lang, undefined));
    add(`forwardReceipt(sent ${type})`, forwardReceipt(t, { said: 'sent', type }));
    if (type !== 'text') add(`forwardReceipt(noted ${type})`, forwardReceipt(t, { said: 'noted', type }));
  }
  for (const outcome of ['kept', 'failed', 'unsupported'] as const)
    add(`forwardReceipt(${outcome})`, forwardReceipt(t, { said: outcome }));
  for (const onDuty of [true, false])
    add(`officerHelp(on duty ${onDuty})`, officerHelp(t, { station: STATION, name: NAME_100, onDuty, lang }));
  add('ambiguousHelpQuestion', ambiguousHelpQuestion(t));
  add('positionUpdate', positionUpdate(t, sampleAlert(), lang));
  add(
    'positionUpdate(no address)',
    positionUpdate(t, sampleAlert({ position: { lat: 7.00486, lng: 100.47018, at: AT } }), lang),
  );
  add('officerPush', officerPush(t, sampleAlert(), STATION, lang));
  add('officerPush(no station)', officerPush(t, sampleAlert(), undefined, lang));
  return out;
}

/** locales/<lang>/<ns>.json flattened to `ns:a.b` -> value, to check what a `t` call resolved to. */
function flatLocale(lang: Language): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (ns: string, prefix: string, node: unknown) => {
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      for (const [k, v] of Object.entries(node)) walk(ns, prefix ? `${prefix}.${k}` : k, v);
    } else out.set(`${ns}:${prefix}`, node);
  };
  for (const file of fs.readdirSync(path.join(LOCALES_DIR, lang)).filter((f) => f.endsWith('.json'))) {
    walk(path.basename(file, '.json'), '', JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, lang, file), 'utf8')));
  }
  return out;
}

/** A `t` that remembers which keys it was asked for, so the test can check each one exists. */
function trackingT(lang: Language, used: Set<string>): T {
  const base = texts.t(lang);
  const tracked = (key: string, options?: unknown) => {
    used.add(`${lang}|${key}`);
    return base(key, options as never);
  };
  return tracked as unknown as T;
}

const asList = (built: Built): Message[] => (Array.isArray(built) ? built : [built]);

/** Every string in a message, for the checks LINE's validator does not make. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

/** Every action object in a message: flex buttons and boxes as well as quick reply items. */
function actions(value: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(value)) value.forEach((v) => actions(v, out));
  else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (obj.action && typeof obj.action === 'object') out.push(obj.action as Record<string, unknown>);
    Object.values(obj).forEach((v) => actions(v, out));
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('flex templates within LINE limits', () => {
  const used = new Set<string>();
  const rendered = LANGUAGES.flatMap((lang) => {
    const textsFor = (l: Language) => trackingT(l, used);
    return catalogue(textsFor(lang), lang, textsFor).map(([name, built]) => ({ lang, name, messages: asList(built) }));
  });
  const cases = rendered.map((r) => [`${r.lang} ${r.name}`, r] as const);

  it('when the catalogue is built, then it covers every builder in every language', () => {
    // A guard against a refactor that silently empties the table the tests below iterate over.
    expect(rendered.length).toBeGreaterThan(3 * 80);
    expect(new Set(rendered.map((r) => r.lang))).toEqual(new Set(LANGUAGES));
  });

  it.each(cases)('when %s is rendered with worst-case data, then the emulator (LINE rules) accepts it', (_name, r) => {
    expect(validateMessages(r.messages)).toEqual([]);
  });

  it.each(cases)(
    'when %s is rendered, then every action label fits 20 grapheme clusters uncut and every carousel has one bubble size',
    (_name, r) => {
      // LINE counts labels in grapheme clusters. The validator checks quick replies only; common.ts
      // promises 20 for card buttons too. A label that needed label() to cut it ends in "…": the
      // locale text must be rewritten to fit, since a cut label reads as a broken word.
      const labels = actions(r.messages)
        .map((a) => a.label)
        .filter((l): l is string => typeof l === 'string');
      expect(labels.filter((l) => graphemeLength(l) > 20 || l.endsWith('…'))).toEqual([]);
      for (const m of r.messages) {
        if (m.type === 'flex' && m.contents.type === 'carousel') {
          expect(new Set(m.contents.contents.map((b) => b.size)).size).toBe(1);
        }
      }
    },
  );

  it.each(cases)('when %s is rendered, then no i18n key or {{variable}} leaks into what people read', (_name, r) => {
    // Checked string by string: the JSON's own braces would look like a "}}" leak.
    const shown = strings(r.messages).join('\n');
    for (const leak of ['report:', 'sos:', 'bot:', 'menu.', '{{', '}}', 'returned an object instead of string']) {
      expect(shown).not.toContain(leak);
    }
  });

  it("when a builder asks for a text, then the key exists as a string in that language's own locale file", () => {
    // i18next falls back to Thai for a key missing in en/ms, and renders a key missing everywhere
    // as its path without the namespace ("card.title"), which the leak check above cannot see.
    const locales = new Map(LANGUAGES.map((l) => [l, flatLocale(l)]));
    const missing: string[] = [];
    for (const entry of used) {
      const [lang, key] = entry.split('|') as [Language, string];
      const full = key.includes(':') ? key : `bot:${key}`;
      // A count picks a plural form (`key_one`, `key_other`); `_other` is the one every language has.
      const found = [full, `${full}_other`].some((k) => typeof locales.get(lang)!.get(k) === 'string');
      if (!found) missing.push(`${lang} ${full}`);
    }
    expect(used.size).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('when any text is built from sliced input, then it never holds half of an emoji (a lone UTF-16 surrogate)', () => {
    const broken = rendered
      .filter((r) => strings(r.messages).some((s) => LONE_SURROGATE.test(s)))
      .map((r) => `${r.lang} ${r.name}`);
    expect(broken).toEqual([]);
  });

  it('when the Thai report card is rendered, then its date is in the Buddhist year and Bangkok time', () => {
    const t = texts.t('th');
    const json = JSON.stringify(
      reportCard(t, { c: sampleCase({ description: 'ไฟทางดับ' }), station: STATION, zone: ZONE, lang: 'th' }),
    );
    expect(json).toContain('2569');
    expect(json).not.toContain('2026');
    expect(json).toContain('21:05');
  });

  it('when the English SOS card is rendered, then its date is in the Gregorian year and Bangkok time', () => {
    const json = JSON.stringify(
      sosCard(texts.t('en'), {
        alert: sampleAlert(),
        station: STATION,
        falseAlarms: 0,
        variant: { kind: 'first' },
        lang: 'en',
      }),
    );
    expect(json).toContain('13 May 2026');
    expect(json).toContain('21:05');
  });
});

describe('labels as LINE counts them (grapheme clusters)', () => {
  const quickReply = (labelText: string) => [
    {
      type: 'text',
      text: 'x',
      quickReply: { items: [{ type: 'action', action: { type: 'message', label: labelText, text: 'x' } }] },
    },
  ];

  it('when a quick reply label is 23 UTF-16 units but 18 grapheme clusters, then the emulator accepts it as LINE does', () => {
    expect(validateMessages(quickReply('เสียงดัง/ก่อความวุ่นวาย'))).toEqual([]);
  });

  it('when a quick reply label is 21 grapheme clusters, then the emulator refuses it as LINE does', () => {
    expect(validateMessages(quickReply('ก'.repeat(21)))).toEqual([
      expect.objectContaining({ property: 'messages[0].quickReply.items[0].action.label' }),
    ]);
  });

  it.each(LANGUAGES)(
    'when the %s rich menu is built, then every area label and the chat bar text fit uncut',
    (lang) => {
      const menu = residentRichMenu(texts.t(lang), 'ssz-resident');
      const spoken = (menu.areas ?? []).map((area) => (area.action as { label?: string }).label ?? '');
      expect(spoken).toHaveLength(5);
      expect(spoken.filter((l) => graphemeLength(l) > 20 || l.endsWith('…'))).toEqual([]);
      expect(graphemeLength(menu.chatBarText ?? '')).toBeLessThanOrEqual(14);
      expect(menu.chatBarText).toBe(texts.t(lang)('richMenu.chatBar'));
      // The SOS area says what it does to a screen reader, not just "SOS".
      expect(spoken[0]).toBe(texts.t(lang)('richMenu.sosLabel'));
      expect(texts.t(lang)('richMenu.sosLabel').length).toBeGreaterThan('SOS'.length);
    },
  );
});

describe('formatDateTime', () => {
  it('when a moment is shown in Thai, then the year is Buddhist (2569 for 2026)', () => {
    expect(formatDateTime(AT, 'th')).toContain('2569');
    expect(formatDateTime(AT, 'th')).not.toContain('2026');
  });

  it('when a moment is shown in English or Malay, then the year is Gregorian', () => {
    expect(formatDateTime(AT, 'en')).toContain('2026');
    expect(formatDateTime(AT, 'ms')).toContain('2026');
  });

  it('when a moment is shown, then it is in Asia/Bangkok time (UTC+7, no daylight saving), whatever the machine zone', () => {
    // 17:30 UTC on 31 Dec 2025 is already 00:30 on 1 Jan 2026 in Bangkok: day, month and year all roll over.
    const newYear = Date.UTC(2025, 11, 31, 17, 30);
    expect(formatDateTime(newYear, 'en')).toBe('1 Jan 2026, 00:30');
    expect(formatDateTime(newYear, 'th')).toBe('1 ม.ค. 2569 00:30');
    // Mid-year too: Thailand keeps UTC+7 all year.
    expect(formatDateTime(Date.UTC(2026, 6, 1, 0, 0), 'en')).toBe('1 Jul 2026, 07:00');
    expect(formatDateTime(AT, 'ms')).toBe('13 Mei 2026, 21:05');
  });

  it('when a resident reads a date, then Thai says "เวลา … น." and English and Malay say it is Thai time', () => {
    const newYear = Date.UTC(2025, 11, 31, 17, 30);
    expect(formatDateTime(newYear, 'th', texts.t('th'))).toBe('1 ม.ค. 2569 เวลา 00:30 น.');
    expect(formatDateTime(newYear, 'en', texts.t('en'))).toBe('1 Jan 2026, 00:30 (Thai time)');
    expect(formatDateTime(AT, 'ms', texts.t('ms'))).toBe('13 Mei 2026, 21:05 (waktu Thailand)');
  });

  // `hour12: false` on a 12-hour locale (ms-MY) once selected the h24 cycle: 00:30 read "24:30".
  it('when a moment just after midnight is shown in Malay, then the hour reads 00, not 24', () => {
    expect(formatDateTime(Date.UTC(2025, 11, 31, 17, 30), 'ms')).toBe('1 Jan 2026, 00:30');
  });
});

describe('label and clip', () => {
  it('when a label is longer than 20 characters, then it is cut to 20 grapheme clusters with an ellipsis', () => {
    const cut = label('เจ้าหน้าที่กำลังเดินทางไปที่เกิดเหตุแล้วค่ะ');
    expect(graphemeLength(cut)).toBe(20);
    expect(cut.endsWith('…')).toBe(true);
    expect(label('รับเรื่อง')).toBe('รับเรื่อง');
  });

  // LINE counts labels in grapheme clusters: "เสียงดัง/ก่อความวุ่นวาย" is 23 UTF-16 units but 18 clusters.
  it('when a Thai label has more than 20 UTF-16 units but at most 20 grapheme clusters, then it is kept whole', () => {
    const noise = 'เสียงดัง/ก่อความวุ่นวาย';
    expect(noise.length).toBeGreaterThan(20);
    expect(label(noise)).toBe(noise);
  });

  it('when a description is clipped, then it fits the limit and ends with an ellipsis', () => {
    const cut = clip(THAI_1000, 120);
    expect(cut.length).toBeLessThanOrEqual(120);
    expect(cut.length).toBeGreaterThan(110);
    expect(cut.endsWith('…')).toBe(true);
    expect(clip('สั้น', 120)).toBe('สั้น');
  });

  it('when a Thai text is clipped, then no vowel or tone mark is cut from its consonant', () => {
    // "ที่" is three units (consonant, vowel, tone): a cut by code point at 20 could keep "ท" or "ที".
    for (let max = 5; max <= 30; max++) {
      const cut = clip('ที่'.repeat(20), max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.slice(0, -1)).toBe('ที่'.repeat((cut.length - 1) / 3));
    }
  });

  it('when a long label is made of emoji, then it is at most 20 grapheme clusters and holds no half emoji', () => {
    const cut = label('🆘'.repeat(30));
    expect(graphemeLength(cut)).toBeLessThanOrEqual(20);
    expect(LONE_SURROGATE.test(cut)).toBe(false);
  });

  it('when a clip falls inside an emoji, then no half of it (a lone surrogate) is left', () => {
    expect(LONE_SURROGATE.test(clip('🚨'.repeat(100), 120))).toBe(false);
  });

  it('when a report is all emoji, then the station card, the confirm card and my-cases carry no half emoji', () => {
    const t = texts.t('th');
    const c = sampleCase({ description: '🚨'.repeat(2500) });
    const built = [
      reportCard(t, { c, station: STATION, zone: ZONE, lang: 'th' }),
      confirmCard(t, {
        category: 'assault',
        description: c.description,
        photoCount: 0,
        place: 'หาดใหญ่',
        anonymous: true,
        at: AT,
        lang: 'th',
      }),
      myCasesCarousel(t, [c], 'th'),
    ];
    expect(strings(built).filter((s) => LONE_SURROGATE.test(s))).toEqual([]);
  });
});

describe('duration', () => {
  it('when a time is under a minute, then it is said in seconds (never "0.5 นาที")', () => {
    expect(duration(texts.t('th'), 30)).toBe('30 วินาที');
    expect(duration(texts.t('en'), 1)).toBe('1 second');
    expect(duration(texts.t('ms'), 45)).toBe('45 saat');
  });

  it('when a time is whole minutes, or minutes and seconds, then each part has its unit', () => {
    expect(duration(texts.t('th'), 312)).toBe('5 นาที 12 วินาที');
    expect(duration(texts.t('th'), 120)).toBe('2 นาที');
    expect(duration(texts.t('en'), 312)).toBe('5 minutes 12 seconds');
    expect(duration(texts.t('en'), 61)).toBe('1 minute 1 second');
    expect(duration(texts.t('ms'), 312)).toBe('5 minit 12 saat');
  });
});
