// The LINE profiles of people who have not consented are kept in memory only, for an hour, and at
// most 20,000 of them: the oldest goes first. A unit test of that bound: the gateway is a counter
// standing in for LINE's profile API (20,001 people through the emulator would prove nothing more
// and take a minute), and the context holds only what profileOf reads.
import { loadSender } from '../../src/bot/handlers/sender';
import type { BotContext } from '../../src/bot/context';
import { silentLogger } from '../../src/logger';

const CAPACITY = 20_000;
const person = (n: number) => `U${n.toString(16).padStart(32, '0')}`;

describe('the profile cache', () => {
  it('when more people write than it holds, then the one asked for first is asked of LINE again, and the latest are not', async () => {
    const asked: string[] = [];
    const ctx = {
      now: Date.UTC(2026, 10, 25, 13),
      log: silentLogger,
      deps: {
        line: {
          getProfile: async (userId: string) => {
            asked.push(userId);
            return { userId, displayName: 'Somchai', language: 'en' };
          },
        },
      },
    } as unknown as BotContext;
    const sender = loadSender();

    for (let n = 0; n < CAPACITY; n++) await sender.profileOf(ctx, person(n));
    expect(asked).toHaveLength(CAPACITY);
    // A full cache answers everyone in it, the first and the last.
    expect(await sender.profileOf(ctx, person(0))).toMatchObject({ language: 'en' });
    expect(await sender.profileOf(ctx, person(CAPACITY - 1))).toMatchObject({ language: 'en' });
    expect(asked).toHaveLength(CAPACITY);

    // One more person: the oldest entry makes room, the others stay.
    await sender.profileOf(ctx, person(CAPACITY));
    await sender.profileOf(ctx, person(1));
    await sender.profileOf(ctx, person(CAPACITY - 1));
    expect(asked.slice(CAPACITY)).toEqual([person(CAPACITY)]);
    await sender.profileOf(ctx, person(0));
    expect(asked.slice(CAPACITY)).toEqual([person(CAPACITY), person(0)]);
  });
});
