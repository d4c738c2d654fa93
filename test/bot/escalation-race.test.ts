// The SOS ladder on two instances when one stalls mid-step (a long GC pause, a slow database) and
// its lease runs out: the other carries the ladder on, and the stalled step, when it finally writes,
// must not put the alert back a rung.
import type { ManualClock } from '../../src/util/clock';
import { HYI_GROUP, OFFICER_A, OFFICER_B, SOMCHAI, escalateTo, setUpCity } from '../support/city';
import { PLACES, gid, startHub, type HubFixture } from '../support/hub-fixture';
import { RaceStore } from '../support/race-store';
import { secondInstance, type SecondInstance } from '../support/second-instance';

const PROVINCE = gid('8');
const escalatedCards = (f: HubFixture) =>
  f.seen(PROVINCE).filter((m) => m.type === 'flex' && m.altText?.includes('SOS'));

describe('when an instance stalls in the middle of a ladder step', () => {
  let store: RaceStore;
  let f: HubFixture;
  let b: SecondInstance;
  beforeEach(async () => {
    store = new RaceStore();
    f = await startHub({ seed: true, store, clock: 'manual' });
    b = await secondInstance(f);
    f.emulator.groups.add({ groupId: PROVINCE, groupName: 'ภ.จว.สงขลา', memberIds: [OFFICER_A, OFFICER_B] });
    await setUpCity(f);
    await escalateTo(f, 'HYI', PROVINCE);
  });
  afterEach(async () => {
    await b.close();
    await f.close();
  });

  it('then the other instance climbs the ladder, and the late write of the stalled one neither moves the alert back nor alerts anyone twice', async () => {
    const clock = f.clock as ManualClock;
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.settle();
    const id = (await f.hub.repos.alerts.openFor(SOMCHAI))!._id;

    clock.advance(2.1 * 60_000);
    // Instance A takes rung 1 and stalls just before recording it.
    const stalled = store.pause(
      'alerts',
      (method, args) => method === 'updateOne' && (args[1] as any)?.$set?.escalationStep === 1,
    );
    const a = f.hub.sos.escalateDue();
    await stalled.reached;
    // Instance B, its lease now, does rung 1 and, at 5 minutes, rung 2.
    expect(await b.hub.sos.escalateDue()).toBe(1);
    clock.advance(3 * 60_000);
    expect(await b.hub.sos.escalateDue()).toBe(1);
    expect(await f.hub.repos.alerts.get(id)).toMatchObject({ escalationStep: 2 });

    stalled.release();
    await a;
    await Promise.all([f.settle(), b.hub.drain()]);
    const alert = (await f.hub.repos.alerts.get(id))!;
    expect(alert).toMatchObject({ status: 'new', escalationStep: 2 });
    expect(alert).not.toHaveProperty('nextEscalationAt');
    clock.advance(60_000);
    expect(await b.hub.sos.escalateDue()).toBe(0);
    expect(await f.hub.sos.escalateDue()).toBe(0);
    await Promise.all([f.settle(), b.hub.drain()]);
    expect(escalatedCards(f)).toHaveLength(1);
    const reAlerts = f.seen(HYI_GROUP).filter((m) => m.altText?.includes('SOS ยังไม่มีผู้รับเรื่อง'));
    expect(reAlerts).toHaveLength(1);
  });
});
