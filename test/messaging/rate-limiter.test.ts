import { TokenBucket } from '../../src/messaging/rate-limiter';

describe('TokenBucket', () => {
  it('when a burst is larger than the per-second budget, then the budget goes at once and the rest waits for the refill', async () => {
    const bucket = new TokenBucket(100);
    const started: number[] = [];
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 150 }, () => bucket.take().then(() => started.push(Date.now() - t0))));
    started.sort((a, b) => a - b);
    expect(started[99]).toBeLessThan(50); // the first hundred without waiting
    expect(started[149]).toBeGreaterThanOrEqual(400); // fifty more need about half a second of refill
    expect(started[149]).toBeLessThan(1500);
  });

  it('when the burst is smaller than the per-second budget, then only the burst goes at once and the rest waits', async () => {
    const bucket = new TokenBucket(100, 10);
    let started = 0;
    const all = Promise.all(Array.from({ length: 30 }, () => bucket.take().then(() => (started += 1))));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toBe(10);
    await all;
    expect(started).toBe(30);
  });

  it('when it is released, then every waiting call goes at once', async () => {
    const bucket = new TokenBucket(1);
    await bucket.take();
    let went = false;
    const waiting = bucket.take().then(() => (went = true));
    bucket.release();
    await waiting;
    expect(went).toBe(true);
  });
});
