import type { messagingApi } from '@line/bot-sdk';
import type { T } from '../src/i18n/i18n';
import { choiceFooter, mainMenuItems, postbackItem, text, type Message } from './common';
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
    quickReply: {
      items: [
        postbackItem(t('privacy.accept'), { a: 'consent', v: 'accept' }),
        postbackItem(t('privacy.decline'), { a: 'consent', v: 'decline' }),
      ],
    },
  };
}

/** A group the bot has just joined: Thai first, then English, since a group has no language of its own. */
export function groupHello(thai: T, english: T): Message {
  return text(`${thai('group.hello')}\n\n${english('group.hello')}`);
}
