// What an officer sees in their 1:1 chat from the officer menu: the station's open cases and open SOS.
// Acting on them stays on the cards in the station group, where every officer sees who took what.
import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import type { Language } from '../src/domain/people';
import type { LocalizedName } from '../src/domain/places';
import type { Case } from '../src/domain/reports/case';
import type { SosAlert } from '../src/domain/sos/alert';
import { headingBox } from './broadcast';
import { text, type Message } from './common';
import { clip, formatDateTime, mapsLink, nameIn } from './format';
import { placeOf } from './report-card';

const MAX_ROWS = 10;

function row(title: string, detail: string, when: string, map?: string): messagingApi.FlexBox {
  return {
    type: 'box',
    layout: 'vertical',
    spacing: 'xs',
    paddingTop: '8px',
    contents: [
      { type: 'text', text: title, size: 'sm', weight: 'bold', wrap: true },
      { type: 'text', text: detail, size: 'xs', color: '#444444', wrap: true },
      { type: 'text', text: when, size: 'xxs', color: '#888888' },
    ],
    ...(map ? { action: { type: 'uri', label: 'map', uri: map } } : {}),
  };
}

function listMessage(
  t: T,
  heading: string,
  rows: messagingApi.FlexBox[],
  more: number,
  color: string,
): messagingApi.FlexMessage {
  const contents: messagingApi.FlexComponent[] = [];
  rows.forEach((r, i) => {
    if (i > 0) contents.push({ type: 'separator', margin: 'sm' });
    contents.push(r);
  });
  if (more > 0)
    contents.push({
      type: 'text',
      text: t('officer:list.more', { count: more }),
      size: 'xs',
      color: '#888888',
      wrap: true,
      margin: 'md',
    });
  return {
    type: 'flex',
    altText: clip(heading, 400),
    contents: {
      type: 'bubble',
      size: 'mega',
      header: headingBox(color, heading),
      body: { type: 'box', layout: 'vertical', spacing: 'none', contents },
    },
  };
}

/** The station's open cases, newest first. */
export function openCasesMessage(t: T, cases: Case[], station: LocalizedName | undefined, lang: Language): Message {
  const name = nameIn(station, lang);
  if (cases.length === 0) return text(t('officer:list.noCases', { station: name }));
  const rows = cases
    .slice(0, MAX_ROWS)
    .map((c) =>
      row(
        `${c._id} · ${t(`report:status.${c.status}`)}`,
        `${t(`report:categories.${c.category}`)} · ${clip(placeOf(c), 80)}`,
        formatDateTime(c.createdAt, lang),
        mapsLink(c.location.lat, c.location.lng),
      ),
    );
  return listMessage(
    t,
    t('officer:list.casesTitle', { station: name, count: cases.length }),
    rows,
    cases.length - rows.length,
    '#1F6FEB',
  );
}

/** The station's open SOS alerts, newest first. */
export function openSosMessage(t: T, alerts: SosAlert[], station: LocalizedName | undefined, lang: Language): Message {
  const name = nameIn(station, lang);
  if (alerts.length === 0) return text(t('officer:list.noSos', { station: name }));
  const rows = alerts
    .slice(0, MAX_ROWS)
    .map((a) =>
      row(
        `${a._id} · ${t(`sos:status.${a.status}`)}`,
        a.position
          ? clip(a.position.address ?? `${a.position.lat.toFixed(5)}, ${a.position.lng.toFixed(5)}`, 80)
          : t('sos:card.noLocation'),
        formatDateTime(a.createdAt, lang),
        a.position ? mapsLink(a.position.lat, a.position.lng) : undefined,
      ),
    );
  return listMessage(
    t,
    t('officer:list.sosTitle', { station: name, count: alerts.length }),
    rows,
    alerts.length - rows.length,
    '#D93025',
  );
}
