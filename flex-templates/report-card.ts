// The card a station group receives for a report, and the texts that follow a status change.
import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import { encodePostback } from '../src/bot/postback';
import type { Case, CaseStatus } from '../src/domain/reports/case';
import { isOpen } from '../src/domain/reports/case';
import type { Station, Zone } from '../src/domain/places';
import type { Language } from '../src/domain/people';
import { buttonRow, detailRow, label, text, type Message } from './common';
import { clip, formatDateTime, mapsLink, nameIn } from './format';

const STATUS_COLOR: Record<CaseStatus, string> = {
  new: '#D93025',
  acknowledged: '#E37400',
  en_route: '#1F6FEB',
  on_scene: '#1F6FEB',
  resolved: '#188038',
  referred: '#5F6368',
  rejected: '#5F6368',
};

const STATUS_ICON: Record<CaseStatus, string> = {
  new: '🆕',
  acknowledged: '✅',
  en_route: '🚓',
  on_scene: '📍',
  resolved: '✔️',
  referred: '↪️',
  rejected: '✖️',
};

export function placeOf(c: Pick<Case, 'location'>): string {
  const l = c.location;
  return l.geocodedAddress ?? l.address ?? l.typed ?? `${l.lat.toFixed(5)}, ${l.lng.toFixed(5)}`;
}

const row = (k: string, v: string) => detailRow(k, v, 2);

function actionButton(
  t: T,
  key: string,
  caseId: string,
  to: CaseStatus,
  style: 'primary' | 'secondary' | 'link',
  extra: Record<string, string> = {},
): messagingApi.FlexButton {
  return {
    type: 'button',
    style,
    height: 'sm',
    ...(style === 'primary' ? { color: '#1F6FEB' } : {}),
    action: { type: 'postback', label: label(t(key)), data: encodePostback({ a: 'case', id: caseId, to, ...extra }) },
  };
}

export interface ReportCardData {
  c: Case;
  station?: Station;
  zone?: Zone;
  lang: Language;
  /** An https URL of the first photo, when the hub has a public base URL. */
  photoUrl?: string;
}

/** The station group's card: what, when, where (with a map link), who, and the officer buttons. */
export function reportCard(t: T, d: ReportCardData): Message {
  const { c } = d;
  const category = t(`report:categories.${c.category}`);
  const where = placeOf(c);
  const zoneLine = c.inZone && d.zone ? nameIn(d.zone.name, d.lang) : t('report:card.outsideZone');
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'mega',
    ...(d.photoUrl
      ? { hero: { type: 'image', url: d.photoUrl, size: 'full', aspectRatio: '20:13', aspectMode: 'cover' } }
      : {}),
    header: {
      type: 'box',
      layout: 'vertical',
      backgroundColor: STATUS_COLOR[c.status],
      paddingAll: '12px',
      contents: [
        {
          type: 'text',
          text: t('report:card.title', { category }),
          color: '#FFFFFF',
          weight: 'bold',
          size: 'md',
          wrap: true,
        },
        { type: 'text', text: `${c._id} · ${t(`report:status.${c.status}`)}`, color: '#FFFFFF', size: 'xs' },
      ],
    },
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        { type: 'text', text: clip(c.description, 1000), wrap: true, size: 'sm' },
        { type: 'separator', margin: 'md' },
        row(t('report:card.when'), formatDateTime(c.createdAt, d.lang)),
        row(t('report:card.where'), clip(where, 300)),
        row(t('report:card.zone'), zoneLine),
        row(
          t('report:card.photos'),
          c.photos.length ? t('report:card.photoCount', { count: c.photos.length }) : t('report:card.noPhotos'),
        ),
        row(t('report:card.reporter'), c.anonymous || !c.reporterName ? t('report:card.anonymous') : c.reporterName),
        // Officers should know before they call back that the reporter may not read Thai.
        row(t('report:card.reporterLanguage'), t(`sos:card.languageNames.${c.reporterLanguage}`)),
        ...(c.ownerName ? [row(t('report:card.owner'), c.ownerName)] : []),
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        {
          type: 'button',
          style: 'link',
          height: 'sm',
          action: {
            type: 'uri',
            label: label(t('report:card.openMap')),
            uri: mapsLink(c.location.lat, c.location.lng),
          },
        },
        ...(isOpen(c.status)
          ? [
              buttonRow([
                actionButton(t, 'report:card.acknowledge', c._id, 'acknowledged', 'primary'),
                actionButton(t, 'report:card.enRoute', c._id, 'en_route', 'secondary'),
              ]),
              buttonRow([
                actionButton(t, 'report:card.onScene', c._id, 'on_scene', 'secondary'),
                actionButton(t, 'report:card.resolve', c._id, 'resolved', 'secondary'),
              ]),
              // "Other agency" closes the case: on its own row, away from the everyday buttons.
              actionButton(t, 'report:card.refer', c._id, 'referred', 'link'),
              buttonRow(
                [
                  actionButton(t, 'report:card.duplicate', c._id, 'rejected', 'link', { r: 'duplicate' }),
                  actionButton(t, 'report:card.falseReport', c._id, 'rejected', 'link', { r: 'false_report' }),
                ],
                'none',
              ),
            ]
          : []),
      ],
    },
  };
  return {
    type: 'flex',
    altText: clip(`${t('report:card.title', { category })} ${c._id}: ${c.description} (${where})`, 400),
    contents: bubble,
  };
}

/** Posted in the group after an officer's tap. */
export function groupUpdate(t: T, c: Case, officer: string): Message {
  return text(
    t('report:update.group', {
      icon: STATUS_ICON[c.status],
      caseId: c._id,
      status: t(`report:status.${c.status}`),
      officer,
    }),
  );
}

/** Pushed to the reporter, in the reporter's language. */
export function reporterUpdate(t: T, c: Case, officer: string, station: Station | undefined, lang: Language): Message {
  const status = t(`report:status.${c.status}`);
  if (c.status === 'rejected') {
    const reason = t(c.rejectReason === 'duplicate' ? 'report:update.reasonDuplicate' : 'report:update.reasonFalse');
    return text(t('report:update.reporterRejected', { caseId: c._id, status, reason }));
  }
  return text(t('report:update.reporter', { caseId: c._id, status, officer, station: nameIn(station?.name, lang) }));
}

/** A case that waited for a group has now reached one: told to the reporter. */
export function caseReached(
  t: T,
  c: Case,
  station: Station | undefined,
  to: 'station' | 'command-centre',
  lang: Language,
): Message {
  return text(
    t(to === 'station' ? 'report:update.reached' : 'report:update.reachedCommandCentre', {
      caseId: c._id,
      station: nameIn(station?.name, lang) || c.stationCode,
    }),
  );
}

/** "My cases": the resident's recent cases and their states, newest first (a carousel of at most 10). */
export function myCasesCarousel(t: T, cases: Case[], lang: Language): Message {
  if (cases.length === 0) return text(t('report:myCases.none'));
  const bubbles: messagingApi.FlexBubble[] = cases.slice(0, 10).map((c) => ({
    type: 'bubble',
    size: 'kilo',
    header: {
      type: 'box',
      layout: 'vertical',
      backgroundColor: STATUS_COLOR[c.status],
      paddingAll: '10px',
      contents: [
        {
          type: 'text',
          text: t(`report:status.${c.status}`),
          color: '#FFFFFF',
          weight: 'bold',
          size: 'sm',
          wrap: true,
        },
        { type: 'text', text: c._id, color: '#FFFFFF', size: 'xxs' },
      ],
    },
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        { type: 'text', text: t(`report:categories.${c.category}`), weight: 'bold', size: 'sm', wrap: true },
        { type: 'text', text: clip(c.description, 120), size: 'xs', wrap: true, color: '#444444' },
        { type: 'text', text: formatDateTime(c.createdAt, lang, t), size: 'xxs', color: '#888888' },
      ],
    },
  }));
  return {
    type: 'flex',
    altText: t('report:myCases.altText', { count: bubbles.length }),
    contents: { type: 'carousel', contents: bubbles },
  };
}

export type ActionRefusal = 'unknown' | 'no-user-id' | 'not-officer' | 'already-owned' | 'invalid-transition';

/** Why an officer's tap on a case or SOS card changed nothing, said where the tap came from. */
export function actionRefused(
  t: T,
  why: ActionRefusal,
  d: { id?: string; stationName?: string; owner?: string; status?: string },
): Message {
  switch (why) {
    case 'unknown':
      return text(t('report:officer.unknownCase'));
    case 'no-user-id':
      return text(t('report:officer.usePhone'));
    case 'not-officer':
      return text(t('report:officer.notOfficer', { station: d.stationName ?? '' }));
    case 'already-owned':
      return text(t('report:officer.alreadyOwned', { caseId: d.id, owner: d.owner ?? '' }));
    case 'invalid-transition':
      return text(t('report:officer.invalidTransition', { caseId: d.id, status: d.status ?? '' }));
  }
}
