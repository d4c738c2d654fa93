// The resident's side of the report flow: prompts with quick replies, and the confirm card.
import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import { choiceFooter, detailRow, locationItem, postbackItem, text, type Message, type QuickReplyItem } from './common';
import { clip, formatDateTime } from './format';
import type { Language } from '../src/domain/people';
import type { Station } from '../src/domain/places';
import type { CaseRoute } from '../src/domain/reports/case-service';
import { nameIn } from './format';

const cancelItem = (t: T): QuickReplyItem => postbackItem(t('report:flow.cancel'), { a: 'report-cancel' });

export function askCategory(t: T, categories: string[], again = false): Message {
  const items = categories.map((c) => postbackItem(t(`report:categories.${c}`), { a: 'cat', v: c }));
  return text(t(again ? 'report:flow.askCategoryAgain' : 'report:flow.askCategory'), [...items, cancelItem(t)]);
}

export function askDescription(t: T, after?: 'photo' | 'pin'): Message {
  const key =
    after === 'photo' ? 'askDescriptionAfterPhoto' : after === 'pin' ? 'askDescriptionAfterPin' : 'askDescription';
  return text(t(`report:flow.${key}`), [cancelItem(t)]);
}

export function askPhotos(t: T, received: number, max: number): Message {
  if (received === 0)
    return text(t('report:flow.askPhotos'), [postbackItem(t('report:flow.skip'), { a: 'photos-done' }), cancelItem(t)]);
  return text(t('report:flow.photoReceived', { count: received, left: max - received }), [
    postbackItem(t('report:flow.done'), { a: 'photos-done' }),
    cancelItem(t),
  ]);
}

export function photoFailed(t: T): Message {
  return text(t('report:flow.photoFailed'), [postbackItem(t('report:flow.skip'), { a: 'photos-done' }), cancelItem(t)]);
}

/**
 * Where did it happen: a pin, the last pin, or (only when a geocoder is configured) a typed address.
 * Without one the prompt does not invite typing, and a `prefix` saying typing failed stands alone.
 */
export function askLocation(t: T, options: { canReuseLastPin: boolean; canType: boolean; prefix?: string }): Message {
  const items: QuickReplyItem[] = [locationItem(t('report:flow.sendLocation'))];
  if (options.canReuseLastPin) items.push(postbackItem(t('report:flow.useLastPin'), { a: 'last-pin' }));
  items.push(cancelItem(t));
  const prompt = t(options.canType ? 'report:flow.askLocation' : 'report:flow.askLocationPinOnly');
  const body = !options.prefix ? prompt : options.canType ? `${options.prefix}\n${prompt}` : options.prefix;
  return text(body, items);
}

export function askAnonymous(t: T): Message {
  return text(t('report:flow.askAnonymous'), [
    postbackItem(t('report:flow.showName'), { a: 'anon', v: 'no' }),
    postbackItem(t('report:flow.hideName'), { a: 'anon', v: 'yes' }),
    cancelItem(t),
  ]);
}

export interface ConfirmData {
  category: string;
  description: string;
  photoCount: number;
  place: string;
  anonymous: boolean;
  at: number;
  lang: Language;
}

export function confirmCard(t: T, d: ConfirmData): Message {
  const row = (k: string, v: string) => detailRow(k, v);
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'md',
      contents: [
        { type: 'text', text: t('report:flow.confirmTitle'), weight: 'bold', size: 'md', wrap: true },
        row(t('report:card.category'), t(`report:categories.${d.category}`)),
        row(t('report:card.description'), clip(d.description, 500)),
        row(t('report:card.where'), clip(d.place, 200)),
        row(
          t('report:card.photos'),
          d.photoCount ? t('report:card.photoCount', { count: d.photoCount }) : t('report:card.noPhotos'),
        ),
        row(t('report:card.reporter'), d.anonymous ? t('report:card.anonymous') : t('report:flow.nameShown')),
        row(t('report:card.when'), formatDateTime(d.at, d.lang, t)),
      ],
    },
    footer: choiceFooter(
      { text: t('report:flow.confirm'), data: { a: 'report-confirm' } },
      { text: t('report:flow.cancel'), data: { a: 'report-cancel' } },
    ),
  };
  return { type: 'flex', altText: clip(`${t('report:flow.confirmTitle')}: ${d.description}`, 400), contents: bubble };
}

/**
 * The answer to "send report": the case number and where it really went (the station's group, the
 * command centre in its place, or nowhere yet, with the station's phone), then what a report is not.
 */
export function submittedMessage(
  t: T,
  d: { caseId: string; station: Station; inZone: boolean; route: CaseRoute; lang: Language },
): Message {
  const params = { caseId: d.caseId, station: nameIn(d.station.name, d.lang), phone: d.station.phone };
  const key =
    d.route === 'waiting'
      ? 'report:flow.submittedWaiting'
      : d.route === 'command-centre'
        ? 'report:flow.submittedCommandCentre'
        : d.inZone
          ? 'report:flow.submitted'
          : 'report:flow.submittedOutside';
  return text(`${t(key, params)}\n${t('report:flow.submittedNote')}`);
}
