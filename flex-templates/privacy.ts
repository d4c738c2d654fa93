import type { T } from '../src/i18n/i18n';
import type { Language } from '../src/domain/people';
import type { Station } from '../src/domain/places';
import type { PrivacyRequest } from '../src/domain/privacy/privacy-request';
import { text, type Message } from './common';
import { clip, formatDateTime, nameIn } from './format';

/** LINE's limit for one text message is 5,000 characters; a staff note is one line of it. */
const NOTE_MAX = 1000;

/** What the person is told when their request about their data is recorded (or was already). */
export function privacyRequestRecorded(
  t: T,
  request: PrivacyRequest,
  station: Station | undefined,
  lang: Language,
  already: boolean,
): Message {
  if (already) return text(t('privacy:already', { id: request._id, date: formatDateTime(request.createdAt, lang) }));
  const where = station
    ? t('privacy:recorded.station', { station: nameIn(station.name, lang) })
    : t('privacy:recorded.nowhere');
  return text(t(`privacy:recorded.${request.kind}`, { id: request._id, where }));
}

/** What the person is told when the station has acted on their request. */
export function privacyRequestClosed(
  t: T,
  request: PrivacyRequest,
  station: Station | undefined,
  lang: Language,
): Message {
  const place = station ? `${nameIn(station.name, lang)} (${station.phone})` : t('privacy:recorded.nowhere');
  const lines = [t(`privacy:closed.${request.outcome ?? 'withdrawn'}`, { id: request._id, place })];
  if (request.note) lines.push(t('privacy:closed.note', { note: clip(request.note, NOTE_MAX) }));
  return text(lines.join('\n'));
}
