// What a person is told when their SOS cannot reach the police through LINE, and when it finally does.
import type { T } from '../src/i18n/i18n';
import { text, type Message } from './common';
import { sosQuickReplies } from './sos';

export function sosNotReachedYet(t: T): Message {
  return text(t('delivery:sos.notReachedYet'), sosQuickReplies(t));
}

export function sosReachedAtLast(t: T, minutes: number): Message {
  return text(t('delivery:sos.reachedAtLast', { minutes }), sosQuickReplies(t));
}
