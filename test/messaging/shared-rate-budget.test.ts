// LINE's per-second limit shared by several hub instances through the store: together they never
// start more calls in a second than the limit, and a call that finds the second spent waits for
// the next one rather than being dropped or waiting longer. Real seconds: the budget is per second
// of the store's windows, and what is checked is which second each call started in.
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { RateWindowRepository } from '../../src/store/repositories/rate-window-repository';
import { SharedRateBudget } from '../../src/messaging/shared-rate-budget';
import { silentLogger } from '../../src/logger';
import { systemClock } from '../../src/util/clock';

describe('a rate budget shared by two instances', () => {
  let store: EmbeddedStore;
  beforeEach(async () => {
    store = new EmbeddedStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('when both want more calls than a second allows, then no second starts more than the limit, and the rest start in the next second', async () => {
    const windows = new RateWindowRepository(store);
    await windows.init();
    const deps = { windows, clock: systemClock, logger: silentLogger };
    const [a, b] = [new SharedRateBudget(deps, 'push', 4), new SharedRateBudget(deps, 'push', 4)];
    // Start 600 ms into a second: the four calls it allows are drawn well before it ends, and the
    // others must wait the 400 ms left, not a whole second more.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 600));
    const first = Math.floor(Date.now() / 1000);
    const started: number[] = [];
    const call = async (budget: SharedRateBudget) => {
      await budget.take();
      started.push(Math.floor(Date.now() / 1000) - first);
    };
    await Promise.all([a, b, a, b, a, b].map(call));
    const perSecond = new Map<number, number>();
    for (const s of started) perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    expect(started).toHaveLength(6);
    expect(perSecond.get(0)).toBe(4);
    expect(perSecond.get(1)).toBe(2);
  });
});
