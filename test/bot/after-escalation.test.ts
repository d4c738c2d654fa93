// What happens after the ladder brought in the escalation group, a report started from a pin's
// "report here", and /bind typed without a code.
import type { ManualClock } from '../../src/util/clock';
import { HYI_GROUP, OFFICER_A, OFFICER_B, SOMCHAI, escalateTo, setUpCity } from '../support/city';
import { cityForEachTest } from '../support/city-per-test';
import { PLACES, gid, startHub, type HubFixture } from '../support/hub-fixture';

const PROVINCE = gid('8');
const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)?.text ?? '';

describe('after the escalation group was brought in', () => {
  it('when an officer acknowledges after the 5-minute rung, then the escalation group also hears who took it', async () => {
    const f = await startHub({ seed: true, clock: 'manual' });
    try {
      f.emulator.groups.add({ groupId: PROVINCE, groupName: 'ภ.จว.สงขลา', memberIds: [OFFICER_A, OFFICER_B] });
      await setUpCity(f);
      await escalateTo(f, 'HYI', PROVINCE);
      await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
      await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
      await f.settle();
      const id = (await f.hub.repos.alerts.openFor(SOMCHAI))!._id;
      for (const minutes of [2.1, 3]) {
        (f.clock as ManualClock).advance(minutes * 60_000);
        await f.hub.scheduler.escalationTick();
      }
      await f.settle();
      expect(await f.hub.repos.alerts.get(id)).toMatchObject({ escalationStep: 2 });
      await f.emulator.driver.postback({ groupId: HYI_GROUP, userId: OFFICER_B }, `a=sos-act&id=${id}&to=acknowledged`);
      await f.settle();
      expect(last(f, PROVINCE)).toBe(`👮 ${id} · รับเรื่องแล้ว โดย ด.ต. บุญมี (ตอบรับใน 5 นาที 6 วินาที)`);
    } finally {
      await f.close();
    }
  });
});

describe('reports from a pin, and /bind without a code', () => {
  const city = cityForEachTest();

  it('when a resident taps "report here" under the zone answer to their pin, then the report starts with that place kept', async () => {
    const f = city();
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.khlongHae);
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=report-here');
    await f.settle();
    expect(await f.hub.repos.sessions.get(SOMCHAI)).toMatchObject({
      flow: 'report',
      step: 'category',
      data: { location: { lat: PLACES.khlongHae.latitude, source: 'last-pin' } },
    });
  });

  it('when /bind comes without a code, in a group or a 1:1 chat, then the sender is shown how to use it', async () => {
    const f = city();
    await f.emulator.driver.text({ groupId: HYI_GROUP, userId: OFFICER_A }, '/bind');
    await f.emulator.driver.text({ userId: SOMCHAI }, '/bind');
    await f.settle();
    expect(last(f, HYI_GROUP)).toBe('วิธีใช้: /bind ตามด้วยรหัส 8 หลัก เช่น /bind 48392017');
    expect(last(f, SOMCHAI)).toBe('วิธีใช้: /bind ตามด้วยรหัส 8 หลัก เช่น /bind 48392017');
  });
});
