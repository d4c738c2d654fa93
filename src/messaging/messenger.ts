import type { LineMessage } from './line-gateway';
import type { Outbox } from './outbox';

/** Where a reply goes: the event's reply token, and the chat to push to if the token cannot be used. */
export interface ReplyTarget {
  replyToken?: string;
  /** The event's timestamp: reply tokens age from it. */
  issuedAt: number;
  chatId: string;
}

/**
 * What flows use to talk to people. Every call is persisted in the outbox before anything is
 * sent, so a message accepted here survives a crash (DESIGN: nothing is lost).
 */
export interface Messenger {
  /** `id`: the same answer planned again (the event handled again after a crash) is queued once. */
  reply(target: ReplyTarget, messages: LineMessage[], purpose: string, options?: { id?: string }): Promise<void>;
  /** `dedupeKey`: the same planned send queued again (a re-run job) reaches LINE once (retry keys). */
  push(to: string, messages: LineMessage[], purpose: string, options?: SendOptions): Promise<void>;
  multicast(to: string[], messages: LineMessage[], purpose: string, options?: SendOptions): Promise<void>;
}

export interface SendOptions {
  dedupeKey?: string;
  /** See SendRequest.orderKey: independent of other messages to the same chat. */
  orderKey?: string;
  /** See SendRequest.urgent: retried within about a second (SOS). */
  urgent?: boolean;
}

export function outboxMessenger(outbox: Outbox): Messenger {
  return {
    async reply(target, messages, purpose, options) {
      if (messages.length === 0) return;
      await outbox.enqueue({
        id: options?.id,
        kind: target.replyToken ? 'reply' : 'push',
        to: target.chatId,
        replyToken: target.replyToken,
        replyTokenAt: target.issuedAt,
        messages,
        purpose,
      });
    },
    async push(to, messages, purpose, options) {
      if (messages.length === 0) return;
      await outbox.enqueue({
        kind: 'push',
        to,
        messages,
        purpose,
        dedupeKey: options?.dedupeKey,
        orderKey: options?.orderKey,
        urgent: options?.urgent,
      });
    },
    async multicast(to, messages, purpose, options) {
      if (messages.length === 0 || to.length === 0) return;
      await outbox.enqueue({
        kind: 'multicast',
        to,
        messages,
        purpose,
        dedupeKey: options?.dedupeKey,
        urgent: options?.urgent,
      });
    },
  };
}
