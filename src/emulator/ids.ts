import { createHash, randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newRequestId(): string {
  return randomUUID();
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Reply tokens in real webhooks are 32 hex characters. */
export function newReplyToken(): string {
  return randomBytes(16).toString('hex');
}

/** LINE's verify button sends this dummy token; replying to it fails. */
export const VERIFY_REPLY_TOKEN = '00000000000000000000000000000000';

export function newQuoteToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A stable bot user id per channel secret, shaped like LINE's `destination` (U + 32 hex). */
export function botUserIdFor(channelSecret: string): string {
  return 'U' + createHash('sha256').update(channelSecret).digest('hex').slice(0, 32);
}

/** Numeric string ids like LINE message ids; one sequence per emulator keeps them unique and ordered. */
export class MessageIdSequence {
  private next = 500_000_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000;

  take(): string {
    this.next += 1;
    return String(this.next);
  }

  /** The last id handed out, to continue after it once restarted. */
  last(): string {
    return String(this.next);
  }

  /** After a restart: never hand out an id the bot may already have seen (and stored media under). */
  continueAfter(lastId: string): void {
    const n = Number(lastId);
    if (Number.isSafeInteger(n) && n > this.next) this.next = n;
  }
}

/**
 * webhookEventId is a ULID (LINE: "an ID in ULID format"): 10 Crockford chars of milliseconds and 16 of
 * randomness. Within one millisecond the random part is incremented so ids stay strictly ordered even
 * with a frozen test clock.
 */
export class UlidGenerator {
  private lastTime = -1;
  private lastRandom: number[] = [];

  constructor(private readonly clock: () => number) {}

  next(): string {
    let time = this.clock();
    if (time <= this.lastTime) {
      time = this.lastTime;
      this.increment();
    } else {
      this.lastTime = time;
      const bytes = randomBytes(16);
      this.lastRandom = Array.from(bytes, (b) => b & 31);
    }
    return encodeTime(time) + this.lastRandom.map((d) => CROCKFORD[d]).join('');
  }

  private increment(): void {
    for (let i = this.lastRandom.length - 1; i >= 0; i -= 1) {
      const digit = (this.lastRandom[i] ?? 0) + 1;
      if (digit < 32) {
        this.lastRandom[i] = digit;
        return;
      }
      this.lastRandom[i] = 0;
    }
  }
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i += 1) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}
