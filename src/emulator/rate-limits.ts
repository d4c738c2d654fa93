/**
 * LINE's per-endpoint rate limits (https://developers.line.biz/en/reference/messaging-api/#rate-limits),
 * configurable so a bench can check that the hub stays under them and finishes as fast as they allow.
 * Each endpoint has a bucket of `perSecond` requests that refills continuously; a request that finds it
 * empty gets LINE's 429. Real time, not the emulator's clock: limits are about the wire.
 */
export class RateLimits {
  private readonly buckets = new Map<string, { perSecond: number; tokens: number; at: number }>();

  constructor(limits: Record<string, number> = {}) {
    for (const [endpoint, perSecond] of Object.entries(limits)) this.set(endpoint, perSecond);
  }

  set(endpoint: string, perSecond: number | undefined): void {
    if (perSecond === undefined) {
      this.buckets.delete(endpoint);
      return;
    }
    if (!(perSecond > 0)) throw new RangeError(`rate limit of ${endpoint} must be a positive number`);
    this.buckets.set(endpoint, { perSecond, tokens: perSecond, at: performance.now() });
  }

  /** Takes a request's token; false when the endpoint is over its limit. */
  take(endpoint: string): boolean {
    const bucket = this.buckets.get(endpoint);
    if (!bucket) return true;
    const now = performance.now();
    bucket.tokens = Math.min(bucket.perSecond, bucket.tokens + ((now - bucket.at) * bucket.perSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** `multicast=200,push=2000` (the EMULATOR_RATE_LIMITS form). */
  static parse(spec: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const part of spec
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [name, value] = part.split('=');
      const n = Number(value);
      if (!name || !(n > 0)) throw new RangeError(`rate limit "${part}" is not endpoint=requestsPerSecond`);
      out[name.trim()] = n;
    }
    return out;
  }
}
