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
