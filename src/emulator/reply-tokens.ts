/**
 * Reply tokens the driver handed out. LINE: a token is single use and must be used within one minute;
 * a redelivered event's token gets one more minute unless it was already used or 20 minutes have passed
 * since the event (https://developers.line.biz/en/reference/messaging-api/#send-reply-message-reply-token).
 */
interface IssuedToken {
  chatId: string;
  issuedAt: number;
  expiresAt: number;
  used: boolean;
}

const REDELIVERY_HORIZON_MS = 20 * 60_000;

export class ReplyTokens {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  issue(token: string, chatId: string, now: number): void {
    this.prune(now);
    this.tokens.set(token, { chatId, issuedAt: now, expiresAt: now + this.ttlMs, used: false });
  }

  has(token: string): boolean {
    return this.tokens.has(token);
  }

  /** The chat the token was issued for, valid or not (so a failed reply is still logged against its chat). */
  chatOf(token: string): string | undefined {
    return this.tokens.get(token)?.chatId;
  }

  /** Uses the token up; undefined when it is unknown, used or expired. */
  consume(token: string, now: number): string | undefined {
    const entry = this.tokens.get(token);
    if (!entry || entry.used || now >= entry.expiresAt) return undefined;
    entry.used = true;
    return entry.chatId;
  }

  extendForRedelivery(token: string, now: number): void {
    const entry = this.tokens.get(token);
    if (!entry || entry.used) return;
    entry.expiresAt = Math.min(now + this.ttlMs, entry.issuedAt + REDELIVERY_HORIZON_MS);
  }

  clear(): void {
    this.tokens.clear();
  }

  // Tokens sit in issue order, so expired ones gather at the front; the size cap bounds the rest.
  private prune(now: number): void {
    for (const [token, entry] of this.tokens) {
      if (this.tokens.size < this.capacity && now < entry.expiresAt) break;
      this.tokens.delete(token);
    }
  }
}
