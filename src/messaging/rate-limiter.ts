/**
 * A token bucket per LINE endpoint: up to `perSecond` calls start in any second, a burst spends the
 * bucket and later calls wait for it to refill. It replaces bottleneck here because bottleneck's
 * serialized submission queue added 100+ ms to every call in a 50-report burst (bench/report.ts),
 * while the hub needs nothing but "stay under LINE's per-second limit".
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  /** `burst`: how many calls may start at once (the bucket's size); a second's worth by default. */
  constructor(
    private readonly perSecond: number,
    private readonly burst = perSecond,
  ) {
    this.tokens = burst;
  }

  /** Resolves when a call may start. */
  take(): Promise<void> {
    this.refill();
    if (this.waiting.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Lets every waiting call go (shutdown: they will find the outbox stopped). */
  release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w();
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiting.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        this.waiting.shift()!();
      }
      if (this.waiting.length > 0) this.schedule();
    }, wait);
  }
}
