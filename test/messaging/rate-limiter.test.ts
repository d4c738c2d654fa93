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
