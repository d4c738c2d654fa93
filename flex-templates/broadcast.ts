// Zone broadcasts as residents and community groups see them, "zone news" and "my zones", the
// officer's compose prompts, and the community notice card. Pure functions of (t, data).
import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import type { Language } from '../src/domain/people';
import type { LocalizedName } from '../src/domain/places';
import type { Broadcast, BroadcastRun, BroadcastText } from '../src/domain/broadcasts/broadcast';
import { LANGUAGES } from '../src/domain/people';
import { encodePostback } from '../src/bot/postback';
import {
  buttonRow,
  detailRow,
  label,
  locationItem,
  postbackItem,
  text,
  type Message,
  type QuickReplyItem,
} from './common';
import { clip, formatDateTime, nameIn } from './format';

/** Who speaks in a broadcast: a station, a community (approved by its station), or the OA itself. */
export type NewsVoice =
  | { kind: 'station'; station: LocalizedName }
  | { kind: 'community'; community: LocalizedName; station?: LocalizedName }
  | { kind: 'oa' };

/** A broadcast with every name resolved: what a template needs and nothing else. */
export interface NewsView {
  id: string;
  voice: NewsVoice;
  zones: LocalizedName[];
  text: BroadcastText;
  image?: { url: string; previewUrl?: string };
  at: number;
}

const ACCENT = '#1F6FEB';
const COMMUNITY = '#0B8A5F';
const LANGUAGE_ORDER: Language[] = ['th', 'en', 'ms'];

/** The quick replies under news: more news, my zones, last patrol near me. */
export function newsItems(t: T): QuickReplyItem[] {
  return [
    postbackItem(t('menu.news'), { a: 'news' }),
    postbackItem(t('broadcast:menu.myZones'), { a: 'my-zones' }),
    postbackItem(t('broadcast:menu.nearPatrol'), { a: 'near-patrol' }),
  ];
}

function voiceLine(t: T, voice: NewsVoice, lang: Language): string {
  switch (voice.kind) {
    case 'station':
      return t('broadcast:news.fromStation', { station: nameIn(voice.station, lang) });
    case 'community':
      return t('broadcast:news.fromCommunity', { community: nameIn(voice.community, lang) });
    case 'oa':
      return t('broadcast:news.fromOa');
  }
}

function zonesLine(t: T, v: NewsView, lang: Language): string {
  return v.zones.length > 0
    ? t('broadcast:news.zones', { zones: v.zones.map((z) => nameIn(z, lang)).join(', ') })
    : t('broadcast:news.everywhere');
}

function hero(v: NewsView): messagingApi.FlexImage | undefined {
  return v.image
    ? { type: 'image', url: v.image.url, size: 'full', aspectRatio: '20:13', aspectMode: 'cover' }
    : undefined;
}

/** A coloured heading: a bold white title and smaller white lines under it. */
export function headingBox(color: string, title: string, lines: Array<{ text: string; size: 'xs' | 'xxs' }> = []) {
  const box: messagingApi.FlexBox = {
    type: 'box',
    layout: 'vertical',
    backgroundColor: color,
    paddingAll: '12px',
    contents: [
      { type: 'text', text: title, color: '#FFFFFF', weight: 'bold', size: 'sm', wrap: true },
      ...lines.map((l): messagingApi.FlexText => ({ type: 'text', ...l, color: '#FFFFFF', wrap: true })),
    ],
  };
  return box;
}

const voiceColor = (v: NewsView) => (v.voice.kind === 'community' ? COMMUNITY : ACCENT);

function header(t: T, v: NewsView, lang: Language): messagingApi.FlexBox {
  return headingBox(voiceColor(v), `📢 ${voiceLine(t, v.voice, lang)}`, [{ text: zonesLine(t, v, lang), size: 'xxs' }]);
}

function footerLines(t: T, v: NewsView, lang: Language): messagingApi.FlexComponent[] {
  const lines: messagingApi.FlexComponent[] = [
    { type: 'text', text: formatDateTime(v.at, lang), size: 'xxs', color: '#888888', wrap: true },
  ];
  if (v.voice.kind === 'community' && v.voice.station)
    lines.push({
      type: 'text',
      text: t('broadcast:news.approvedBy', { station: nameIn(v.voice.station, lang) }),
      size: 'xxs',
      color: '#888888',
      wrap: true,
    });
  return lines;
}

/** The words in the reader's language, else Thai (a Thai-only broadcast reads the same for everyone). */
function wordsFor(v: NewsView, lang: Language): string {
  return v.text[lang] ?? v.text.th;
}

/** In the "zone news" carousel each text is cut to this: ten whole 2,000-character texts pass LINE's 50 KB. */
const CAROUSEL_TEXT = 600;

function bubbleIn(t: T, v: NewsView, lang: Language, size: 'mega' | 'kilo' = 'mega'): messagingApi.FlexBubble {
  const image = hero(v);
  const words = size === 'kilo' ? clip(wordsFor(v, lang), CAROUSEL_TEXT) : wordsFor(v, lang);
  return {
    type: 'bubble',
    size,
    header: header(t, v, lang),
    ...(image ? { hero: image } : {}),
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'md',
      contents: [
        { type: 'text', text: words, size: 'sm', wrap: true, color: '#222222' },
        { type: 'separator' },
        ...footerLines(t, v, lang),
      ],
    },
  };
}

/** A broadcast as a resident sees it, in their language. */
export function newsMessage(t: T, v: NewsView, lang: Language): Message {
  return {
    type: 'flex',
    altText: clip(`📢 ${voiceLine(t, v.voice, lang)}: ${wordsFor(v, lang)}`, 400),
    contents: bubbleIn(t, v, lang),
    quickReply: { items: newsItems(t) },
  };
}

/**
 * A broadcast for a chat with no language of its own (a community group) or for every friend of the
 * OA at once (LINE's broadcast): the frame in Thai and English, then each language's words, Thai first.
 */
export function multilingualNewsMessage(texts: (lang: Language) => T, v: NewsView): Message {
  const th = texts('th');
  const en = texts('en');
  const langs = LANGUAGE_ORDER.filter((l) => v.text[l]);
  const image = hero(v);
  const sections: messagingApi.FlexComponent[] = [];
  langs.forEach((lang, i) => {
    if (i > 0) sections.push({ type: 'separator' });
    sections.push({ type: 'text', text: v.text[lang]!, size: 'sm', wrap: true, color: '#222222' });
  });
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'mega',
    header: headingBox(voiceColor(v), `📢 ${voiceLine(th, v.voice, 'th')}`, [
      { text: voiceLine(en, v.voice, 'en'), size: 'xs' },
      { text: zonesLine(th, v, 'th'), size: 'xxs' },
    ]),
    ...(image ? { hero: image } : {}),
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'md',
      contents: [...sections, { type: 'separator' }, ...footerLines(th, v, 'th')],
    },
  };
  return {
    type: 'flex',
    altText: clip(`📢 ${voiceLine(th, v.voice, 'th')}: ${v.text.th}`, 400),
    contents: bubble,
  };
}

/** "Zone news": the latest broadcasts of the person's zones, newest first. */
export function zoneNewsMessage(t: T, items: NewsView[], lang: Language): Message {
  if (items.length === 0) return text(t('broadcast:news.none'), newsItems(t).slice(1));
  return {
    type: 'flex',
    altText: t('broadcast:news.carouselAlt', { count: items.length }),
    contents: { type: 'carousel', contents: items.slice(0, 10).map((v) => bubbleIn(t, v, lang, 'kilo')) },
    quickReply: { items: newsItems(t).slice(1) },
  };
}

/** Someone who follows no zone yet: how to start, and their home zone in one tap when they have one. */
export function noZonesMessage(t: T, home: { id: string; name: LocalizedName } | undefined, lang: Language): Message {
  const items: QuickReplyItem[] = [];
  if (home)
    items.push(
      postbackItem(t('broadcast:follow.offerHome', { zone: nameIn(home.name, lang) }), followData(home.id, 'home')),
    );
  items.push(locationItem(t('broadcast:menu.sendPin')));
  return text(t('broadcast:news.noZones'), items);
}

export function followData(zoneId: string, source: 'pin' | 'home' | 'menu'): Record<string, string> {
  return { a: 'follow', z: zoneId, s: source };
}

/** The one-tap offer under a pin or a home zone: "get this zone's news". */
export function followOffer(t: T, zoneId: string, source: 'pin' | 'home'): QuickReplyItem {
  return postbackItem(t('broadcast:follow.offer'), followData(zoneId, source));
}

export function followedMessage(
  t: T,
  d: { zone: LocalizedName; already: boolean; declined: boolean; lang: Language },
): Message {
  const zone = nameIn(d.zone, d.lang);
  const lines = [t(d.already ? 'broadcast:follow.already' : 'broadcast:follow.done', { zone })];
  if (d.declined) lines.push(t('broadcast:follow.keptDeclined'));
  return text(lines.join('\n\n'), newsItems(t));
}

export interface FollowedZone {
  id: string;
  name: LocalizedName;
  patrolNews: boolean;
}

/** "My zones": one bubble per zone, with its patrol updates switch and "stop". */
export function myZonesMessage(t: T, zones: FollowedZone[], lang: Language): Message {
  const bubbles: messagingApi.FlexBubble[] = zones.slice(0, 12).map((z) => ({
    type: 'bubble',
    size: 'kilo',
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        { type: 'text', text: nameIn(z.name, lang), weight: 'bold', size: 'md', wrap: true },
        {
          type: 'text',
          text: t(z.patrolNews ? 'broadcast:zones.patrolOn' : 'broadcast:zones.patrolOff'),
          size: 'xs',
          color: '#666666',
          wrap: true,
        },
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        {
          type: 'button',
          style: 'secondary',
          height: 'sm',
          action: {
            type: 'postback',
            label: label(t(z.patrolNews ? 'broadcast:zones.turnPatrolOff' : 'broadcast:zones.turnPatrolOn')),
            data: encodePostback({ a: 'patrol-news', z: z.id, v: z.patrolNews ? 'off' : 'on' }),
            displayText: t(z.patrolNews ? 'broadcast:zones.turnPatrolOff' : 'broadcast:zones.turnPatrolOn'),
          },
        },
        {
          type: 'button',
          style: 'link',
          height: 'sm',
          color: '#D93025',
          action: {
            type: 'postback',
            label: label(t('broadcast:zones.stop')),
            data: encodePostback({ a: 'unfollow', z: z.id }),
            displayText: t('broadcast:zones.stop'),
          },
        },
      ],
    },
  }));
  return {
    type: 'flex',
    altText: t('broadcast:zones.altText', { count: bubbles.length }),
    contents: { type: 'carousel', contents: bubbles },
    quickReply: { items: [postbackItem(t('menu.news'), { a: 'news' }), locationItem(t('broadcast:menu.sendPin'))] },
  };
}

export function zoneNewsReply(t: T, key: string, zone: LocalizedName | undefined, lang: Language): Message {
  return text(t(`broadcast:${key}`, { zone: nameIn(zone, lang) }), newsItems(t));
}

// The officer's compose flow (1:1). Officers pick zones, write, optionally add a photo and the other
// languages, see the broadcast exactly as residents will, and confirm.

const cancelCompose = (t: T): QuickReplyItem => postbackItem(t('broadcast:compose.cancel'), { a: 'bc-cancel' });

export function askZones(
  t: T,
  zones: Array<{ id: string; name: LocalizedName; chosen: boolean }>,
  lang: Language,
): Message {
  const chosen = zones.filter((z) => z.chosen);
  const items: QuickReplyItem[] = zones
    .slice(0, 9)
    .map((z) => postbackItem(`${z.chosen ? '✓ ' : ''}${nameIn(z.name, lang)}`, { a: 'bc-zone', z: z.id }));
  items.push(postbackItem(t('broadcast:compose.allZones'), { a: 'bc-zone', z: '*' }));
  if (chosen.length > 0) items.push(postbackItem(t('broadcast:compose.next'), { a: 'bc-next' }));
  items.push(cancelCompose(t));
  const lines = [t('broadcast:compose.askZones')];
  if (chosen.length > 0)
    lines.push(t('broadcast:compose.selected', { zones: chosen.map((z) => nameIn(z.name, lang)).join(', ') }));
  return text(lines.join('\n'), items);
}

export function composePrompt(t: T, key: string, params: Record<string, string | number> = {}): Message {
  return text(t(`broadcast:compose.${key}`, params), [cancelCompose(t)]);
}

export function askPhoto(t: T, prefix?: string): Message {
  const body = prefix ? `${prefix}\n${t('broadcast:compose.askPhoto')}` : t('broadcast:compose.askPhoto');
  return text(body, [postbackItem(t('broadcast:compose.noPhoto'), { a: 'bc-nophoto' }), cancelCompose(t)]);
}

export function askLanguages(t: T, prefix?: string): Message {
  const body = prefix ? `${prefix}\n${t('broadcast:compose.askLanguages')}` : t('broadcast:compose.askLanguages');
  return text(body, [
    postbackItem(t('broadcast:compose.thaiOnly'), { a: 'bc-langs', v: 'th' }),
    postbackItem(t('broadcast:compose.threeLanguages'), { a: 'bc-langs', v: 'all' }),
    cancelCompose(t),
  ]);
}

const LANGUAGE_NAMES: Record<Language, string> = { th: 'ไทย', en: 'English', ms: 'Melayu' };

/** A language by its own name (ไทย, English, Melayu), the same in every text. */
export function languageName(lang: Language): string {
  return LANGUAGE_NAMES[lang];
}

/** After the preview bubbles: who it will reach, and Send / Cancel. */
export function composeSummary(
  t: T,
  d: { people: number; groups: number; zones: LocalizedName[]; languages: Language[]; lang: Language },
  names: (l: Language) => string = languageName,
): Message {
  return text(
    t('broadcast:compose.summary', {
      people: d.people.toLocaleString('en-US'),
      groups: d.groups,
      zones: d.zones.map((z) => nameIn(z, d.lang)).join(', '),
      languages: d.languages.map(names).join(', '),
    }),
    [postbackItem(t('broadcast:compose.send'), { a: 'bc-send' }), cancelCompose(t)],
  );
}

export interface RunFigures {
  id: string;
  people: number;
  groups: number;
  languages?: string;
  accepted?: number;
  failed?: number;
  total?: number;
  answer?: string;
  needed?: number;
  remaining?: number;
  used?: number;
  limit?: number;
}

/** The figures of a run that the texts about it quote. */
export function runFigures(b: Broadcast, run: BroadcastRun, answer?: string): RunFigures {
  const byLanguage = run.recipients.byLanguage;
  return {
    id: b._id,
    people: run.recipients.people,
    groups: run.recipients.groups,
    languages: LANGUAGES.filter((l) => byLanguage[l])
      .map((l) => `${LANGUAGE_NAMES[l]} ${byLanguage[l]!.toLocaleString('en-US')}`)
      .join(', '),
    accepted: run.batches.accepted,
    failed: run.batches.failed + run.batches.held,
    total: run.batches.total,
    ...(answer ? { answer } : {}),
    needed: run.quota?.needed,
    remaining: run.quota?.remaining,
    used: run.quota?.used,
    limit: run.quota?.limit,
  };
}

const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US');

/** How a broadcast went, told to whoever started it: going out, held for the quota, or finished. */
export function runReport(t: T, state: 'sending' | 'held' | 'finished' | 'nobody', f: RunFigures): Message {
  const params = {
    id: f.id,
    people: n(f.people),
    groups: n(f.groups),
    languages: f.languages ?? '',
    accepted: n(f.accepted),
    failed: n(f.failed),
    total: n(f.total),
    answer: f.answer ?? '',
    needed: n(f.needed),
    remaining: n(f.remaining),
    used: n(f.used),
    limit: n(f.limit),
  };
  if (state === 'held')
    return text(t('broadcast:run.held', params), [postbackItem(t('broadcast:run.retry'), { a: 'bc-retry', id: f.id })]);
  if (state === 'finished' && (f.failed ?? 0) > 0) return text(t('broadcast:run.finishedWithFailures', params));
  return text(t(`broadcast:run.${state}`, params));
}

// Community notices: the approval card officers get, and the buttons on it.

export interface NoticeView {
  id: string;
  text: string;
  community: LocalizedName;
  proposer?: string;
  at: number;
}

export function noticeCard(t: T, v: NoticeView, lang: Language): Message {
  const button = (key: string, verdict: 'ok' | 'no', style: 'primary' | 'secondary'): messagingApi.FlexButton => ({
    type: 'button',
    style,
    height: 'sm',
    ...(style === 'primary' ? { color: COMMUNITY } : {}),
    action: {
      type: 'postback',
      label: label(t(key)),
      data: encodePostback({ a: 'notice', id: v.id, v: verdict }),
      displayText: t(key),
    },
  });
  const community = nameIn(v.community, lang);
  return {
    type: 'flex',
    altText: clip(`${t('broadcast:notice.cardTitle')} (${community}): ${v.text}`, 400),
    contents: {
      type: 'bubble',
      size: 'mega',
      header: headingBox(COMMUNITY, t('broadcast:notice.cardTitle'), [{ text: v.id, size: 'xxs' }]),
      body: {
        type: 'box',
        layout: 'vertical',
        spacing: 'sm',
        contents: [
          { type: 'text', text: v.text, size: 'sm', wrap: true },
          { type: 'separator', margin: 'md' },
          detailRow(t('broadcast:notice.cardFrom'), community),
          detailRow(t('broadcast:notice.cardBy'), v.proposer ?? t('broadcast:notice.anonymousMember')),
          detailRow(t('broadcast:notice.cardWhen'), formatDateTime(v.at, lang)),
        ],
      },
      footer: buttonRow([
        button('broadcast:notice.approve', 'ok', 'primary'),
        button('broadcast:notice.reject', 'no', 'secondary'),
      ]),
    },
  };
}

/** A line for a group: Thai, then English (a group has no language of its own). */
export function groupText(
  texts: (lang: Language) => T,
  key: string,
  params: (lang: Language) => Record<string, string | number> = () => ({}),
): Message {
  return text(`${texts('th')(key, params('th'))}\n\n${texts('en')(key, params('en'))}`);
}
