// The token bucket in front of each LINE endpoint, on jest's fake clock: time moves only when the
// test says, so "at once" means "before any time passed" and every figure is exact.
import { TokenBucket } from '../../src/messaging/rate-limiter';

/** Starts `n` calls on the bucket; `went()` says how many have been let through so far. */
function calls(bucket: TokenBucket, n: number): { went(): number; all: Promise<unknown> } {
  let went = 0;
  const all = Promise.all(Array.from({ length: n }, () => bucket.take().then(() => (went += 1))));
  return { went: () => went, all };
}

/** Lets `ms` of fake time pass, running the timers and promise callbacks it releases. */
const pass = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe('TokenBucket', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.UTC(2026, 10, 25, 13, 0, 0) });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('when a burst is larger than the per-second budget, then the budget goes at once and the rest go as the bucket refills', async () => {
    const bucket = new TokenBucket(100);
    const burst = calls(bucket, 150);
    await pass(0);
    expect(burst.went()).toBe(100);
    await pass(250); // a quarter of a second refills 25
    expect(burst.went()).toBe(125);
    await pass(240);
    expect(burst.went()).toBe(149);
    await pass(10); // half a second for fifty
    expect(burst.went()).toBe(150);
    await burst.all;
  });

  it('when the burst is smaller than the per-second budget, then only the burst goes at once and the rest waits', async () => {
    const bucket = new TokenBucket(100, 10);
    const burst = calls(bucket, 30);
    await pass(0);
    expect(burst.went()).toBe(10);
    await pass(200);
    expect(burst.went()).toBe(30);
  });

  it('when the bucket has been idle for seconds, then the next burst is still at most one second of budget', async () => {
    const bucket = new TokenBucket(10);
    const first = calls(bucket, 10);
    await pass(0);
    expect(first.went()).toBe(10);
    await pass(5_000); // idle: the refill stops at a full bucket, it does not bank the idle time
    const next = calls(bucket, 20);
    await pass(0);
    expect(next.went()).toBe(10);
    await pass(999);
    expect(next.went()).toBe(19);
    await pass(1);
    expect(next.went()).toBe(20);
  });

  it('when it is released, then every waiting call goes before any time passes', async () => {
    const bucket = new TokenBucket(1);
    await bucket.take();
    const waiting = calls(bucket, 3);
    await pass(0);
    expect(waiting.went()).toBe(0); // the next token is a second away
    bucket.release();
    await pass(0);
    expect(waiting.went()).toBe(3);
  });

  it('when calls come after a release, then the bucket meters them again', async () => {
    const bucket = new TokenBucket(2);
    calls(bucket, 3);
    await pass(0);
    bucket.release();
    const later = calls(bucket, 2);
    await pass(0);
    expect(later.went()).toBe(0);
    await pass(500);
    expect(later.went()).toBe(1);
    await pass(500);
    expect(later.went()).toBe(2);
  });
});
