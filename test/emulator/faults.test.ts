import { randomUUID } from 'node:crypto';
import { ALICE, startEmulator } from './emulator-fixture';

describe('emulator: probabilistic faults', () => {
  it('when a fault has a probability, then about that share of calls fail and the rest are delivered', async () => {
    const fx = await startEmulator();
    try {
      fx.emulator.users.add({ userId: ALICE, displayName: 'Alice' });
      fx.emulator.faults.inject({ count: 10_000, status: 500, endpoint: 'push', probability: 0.2 });
      let failed = 0;
      for (let i = 0; i < 300; i++) {
        try {
          await fx.client.pushMessage({ to: ALICE, messages: [{ type: 'text', text: `n${i}` }] }, randomUUID());
        } catch {
          failed++;
        }
      }
      // 300 draws at p = 0.2: the mean is 60, and 30..95 is beyond six standard deviations either side.
      expect(failed).toBeGreaterThan(30);
      expect(failed).toBeLessThan(95);
      expect(fx.emulator.delivered(ALICE)).toHaveLength(300 - failed);
    } finally {
      await fx.close();
    }
  });

  it('when the probability is out of range, then injecting it is refused', async () => {
    const fx = await startEmulator();
    try {
      expect(() => fx.emulator.faults.inject({ count: 1, status: 500, probability: 1.5 })).toThrow(RangeError);
    } finally {
      await fx.close();
    }
  });
});

describe('emulator: reply tokens from outside the driver', () => {
  it('when a bench registers a reply token, then one reply with it is delivered to that chat and a second is refused', async () => {
    const fx = await startEmulator();
    try {
      fx.emulator.users.add({ userId: ALICE, displayName: 'Alice' });
      const token = 'a1'.repeat(16);
      const res = await fetch(`${fx.url}/_emulator/reply-tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tokens: [{ replyToken: token, chatId: ALICE }] }),
      });
      expect(await res.json()).toEqual({ issued: 1 });
      await fx.client.replyMessage({ replyToken: token, messages: [{ type: 'text', text: 'hi' }] });
      await expect(
        fx.client.replyMessage({ replyToken: token, messages: [{ type: 'text', text: 'again' }] }),
      ).rejects.toThrow();
      expect(fx.emulator.delivered(ALICE).map((d) => d.message.text)).toEqual(['hi']);
    } finally {
      await fx.close();
    }
  });
});

describe('emulator: faults that LINE shows in production', () => {
  it('when a fault is injected "after", then the message is delivered and the retry key taken, yet the bot is answered 500', async () => {
    const fx = await startEmulator();
    try {
      fx.emulator.users.add({ userId: ALICE, displayName: 'Alice' });
      fx.emulator.faults.inject({ count: 1, status: 500, endpoint: 'push', after: true });
      const key = randomUUID();
      await expect(
        fx.client.pushMessage({ to: ALICE, messages: [{ type: 'text', text: 'once' }] }, key),
      ).rejects.toThrow(/500/);
      expect(fx.emulator.delivered(ALICE).map((d) => d.message.text)).toEqual(['once']);
      // The retry with the same key is a 409: LINE had accepted it.
      await expect(
        fx.client.pushMessage({ to: ALICE, messages: [{ type: 'text', text: 'once' }] }, key),
      ).rejects.toThrow(/409/);
      expect(fx.emulator.delivered(ALICE)).toHaveLength(1);
    } finally {
      await fx.close();
    }
  });

  it('when an outage window is injected, then every call fails until it ends and calls succeed after it', async () => {
    const fx = await startEmulator();
    try {
      fx.emulator.users.add({ userId: ALICE, displayName: 'Alice' });
      fx.emulator.faults.inject({ status: 503, endpoint: 'push', forMs: 300 });
      const push = (text: string) =>
        fx.client.pushMessage({ to: ALICE, messages: [{ type: 'text', text }] }, randomUUID()).then(
          () => 'ok',
          () => 'failed',
        );
      expect([await push('a'), await push('b'), await push('c')]).toEqual(['failed', 'failed', 'failed']);
      await new Promise((r) => setTimeout(r, 350));
      expect(await push('d')).toBe('ok');
      expect(fx.emulator.delivered(ALICE).map((d) => d.message.text)).toEqual(['d']);
      expect(() => fx.emulator.faults.inject({ status: 500, forMs: -1 })).toThrow(RangeError);
    } finally {
      await fx.close();
    }
  });

  it('when a hanging fault is injected, then the call gets no answer until the client gives up, and the next call is answered', async () => {
    const fx = await startEmulator();
    try {
      fx.emulator.users.add({ userId: ALICE, displayName: 'Alice' });
      fx.emulator.faults.inject({ count: 1, status: 500, endpoint: 'profile', hang: true });
      const url = `${fx.url}/v2/bot/profile/${ALICE}`;
      const headers = { authorization: 'Bearer test-token' };
      await expect(fetch(url, { headers, signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
      const next = await fetch(url, { headers });
      expect(next.status).toBe(200);
      expect(fx.emulator.calls({ endpoint: 'profile' }).map((c) => c.status)).toEqual([0, 200]);
    } finally {
      await fx.close();
    }
  });
});
