// SOS: the alert card for station groups (and escalation groups), what officers get in their own
// chat, and what the person sees.
import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import { encodePostback } from '../src/bot/postback';
import type { AlertMessage, AlertStatus, ForwardOutcome, SosAlert, SosCardVariant } from '../src/domain/sos/alert';
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

export type { SosCardVariant } from '../src/domain/sos/alert';

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

/**
 * A length of time as people say it: "30 วินาที", "2 นาที", "5 นาที 12 วินาที" (never "0.1 นาที",
 * never "312 วินาที").
 */
export function duration(t: T, totalSeconds: number): string {
  const whole = Math.max(0, Math.round(totalSeconds));
  const minutes = Math.floor(whole / 60);
  const seconds = whole % 60;
  if (minutes === 0) return t('sos:time.seconds', { count: seconds });
  if (seconds === 0) return t('sos:time.minutes', { count: minutes });
  return `${t('sos:time.minutes', { count: minutes })} ${t('sos:time.seconds', { count: seconds })}`;
}

/** A rung of the ladder (minutes, possibly a fraction) in words. */
export function rungDuration(t: T, minutes: number): string {
  return duration(t, minutes * 60);
}

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
        ? t('sos:card.reAlert', { duration: rungDuration(t, d.variant.minutes) })
        : t('sos:card.escalated', { station: stationName, duration: rungDuration(t, d.variant.minutes) });
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
        row(t('sos:card.language'), t(`sos:card.languageNames.${alert.lang}`)),
        row(t('sos:card.when'), formatDateTime(alert.createdAt, d.lang)),
        row(t('sos:card.where'), where),
        row(t('sos:card.station'), stationName),
        row(t('sos:card.falseAlarms'), t('sos:card.falseAlarmCount', { count: d.falseAlarms })),
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

/** The line above the card in an officer's own chat (the card's buttons work there too). */
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
      ? t('sos:update.group', { ...params, duration: duration(t, secondsToAck) })
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

/** What the person reads when an officer acts; `station` is the officer's own station. */
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

/** The first answer to an SOS: who has it, what to do now, and when officers are alerted again. */
export function sosRaised(
  t: T,
  d: { holder: Station | undefined; withPin: boolean; firstRungMinutes: number; lang: Language },
): Message {
  const said = t(d.withPin ? 'sos:person.alertedWithPin' : 'sos:person.alerted', {
    station: stationOrCommandCentre(t, d.holder, d.lang),
  });
  const ladder = t('sos:person.ladder', { first: rungDuration(t, d.firstRungMinutes) });
  return text(`${said}\n${ladder}`, sosQuickReplies(t));
}

/**
 * The answer to an SOS from someone whose language is not known yet (their LINE profile did not come
 * in time, so the answer is Thai): the same news in a short line of English and of Malay under it,
 * with 191. A Malaysian or a tourist in trouble at night must not have to read Thai to know that
 * help was called.
 */
export function sosAlsoInOtherLanguages(message: Message, others: readonly T[], d: { unrouted: boolean }): Message {
  if (message.type !== 'text') return message;
  const lines = others.map((t) => t(d.unrouted ? 'sos:person.otherLanguagesUnrouted' : 'sos:person.otherLanguages'));
  return { ...message, text: `${message.text}\n\n${lines.join('\n')}` };
}

/** SOS pressed again while one is open: said as it really stands (waiting, or someone has it). */
export function sosJoined(t: T, alert: SosAlert): Message {
  return alert.status === 'new' || !alert.ownerName
    ? sosToPerson(t, 'joined', { alertId: alert._id })
    : sosToPerson(t, 'joinedHandled', { alertId: alert._id, officer: alert.ownerName });
}

const LADDER_KEY = { realerted: 'stillAlerting', escalated: 'escalated', 'nobody-more': 'nobodyMore' } as const;

/** A rung of the ladder, as the person hears it: exactly what that rung did. */
export function sosLadderStep(t: T, did: keyof typeof LADDER_KEY): Message {
  return sosToPerson(t, LADDER_KEY[did]);
}

/** Where a forwarded file can be fetched by LINE (https), and a still image for a video. */
export interface MediaLinks {
  url: string;
  previewUrl: string;
}

/** Something the person sent during an SOS, for the groups and officers that hold the alert. */
export function forwardedMessage(
  t: T,
  alert: SosAlert,
  m: AlertMessage,
  lang: Language,
  links: MediaLinks | undefined,
): Message[] {
  const params = { alertId: alert._id, time: formatDateTime(m.at, lang) };
  if (m.type === 'text') {
    // LINE's text limit is 5,000; a person's message can be that long on its own.
    return [text(clip(t('sos:forward.text', { ...params, text: m.text ?? '' }), 5000))];
  }
  if (!links) return [text(t(`sos:forward.kept.${m.type}`, params))];
  const header = text(t(`sos:forward.${m.type}`, params));
  switch (m.type) {
    case 'image':
      return [header, { type: 'image', originalContentUrl: links.url, previewImageUrl: links.url }];
    case 'video':
      return [header, { type: 'video', originalContentUrl: links.url, previewImageUrl: links.previewUrl }];
    case 'audio':
      return [header, { type: 'audio', originalContentUrl: links.url, duration: m.media?.durationMs ?? 60_000 }];
  }
}

/** What the person is told about what they sent during an SOS: exactly what reached the officers. */
export function forwardReceipt(t: T, outcome: ForwardOutcome): Message {
  switch (outcome.said) {
    case 'sent':
      return sosToPerson(t, `sent.${outcome.type}`);
    case 'noted':
      return sosToPerson(t, `noted.${outcome.type}`);
    default:
      return sosToPerson(t, outcome.said);
  }
}

/** An officer's help in their own chat: the commands, their duty state, and SOS one tap away. */
export function officerHelp(
  t: T,
  d: { station: Station | undefined; name: string; onDuty: boolean; lang: Language },
): Message {
  const body = [
    t('report:officer.help', { station: nameIn(d.station?.name, d.lang), name: d.name }),
    t(d.onDuty ? 'report:officer.dutyNowOn' : 'report:officer.dutyNowOff'),
  ].join('\n');
  const toggle: QuickReplyItem = {
    type: 'action',
    action: {
      type: 'message',
      label: label(t(d.onDuty ? 'report:officer.goOffDuty' : 'report:officer.goOnDuty')),
      text: d.onDuty ? '/duty off' : '/duty on',
    },
  };
  return text(body, [postbackItem(t('menu.sos'), { a: 'sos' }), toggle, call191(t)]);
}
