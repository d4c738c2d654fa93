/**
 * Accepted `X-Line-Retry-Key`s. LINE: the key is valid for 24 hours after the first request; once a
 * request with it was accepted, retries get 409 with `X-Line-Accepted-Request-Id`; a request that failed
 * does not use the key up (https://developers.line.biz/en/docs/messaging-api/retrying-api-request/).
 */
export interface AcceptedRequest {
  requestId: string;
  acceptedAt: number;
  endpoint: string;
  sentMessages?: Array<{ id: string; quoteToken?: string }>;
}

const KEY_LIFETIME_MS = 24 * 60 * 60_000;

export class RetryKeys {
  private readonly accepted = new Map<string, AcceptedRequest>();

  constructor(private readonly capacity: number) {}

  find(key: string, now: number): AcceptedRequest | undefined {
    const entry = this.accepted.get(key);
    if (!entry) return undefined;
    if (now - entry.acceptedAt >= KEY_LIFETIME_MS) {
      this.accepted.delete(key);
      return undefined;
    }
    return entry;
  }

  accept(key: string, request: AcceptedRequest, now: number): void {
    for (const [oldKey, entry] of this.accepted) {
      if (this.accepted.size < this.capacity && now - entry.acceptedAt < KEY_LIFETIME_MS) break;
      this.accepted.delete(oldKey);
    }
    this.accepted.set(key, request);
  }

  clear(): void {
    this.accepted.clear();
  }
}
