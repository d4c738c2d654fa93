// A patrol check-in where the officer does something else than drop a pin: words, a stale "last pin",
// a pin outside every zone, cancel, or nothing at all for too long.
import type { ManualClock } from '../../src/util/clock';
import { OFFICER_A } from '../support/city';
import { PLACES, type HubFixture } from '../support/hub-fixture';
import { newsCity } from '../support/zone-news';

const last = (f: HubFixture) => f.seen(OFFICER_A).at(-1)!.text ?? '';

describe('patrol check-in off the happy path', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await newsCity({ clock: 'manual' });
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol');
    await f.settle();
  });
  afterEach(async () => {
    await f.close();
  });

  it('when the officer types instead of dropping a pin, then they are asked for a pin; "use last pin" with none fresh is refused', async () => {
    await f.emulator.driver.text({ userId: OFFICER_A }, 'ซอย 3');
    await f.settle();
    expect(last(f)).toBe('ขอเป็นตำแหน่ง (ปักหมุด) นะคะ กด "ส่งตำแหน่ง"');
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol-last');
    await f.settle();
    expect(last(f)).toBe('หมุดล่าสุดเก่าเกิน 10 นาทีแล้วค่ะ กด "ส่งตำแหน่ง" เพื่อปักหมุดใหม่');
    expect(await f.hub.repos.patrols.since(0)).toHaveLength(0);
  });

  it('when the pin is outside every zone, then it is kept and the officer is told it counts in no zone digest', async () => {
    await f.emulator.driver.location({ userId: OFFICER_A }, PLACES.outside);
    await f.settle();
    expect(last(f)).toMatch(/^บันทึกจุดตรวจแล้วค่ะ ✅\nนอกเขต เวลา \d\d:\d\d น\. \(อยู่นอกพื้นที่ Smart Safety Zone/);
  });

  it('when the officer cancels, or waits too long, then nothing is recorded and they are told so', async () => {
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol-cancel');
    await f.settle();
    expect(last(f)).toBe('ยกเลิกการเช็กอินแล้วค่ะ ไม่ได้บันทึกอะไร');
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol');
    await f.settle();
    (f.clock as ManualClock).advance(60 * 60_000);
    await f.emulator.driver.location({ userId: OFFICER_A }, PLACES.santisuk);
    await f.settle();
    expect(f.seen(OFFICER_A).map((m) => m.text)).toContain('การเช็กอินที่ค้างไว้หมดเวลาแล้วค่ะ ไม่ได้บันทึกอะไร');
    expect(await f.hub.repos.patrols.since(0)).toHaveLength(0);
  });
});
