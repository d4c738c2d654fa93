import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import { encodePostback } from '../src/bot/postback';
import type { Consent } from '../src/domain/people';
import { choiceFooter, label, mainMenuItems, postbackItem, text, type Message, type QuickReplyItem } from './common';
import { clip } from './format';

/** Greeting on follow: a short hello, then the PDPA notice as a card with Accept / Decline. */
export function welcomeMessages(
  t: T,
  data: { displayName?: string; returning: boolean; consentPending: boolean },
): Message[] {
  const hello = data.returning
    ? t('welcome.back')
    : data.displayName
      ? t('welcome.named', { name: data.displayName })
      : t('welcome.anonymous');
  if (!data.consentPending) return [text(hello, mainMenuItems(t))];
  return [text(hello), privacyNotice(t)];
}

/** The short PDPA notice: what is kept, who sees it, for how long, how to withdraw; Accept / Decline. */
export function privacyNotice(t: T): Message {
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'mega',
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'md',
      contents: [
        { type: 'text', text: t('privacy.title'), weight: 'bold', size: 'md', wrap: true },
        { type: 'text', text: t('privacy.body'), size: 'sm', wrap: true, color: '#333333' },
        {
          type: 'button',
          style: 'link',
          height: 'sm',
          action: {
            type: 'postback',
            label: label(t('privacy.details')),
            data: encodePostback({ a: 'privacy' }),
            displayText: t('privacy.details'),
          },
        },
      ],
    },
    footer: choiceFooter(
      { text: t('privacy.accept'), data: { a: 'consent', v: 'accept' } },
      { text: t('privacy.decline'), data: { a: 'consent', v: 'decline' } },
    ),
  };
  return {
    type: 'flex',
    altText: clip(`${t('privacy.title')}: ${t('privacy.body')}`, 1500),
    contents: bubble,
    // Quick replies too: some LINE clients (and screen readers) reach these more easily than card buttons.
    quickReply: { items: consentItems(t) },
  };
}

function consentItems(t: T): QuickReplyItem[] {
  return [
    postbackItem(t('privacy.accept'), { a: 'consent', v: 'accept' }),
    postbackItem(t('privacy.decline'), { a: 'consent', v: 'decline' }),
  ];
}

const FULL_NOTICE_PARTS = ['title', 'controller', 'purposes', 'data', 'retention', 'rights', 'contact', 'law'];

/**
 * The full notice (PDPA s. 23: controller, purposes, what is kept and who receives it, retention,
 * rights, contact), as one text. It ends with the choice that is open to the person now: to give
 * consent, or to withdraw it.
 */
export function privacyDetails(t: T, consent: Consent): Message {
  const body = FULL_NOTICE_PARTS.map((part) => t(`privacy.full.${part}`)).join('\n\n');
  return text(
    body,
    consent === 'accepted' ? [postbackItem(t('privacy.withdraw'), { a: 'consent', v: 'withdraw' })] : consentItems(t),
  );
}

/**
 * A group the bot has just joined, in Thai: groups are police stations and Thai communities, and
 * everything else the bot says in a group (bind results, cards, updates) is Thai too.
 */
export function groupHello(thai: T): Message {
  return text(thai('group.hello'));
}
