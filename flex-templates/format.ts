import type { Language } from '../src/domain/people';
import type { LocalizedName } from '../src/domain/places';

const DATE_LOCALE: Record<Language, string> = {
  // Thai readers expect the Buddhist era: 25 พ.ย. 2569, not 2026.
  th: 'th-TH-u-ca-buddhist',
  en: 'en-GB',
  ms: 'ms-MY',
};

const formatters = new Map<Language, Intl.DateTimeFormat>();

/** Date and time in Bangkok, in the reader's language and calendar. */
export function formatDateTime(at: number, lang: Language): string {
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
  return f.format(at);
}

export function nameIn(name: LocalizedName | undefined, lang: Language): string {
  if (!name) return '';
  return name[lang] || name.th || name.en || '';
}

export function mapsLink(lat: number, lng: number): string {
  return `https://www.google.com/maps/search/?api=1&query=${lat.toFixed(6)},${lng.toFixed(6)}`;
}

/**
 * Cuts to at most `max` UTF-16 code units (LINE's unit), ellipsis included, never inside a
 * character: half an emoji would show as a broken glyph.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}
