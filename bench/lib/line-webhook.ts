// Builds webhook bodies the way the LINE platform sends them, so the hub under load parses, verifies
// and stores exactly what it would in production (https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects).
// The bench builds and signs bodies itself instead of asking the emulator to send them: a load
// generator must not depend on the system under test to produce its load.
import { createHmac, randomBytes } from 'node:crypto';
import type { KeepAliveClient } from './http-client';

/**
 * Small talk no handler treats as a command: each event takes the "not understood, here is the menu"
 * path and is answered with exactly one message, which is what makes a per-user count check exact.
 */
export const SMALL_TALK: Record<string, string[]> = {
  th: ['สวัสดีครับ', 'ขอบคุณมากค่ะ', 'วันนี้อากาศร้อนจัง', 'ตลาดปิดกี่โมงครับ', 'เดินทางปลอดภัยนะคะ', 'โอเคครับ'],
  en: ['hello there', 'thanks a lot', 'what time does the night market close?', 'ok got it', 'good evening'],
  ms: ['terima kasih', 'selamat petang', 'pasar malam tutup pukul berapa?', 'baiklah'],
};
/** Hat Yai: mostly Thai speakers, some English, Malaysian visitors (person i speaks [i % 10]). */
export const SMALL_TALK_LANGS = ['th', 'th', 'th', 'th', 'th', 'th', 'th', 'en', 'en', 'ms'] as const;

/** LINE's `x-line-signature`: base64 HMAC-SHA256 of the raw body with the channel secret. */
export function signBody(channelSecret: string, body: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * webhookEventId is a ULID (26 Crockford characters: 10 of milliseconds, 16 random). Within one
 * millisecond the random part is incremented, so ids are unique and ordered even at thousands a second.
 */
export class UlidIds {
  private lastTime = -1;
  private random: number[] = [];

  next(now = Date.now()): string {
    if (now <= this.lastTime) {
      this.increment();
    } else {
      this.lastTime = now;
      this.random = Array.from(randomBytes(16), (b) => b & 31);
    }
    let time = '';
    let rest = this.lastTime;
    for (let i = 0; i < 10; i += 1) {
      time = CROCKFORD[rest % 32]! + time;
      rest = Math.floor(rest / 32);
    }
    return time + this.random.map((d) => CROCKFORD[d]).join('');
  }

  private increment(): void {
    for (let i = this.random.length - 1; i >= 0; i -= 1) {
      const digit = this.random[i]! + 1;
      if (digit < 32) {
        this.random[i] = digit;
        return;
      }
      this.random[i] = 0;
    }
  }
}

/** Deterministic LINE-shaped user ids (U + 32 hex) so a rerun talks to the same people. */
export function benchUserId(index: number): string {
  return 'U' + (index + 1).toString(16).padStart(8, '0') + 'be7c4a11'.repeat(3);
}

export interface TextEventInput {
  userId: string;
  text: string;
  webhookEventId: string;
  messageId: string;
  timestamp: number;
  /** 32 hex characters; a fresh random one when not given. */
  replyToken?: string;
}

/** A 1:1 text message event, every field LINE sends for one (message id, quote token, reply token). */
export function textMessageEvent(input: TextEventInput): Record<string, unknown> {
  return {
    type: 'message',
    message: { type: 'text', id: input.messageId, quoteToken: randomBytes(24).toString('base64url'), text: input.text },
    webhookEventId: input.webhookEventId,
    deliveryContext: { isRedelivery: false },
    timestamp: input.timestamp,
    source: { type: 'user', userId: input.userId },
    replyToken: input.replyToken ?? newReplyToken(),
    mode: 'active',
  };
}

/** LINE's reply tokens are 32 hex characters. */
export function newReplyToken(): string {
  return randomBytes(16).toString('hex');
}

export function webhookBody(destination: string, events: Array<Record<string, unknown>>): string {
  return JSON.stringify({ destination, events });
}

/** LINE message ids are numeric strings; one counter per run keeps them unique. */
export function messageIds(start = 510_000_000_000_000 + Math.floor(Math.random() * 1e9)): () => string {
  let next = start;
  return () => String((next += 1));
}

/** A small seeded PRNG (mulberry32): the same --seed replays the same users and texts. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type WebhookOutcome = 'accepted' | 'duplicate' | 'refused';

/**
 * Posts one event the way LINE does, redelivering (same webhookEventId, `isRedelivery: true`) after a
 * network error or a 5xx, at most `attempts` times in all. Returns what the hub finally said; throws
 * the last error when every attempt failed.
 */
export async function deliverWebhook(
  client: KeepAliveClient,
  options: {
    channelSecret: string;
    destination: string;
    attempts?: number;
    redeliveryDelayMs?: number;
    /** Told why each redelivery happens (the error message or status of the attempt before). */
    onRedelivery?: (reason: string) => void;
  },
  event: Record<string, unknown>,
): Promise<WebhookOutcome> {
  let lastError: unknown;
  const attempts = options.attempts ?? 3;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (attempt > 0) {
      options.onRedelivery?.(lastError instanceof Error ? lastError.message : String(lastError));
      event.deliveryContext = { isRedelivery: true };
      await new Promise((r) => setTimeout(r, options.redeliveryDelayMs ?? 500));
    }
    const body = webhookBody(options.destination, [event]);
    let res;
    try {
      res = await client.request('POST', '/webhook', body, {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'LineBotWebhook/2.0',
        'x-line-signature': signBody(options.channelSecret, body),
      });
    } catch (err) {
      lastError = err;
      continue;
    }
    if (res.status >= 500) {
      lastError = new Error(`webhook answered ${res.status}`);
      continue;
    }
    if (res.status !== 200) return 'refused';
    const answer = JSON.parse(res.body) as { accepted?: number; duplicates?: number };
    if (answer.accepted === 1) return 'accepted';
    // After a broken connection the first attempt may have been stored: the redelivery is then a duplicate.
    return answer.duplicates === 1 ? 'duplicate' : 'refused';
  }
  throw lastError;
}
