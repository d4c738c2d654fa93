import type { Language } from '../src/domain/people';
import type { LocalizedName } from '../src/domain/places';
import type { T } from '../src/i18n/i18n';

const DATE_LOCALE: Record<Language, string> = {
  // Thai readers expect the Buddhist era: 25 พ.ย. 2569, not 2026.
  th: 'th-TH-u-ca-buddhist',
  en: 'en-GB',
  ms: 'ms-MY',
};

const formatters = new Map<Language, Intl.DateTimeFormat>();

function formatterFor(lang: Language): Intl.DateTimeFormat {
  let f = formatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(DATE_LOCALE[lang], {
      timeZone: 'Asia/Bangkok',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      // Not hour12:false: on a 12-hour locale (ms-MY) that picks the 1-24 cycle and shows 00:30 as 24:30.
      hourCycle: 'h23',
    });
    formatters.set(lang, f);
  }
  return f;
}

/**
 * Date and time in Bangkok, in the reader's language and calendar. With `t`, in the words a
 * resident reads (bot:dateTime): Thai as Thai documents write it, "30 พ.ย. 2569 เวลา 01:30 น.",
 * and English and Malay saying it is Thai time (Malaysia is an hour ahead).
 */
export function formatDateTime(at: number, lang: Language, t?: T): string {
  const f = formatterFor(lang);
  if (!t) return f.format(at);
  const parts = f.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${part('day')} ${part('month')} ${part('year')}`;
  return t('bot:dateTime', { date, time: `${part('hour')}:${part('minute')}` });
}

export function nameIn(name: LocalizedName | undefined, lang: Language): string {
  if (!name) return '';
  return name[lang] || name.th || name.en || '';
}

export function mapsLink(lat: number, lng: number): string {
  return `https://www.google.com/maps/search/?api=1&query=${lat.toFixed(6)},${lng.toFixed(6)}`;
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The user-perceived characters of a text: a Thai consonant with its vowel and tone marks is one. */
export function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

/**
 * How LINE counts action labels, displayText, rich menu chatBarText and name: in grapheme clusters
 * (https://developers.line.biz/en/docs/messaging-api/text-character-count/).
 */
export function graphemeLength(text: string): number {
  return graphemes(text).length;
}

/**
 * Cuts a text to at most `max` UTF-16 code units (LINE's unit for texts and altText), ellipsis
 * included. It cuts between grapheme clusters, never inside one: half an emoji shows as a broken
 * glyph, and a Thai consonant cut from its vowel or tone mark reads as another word.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  // Lazily: a 5,000-unit description clipped to 120 is segmented only as far as the cut.
  for (const { segment } of graphemeSegmenter.segment(text)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out}…`;
}

/**
 * Cuts a text to at most `max` grapheme clusters, ellipsis included: for the fields LINE counts in
 * clusters. Locale texts are written to fit (test/flex-templates/templates.test.ts checks every
 * label uncut); this is the net for a text that is not.
 */
export function clipGraphemes(text: string, max: number): string {
  // A cluster has at least one UTF-16 unit: a text within `max` units needs no segmenting.
  if (text.length <= max) return text;
  const all = graphemes(text);
  if (all.length <= max) return text;
  return `${all.slice(0, max - 1).join('')}…`;
}
