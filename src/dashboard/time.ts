// Time as the hub sees it. Ages and overdue marks count from the hub's clock, not this computer's:
// the live feed's `ready` event says what time the hub has, and the difference is kept.
import { useEffect, useState } from 'preact/hooks';
import { LOCALE_TAG, type Lang, type T } from './i18n';

let offsetMs = 0;
let known = false;
const waiting = new Set<() => void>();

/** Called with the hub's time when the live feed connects. */
export function setHubTime(hubNow: number): void {
  offsetMs = hubNow - Date.now();
  known = true;
  for (const w of waiting) w();
}

export function hubNow(): number {
  return Date.now() + offsetMs;
}

/** The hub's time, updated every `everyMs` (ages tick); undefined until the hub's time is known. */
export function useHubNow(everyMs = 1000): number | undefined {
  const [now, setNow] = useState<number | undefined>(known ? hubNow() : undefined);
  useEffect(() => {
    const tick = () => setNow(known ? hubNow() : undefined);
    waiting.add(tick);
    const timer = setInterval(tick, everyMs);
    tick();
    return () => {
      clearInterval(timer);
      waiting.delete(tick);
    };
  }, [everyMs]);
  return now;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * An age for a glance: minutes, then hours and minutes, then days and hours. `precise` (an SOS,
 * where seconds count) gives minutes:seconds under an hour, after a stopwatch so it is not read as
 * a time of day.
 */
export function formatAge(t: T, ms: number, precise = false): string {
  const at = Math.max(0, ms);
  if (at < HOUR && precise) {
    const m = Math.floor(at / MINUTE);
    const s = Math.floor((at % MINUTE) / 1000);
    return `⏱ ${m}:${String(s).padStart(2, '0')}`;
  }
  if (at < MINUTE) return t('time.underMinute');
  if (at < HOUR) return t('time.minutes', { count: Math.floor(at / MINUTE) });
  if (at < DAY) return t('time.hoursMinutes', { h: Math.floor(at / HOUR), m: Math.floor((at % HOUR) / MINUTE) });
  return t('time.daysHours', { d: Math.floor(at / DAY), h: Math.floor((at % DAY) / HOUR) });
}

/** A target or a figure in the largest unit that keeps it readable: 5 minutes, 4 hours, 3 days. */
export function formatMinutes(t: T, minutes: number): string {
  if (minutes < 90) return t('time.minutes', { count: Math.round(minutes) });
  if (minutes < 48 * 60) return t('time.hours', { count: Math.round((minutes / 60) * 10) / 10 });
  return t('time.days', { count: Math.round((minutes / (24 * 60)) * 10) / 10 });
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: Lang, kind: 'time' | 'dateTime' | 'date'): Intl.DateTimeFormat {
  const key = `${lang}:${kind}`;
  let f = formats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : kind === 'date'
          ? { day: 'numeric', month: 'short', year: 'numeric' }
          : { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat(LOCALE_TAG[lang], { timeZone: 'Asia/Bangkok', ...options });
    formats.set(key, f);
  }
  return f;
}

/** Bangkok wall-clock time (hours:minutes). */
export const clockTime = (lang: Lang, at: number) => format(lang, 'time').format(at);
/** A day and time in Bangkok, in the Buddhist era in Thai: 25 พ.ย. 2569 20:05. */
export const dateTime = (lang: Lang, at: number) => format(lang, 'dateTime').format(at);
export const dateOnly = (lang: Lang, at: number) => format(lang, 'date').format(at);
