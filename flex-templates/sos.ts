// SOS: the alert card for station groups (and escalation groups), and what the person sees.
import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import { encodePostback } from '../src/bot/postback';
import type { AlertStatus, SosAlert } from '../src/domain/sos/alert';
import { isOpenAlert } from '../src/domain/sos/alert';
import type { Station } from '../src/domain/places';
import type { Language } from '../src/domain/people';
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
import { clip, formatDateTime, mapsLink, nameIn } from './format';

const call191 = (t: T): QuickReplyItem => ({
  type: 'action',
  action: { type: 'uri', label: label(t('sos:person.call191')), uri: 'tel:191' },
});

/** Every message to a person in an SOS carries the location button and a call-191 button. */
export function sosQuickReplies(t: T): QuickReplyItem[] {
  return [locationItem(t('sos:person.sendLocation')), call191(t)];
}

export function sosToPerson(t: T, key: string, params: Record<string, string | number> = {}): Message {
  return text(t(`sos:person.${key}`, params), sosQuickReplies(t));
}

export function ambiguousHelpQuestion(t: T): Message {
  return text(t('sos:ask.question'), [
    postbackItem(t('sos:ask.sosNow'), { a: 'sos' }),
    call191(t),
    postbackItem(t('sos:ask.notEmergency'), { a: 'help' }),
  ]);
}

export type SosCardVariant =
  { kind: 'first' } | { kind: 're-alert'; minutes: number } | { kind: 'escalated'; minutes: number };

const row = (k: string, v: string) => detailRow(k, v, 3);

function button(
  t: T,
  key: string,
  id: string,
  to: AlertStatus,
  style: 'primary' | 'secondary' | 'link',
): messagingApi.FlexButton {
  return {
    type: 'button',
    style,
    height: 'sm',
    ...(style === 'primary' ? { color: '#D93025' } : {}),
    action: { type: 'postback', label: label(t(key)), data: encodePostback({ a: 'sos-act', id, to }) },
  };
}

const LANGUAGE_NAMES: Record<Language, string> = { th: 'ไทย', en: 'English', ms: 'Melayu' };

export interface SosCardData {
  alert: SosAlert;
  station?: Station;
  falseAlarms: number;
  variant: SosCardVariant;
  lang: Language;
}

export function sosCard(t: T, d: SosCardData): Message {
  const { alert } = d;
  const stationName = stationOrCommandCentre(t, d.station, d.lang);
  const heading =
    d.variant.kind === 'first'
      ? t('sos:card.title')
      : d.variant.kind === 're-alert'
        ? t('sos:card.reAlert', { minutes: d.variant.minutes })
        : t('sos:card.escalated', { station: stationName, minutes: d.variant.minutes });
  const where = alert.position
    ? (alert.position.address ?? `${alert.position.lat.toFixed(5)}, ${alert.position.lng.toFixed(5)}`)
    : t('sos:card.noLocation');
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'mega',
    header: {
      type: 'box',
      layout: 'vertical',
      backgroundColor: '#D93025',
      paddingAll: '12px',
      contents: [
        { type: 'text', text: heading, color: '#FFFFFF', weight: 'bold', size: 'md', wrap: true },
        { type: 'text', text: alert._id, color: '#FFFFFF', size: 'xs' },
      ],
    },
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        row(t('sos:card.who'), alert.userName ?? t('sos:card.unknownName')),
        row(t('sos:card.language'), LANGUAGE_NAMES[alert.lang]),
        row(t('sos:card.when'), formatDateTime(alert.createdAt, d.lang)),
        row(t('sos:card.where'), where),
        row(t('sos:card.station'), stationName),
        row(t('sos:card.falseAlarms'), String(d.falseAlarms)),
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        ...(alert.position
          ? [
              {
                type: 'button' as const,
                style: 'link' as const,
                height: 'sm' as const,
                action: {
                  type: 'uri' as const,
                  label: label(t('sos:card.openMap')),
                  uri: mapsLink(alert.position.lat, alert.position.lng),
                },
              },
            ]
          : []),
        ...(isOpenAlert(alert.status)
          ? [
              button(t, 'sos:card.acknowledge', alert._id, 'acknowledged', 'primary'),
              buttonRow([
                button(t, 'sos:card.enRoute', alert._id, 'en_route', 'secondary'),
                button(t, 'sos:card.onScene', alert._id, 'on_scene', 'secondary'),
              ]),
              buttonRow([
                button(t, 'sos:card.resolve', alert._id, 'resolved', 'secondary'),
                button(t, 'sos:card.falseAlarm', alert._id, 'false_alarm', 'link'),
              ]),
            ]
          : []),
      ],
    },
  };
  return { type: 'flex', altText: clip(`${heading} ${alert._id}: ${where}`, 400), contents: bubble };
}

/** A later position for an open alert: LINE's own location message (opens in the map) and a line of text. */
export function positionUpdate(t: T, alert: SosAlert, lang: Language): Message[] {
  const p = alert.position!;
  return [
    text(t('sos:card.locationUpdate', { alertId: alert._id, time: formatDateTime(p.at, lang) })),
    {
      type: 'location',
      title: alert._id,
      address: clip(p.address ?? `${p.lat.toFixed(5)}, ${p.lng.toFixed(5)}`, 100),
      latitude: p.lat,
      longitude: p.lng,
    },
  ];
}

/** Who has the alert, in words: its station, or the command centre while no station has it (never "CC"). */
export function stationOrCommandCentre(t: T, station: Station | undefined, lang: Language): string {
  return nameIn(station?.name, lang) || t('sos:person.commandCentre');
}

export function officerPush(t: T, alert: SosAlert, station: Station | undefined, lang: Language): Message {
  return text(
    t('sos:card.officerPush', {
      alertId: alert._id,
      station: stationOrCommandCentre(t, station, lang),
    }),
  );
}

const ICON: Record<AlertStatus, string> = {
  new: '🆘',
  acknowledged: '👮',
  en_route: '🚓',
  on_scene: '📍',
  resolved: '✅',
  false_alarm: '✖️',
};

export function sosGroupUpdate(t: T, alert: SosAlert, officer: string, secondsToAck?: number): Message {
  const params = { icon: ICON[alert.status], alertId: alert._id, status: t(`sos:status.${alert.status}`), officer };
  return text(
    secondsToAck !== undefined
      ? t('sos:update.group', { ...params, seconds: secondsToAck })
      : t('sos:update.groupLater', params),
  );
}

const PERSON_KEY: Partial<Record<AlertStatus, string>> = {
  acknowledged: 'acknowledged',
  en_route: 'enRoute',
  on_scene: 'onScene',
  resolved: 'resolved',
  false_alarm: 'falseAlarm',
};

export function sosPersonUpdate(
  t: T,
  alert: SosAlert,
  officer: string,
  station: Station | undefined,
  lang: Language,
): Message {
  const key = PERSON_KEY[alert.status] ?? 'stillAlerting';
  const closed = alert.status === 'resolved' || alert.status === 'false_alarm';
  const body = t(`sos:person.${key}`, {
    officer,
    station: stationOrCommandCentre(t, station, lang),
  });
  return closed ? text(body) : text(body, sosQuickReplies(t));
}
