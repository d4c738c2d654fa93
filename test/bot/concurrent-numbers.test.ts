// Case and SOS numbers when several people send at the same moment: each gets its own number.
// Different people are different inbox queues, so their events are handled at once; a RaceStore
// gate holds each counter write until both have reached it.
import { buddhistYear } from '../../src/domain/reports/case';
import { CounterRepository } from '../../src/store/repositories/counter-repository';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { HYI_GROUP, JOHN, SOMCHAI, setUpCity } from '../support/city';
import { TEST_EPOCH, startHub, type HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';
import { RaceStore } from '../support/race-store';

const counterWrite = (method: string) => method === 'upsertOne' || method === 'updateOne' || method === 'insert';

describe('numbers handed out at the same moment', () => {
  let store: RaceStore;
  let f: HubFixture;
  beforeEach(async () => {
    store = new RaceStore();
    f = await startHub({ seed: true, store });
    await setUpCity(f);
  });
  afterEach(async () => {
    await f.close();
  });

  it('when two residents confirm their reports at the same moment, then each gets its own case number and both cards reach the group', async () => {
    await fileReport(f, SOMCHAI, { words: 'รถหายหน้าบ้าน', confirm: false });
    await fileReport(f, JOHN, { words: 'My bag was taken', confirm: false });
    const yy = String(buddhistYear(f.clock.now()) % 100);
    const both = store.hold('counters', 2, counterWrite);
    await Promise.all([
      f.emulator.driver.postback({ userId: SOMCHAI }, 'a=report-confirm'),
      f.emulator.driver.postback({ userId: JOHN }, 'a=report-confirm'),
      both,
    ]);
    await f.settle();
    const ids = [...(await f.hub.repos.cases.byReporter(SOMCHAI)), ...(await f.hub.repos.cases.byReporter(JOHN))].map(
      (c) => c._id,
    );
    expect(ids.sort()).toEqual([`HYI-${yy}-000001`, `HYI-${yy}-000002`]);
    const cards = f.seen(HYI_GROUP).filter((m) => m.type === 'flex' && /HYI-\d\d-00000\d/.test(m.altText ?? ''));
    expect(cards).toHaveLength(2);
    expect(f.seen(SOMCHAI).at(-1)!.text).toContain('เลขที่เรื่อง HYI-');
    expect(f.seen(JOHN).at(-1)!.text).toContain('Case number HYI-');
  });

  it('when two people press SOS at the same moment, then each alert has its own number', async () => {
    const both = store.hold('counters', 2, counterWrite);
    await Promise.all([
      f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos'),
      f.emulator.driver.postback({ userId: JOHN }, 'a=sos'),
      both,
    ]);
    await f.settle();
    const a = (await f.hub.repos.alerts.openFor(SOMCHAI))!;
    const b = (await f.hub.repos.alerts.openFor(JOHN))!;
    expect(new Set([a._id, b._id]).size).toBe(2);
  });
});

describe('CounterRepository', () => {
  it('when fifty numbers are asked for at once, then fifty different numbers come back, 1 to 50', async () => {
    const store = new EmbeddedStore();
    try {
      const counters = new CounterRepository(store);
      const numbers = await Promise.all(Array.from({ length: 50 }, () => counters.next('case', 'HYI', TEST_EPOCH)));
      const yy = String(buddhistYear(TEST_EPOCH) % 100);
      expect(numbers.sort()).toEqual(
        Array.from({ length: 50 }, (_, i) => `HYI-${yy}-${String(i + 1).padStart(6, '0')}`),
      );
      expect(await counters.next('sos', 'HYI', TEST_EPOCH)).toBe(`SOS-HYI-${yy}-000001`);
      expect(await counters.next('case', 'KHH', TEST_EPOCH)).toBe(`KHH-${yy}-000001`);
    } finally {
      await store.close();
    }
  });
});
