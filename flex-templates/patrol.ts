// Patrols: the officer's check-in prompts, the zone digest for residents and community groups, and
// "last patrol near me". Pure functions of (t, data).
import type { T } from '../src/i18n/i18n';
import type { Language } from '../src/domain/people';
import type { LocalizedName } from '../src/domain/places';
import { locationItem, postbackItem, text, type Message } from './common';
import { newsItems } from './broadcast';
import { clip, nameIn } from './format';

const clock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Bangkok',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** 20:05, Bangkok time (the same in every language). */
export function clockTime(at: number): string {
  return clock.format(at);
}

/** "25 minutes ago", "2 hours ago", in the reader's language. */
export function timeAgo(t: T, ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return t('patrol:ago.justNow');
  if (minutes < 60) return t('patrol:ago.minutes', { count: minutes });
  return t('patrol:ago.hours', { count: Math.floor(minutes / 60) });
}

const cancelItem = (t: T) => postbackItem(t('patrol:checkIn.cancel'), { a: 'patrol-cancel' });

export function askCheckInPin(t: T, lastPinAgeMs?: number): Message {
  const items = [locationItem(t('patrol:checkIn.sendLocation'))];
  if (lastPinAgeMs !== undefined) items.push(postbackItem(t('patrol:checkIn.useLast'), { a: 'patrol-last' }));
  items.push(cancelItem(t));
  return text(
    lastPinAgeMs !== undefined
      ? t('patrol:checkIn.askOrLast', { ago: timeAgo(t, lastPinAgeMs) })
      : t('patrol:checkIn.ask'),
    items,
  );
}

export function checkInPrompt(t: T, key: string): Message {
  return text(t(`patrol:checkIn.${key}`), [locationItem(t('patrol:checkIn.sendLocation')), cancelItem(t)]);
}

export function checkedIn(t: T, d: { place?: string; zone?: LocalizedName; at: number; lang: Language }): Message {
  const place = d.place ?? t('patrol:checkIn.unnamedPlace');
  return text(
    d.zone
      ? t('patrol:checkIn.done', { place, zone: nameIn(d.zone, d.lang), time: clockTime(d.at) })
      : t('patrol:checkIn.doneOutside', { place, time: clockTime(d.at) }),
  );
}

export interface DigestView {
  zone: LocalizedName;
  count: number;
  places: string[];
  from: number;
  lastAt: number;
}

const MAX_PLACES = 3;

function digestBody(t: T, d: DigestView, lang: Language): string {
  const shown = d.places.slice(0, MAX_PLACES);
  const more = d.places.length > MAX_PLACES ? ` ${t('patrol:digest.morePlaces')}` : '';
  const params = {
    zone: nameIn(d.zone, lang),
    count: d.count,
    from: clockTime(d.from),
    last: clockTime(d.lastAt),
    places: `${shown.join(', ')}${more}`,
  };
  return [
    t('patrol:digest.title', params),
    t('patrol:digest.count', params),
    ...(shown.length > 0 ? [t('patrol:digest.places', params)] : []),
    t('patrol:digest.last', params),
  ].join('\n');
}

/** The digest for a resident who asked for patrol news, in their language. */
export function digestMessage(t: T, d: DigestView, lang: Language): Message {
  return text(clip(digestBody(t, d, lang), 5000), newsItems(t));
}

/** The digest for a community group: Thai, then English. */
export function groupDigestMessage(texts: (lang: Language) => T, d: DigestView): Message {
  return text(clip(`${digestBody(texts('th'), d, 'th')}\n\n${digestBody(texts('en'), d, 'en')}`, 5000));
}

export function nearPatrolMessage(
  t: T,
  found: { place?: string; zone?: LocalizedName; distanceM: number; agoMs: number } | undefined,
  lang: Language,
): Message {
  if (!found) return text(t('patrol:near.none'), newsItems(t));
  const place = found.place ?? (found.zone ? nameIn(found.zone, lang) : t('patrol:checkIn.unnamedPlace'));
  return text(
    t('patrol:near.found', {
      place,
      distance: Math.max(10, Math.round(found.distanceM / 10) * 10),
      ago: timeAgo(t, found.agoMs),
    }),
    newsItems(t),
  );
}

export function askNearPin(t: T): Message {
  return text(t('patrol:near.ask'), [locationItem(t('patrol:checkIn.sendLocation')), cancelItem(t)]);
}
