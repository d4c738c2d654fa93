// Patrol check-ins from the officer menu, the zone digests (content, once per period, quiet hours),
// and "last patrol near me".
import type { ManualClock } from '../../src/util/clock';
import { JOHN, OFFICER_A, SOMCHAI } from '../support/city';
import { PLACES, type HubFixture } from '../support/hub-fixture';
import { COMMUNITY, SANTISUK, admin, follows, newsCity } from '../support/zone-news';

const MINUTE = 60_000;
const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
const digests = (f: HubFixture, chat: string) =>
  f.seen(chat).filter((m) => m.text?.startsWith('🚓 Police patrols') || m.text?.startsWith('🚓 สายตรวจใน'));

/** Spots inside the Santisuk zone, with what LINE says about them. */
const SPOTS = {
  soi3: { latitude: 7.00486, longitude: 100.47018, address: 'ซอยสันติสุข 3' },
  temple: { latitude: 7.0042, longitude: 100.4712, address: 'วัดสันติสุข' },
  market: { latitude: 7.0063, longitude: 100.4691, address: 'ตลาดเช้าสันติสุข' },
};

describe('patrols', () => {
  let f: HubFixture;
  const clock = () => f.clock as ManualClock;
  beforeEach(async () => {
    // 25 November 2026, 20:00 in Bangkok; time moves when the test says.
    f = await newsCity({ clock: 'manual' });
    await follows(f, JOHN);
    await follows(f, SOMCHAI);
    await f.emulator.driver.postback({ userId: JOHN }, `a=patrol-news&z=${SANTISUK}&v=on`);
    await f.settle();
  });
  afterEach(async () => {
    await f.close();
  });

  async function checkIn(spot: (typeof SPOTS)[keyof typeof SPOTS]): Promise<void> {
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol');
    await f.emulator.driver.location({ userId: OFFICER_A }, spot);
    await f.settle();
  }

  const digestTick = async () => {
    await f.hub.scheduler.tick('patrol-digests');
    await f.settle();
  };

  it('when an officer checks in with a pin, then it is stored with its zone and time and the officer is told where and when', async () => {
    clock().advance(5 * MINUTE);
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol');
    await f.settle();
    expect(last(f, OFFICER_A).text).toContain('เช็กอินจุดตรวจค่ะ');
    expect(last(f, OFFICER_A).message.quickReply.items[0].action.type).toBe('location');
    await f.emulator.driver.location({ userId: OFFICER_A }, SPOTS.soi3);
    await f.settle();
    expect(last(f, OFFICER_A).text).toBe('บันทึกจุดตรวจแล้วค่ะ ✅\nซอยสันติสุข 3 (ชุมชนสันติสุข) เวลา 20:05 น.');
    const [stored] = await f.hub.repos.patrols.since(0);
    expect(stored).toMatchObject({
      officerId: OFFICER_A,
      stationCode: 'HYI',
      zoneId: SANTISUK,
      place: 'ซอยสันติสุข 3',
      at: clock().now(),
      source: 'pin',
    });
  });

  it('when the officer’s last pin is under 10 minutes old, then it can be used for the check-in; an older one is not offered', async () => {
    await f.emulator.driver.location({ userId: OFFICER_A }, SPOTS.temple);
    clock().advance(4 * MINUTE);
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol');
    await f.settle();
    expect(last(f, OFFICER_A).quickReply).toContain('ใช้หมุดล่าสุด');
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol-last');
    await f.settle();
    expect(last(f, OFFICER_A).text).toContain('วัดสันติสุข (ชุมชนสันติสุข)');
    expect((await f.hub.repos.patrols.since(0))[0]).toMatchObject({ source: 'last-pin', zoneId: SANTISUK });

    clock().advance(11 * MINUTE);
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol');
    await f.settle();
    expect(last(f, OFFICER_A).quickReply).not.toContain('ใช้หมุดล่าสุด');
  });

  it('when a resident taps patrol check-in, then they are told it is for officers', async () => {
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=patrol');
    await f.settle();
    expect(last(f, SOMCHAI).text).toBe('เมนูนี้สำหรับเจ้าหน้าที่ตำรวจที่ลงทะเบียนแล้วเท่านั้นค่ะ');
  });

  it('when there were check-ins in the hour, then on the hour the patrol-news followers and the community group get one digest of how many, where, and the last time', async () => {
    clock().advance(5 * MINUTE);
    await checkIn(SPOTS.soi3);
    clock().advance(15 * MINUTE);
    await checkIn(SPOTS.temple);
    clock().advance(20 * MINUTE);
    await checkIn(SPOTS.soi3);
    await digestTick(); // 20:40: the hour is not over
    expect(digests(f, JOHN)).toHaveLength(0);

    clock().advance(20 * MINUTE + 30_000); // 21:00:30
    await digestTick();
    await digestTick();
    const [digest] = digests(f, JOHN);
    expect(digests(f, JOHN)).toHaveLength(1);
    expect(digest!.text).toBe(
      '🚓 Police patrols in Santisuk Community\n3 check-ins since 20:05\nWhere: ซอยสันติสุข 3, วัดสันติสุข\nLast one at 20:40',
    );
    // Somchai follows the zone but did not ask for patrol news.
    expect(digests(f, SOMCHAI)).toHaveLength(0);
    const group = digests(f, COMMUNITY);
    expect(group).toHaveLength(1);
    expect(group[0]!.text).toContain('🚓 สายตรวจในชุมชนสันติสุข\nตรวจ 3 ครั้ง ตั้งแต่ 20:05 น.');
    expect(group[0]!.text).toContain('🚓 Police patrols in Santisuk Community');
    const [record] = await f.hub.repos.patrols.digestsOf(SANTISUK);
    expect(record).toMatchObject({ count: 3, people: 1, groups: 1, state: 'sent' });
  });

  it('when the month’s LINE quota cannot cover a digest, then nobody gets half of it: it is held and recorded, and the next hour’s goes once the quota allows', async () => {
    // John (patrol news) and the community group of two: three messages; two are left.
    f.emulator.quota.setLimit(f.emulator.quota.consumption() + 2);
    clock().advance(10 * MINUTE);
    await checkIn(SPOTS.soi3);
    clock().advance(50 * MINUTE + 30_000); // 21:00:30
    await digestTick();
    expect(digests(f, JOHN)).toHaveLength(0);
    expect(digests(f, COMMUNITY)).toHaveLength(0);
    const [held] = await f.hub.repos.patrols.digestsOf(SANTISUK);
    expect(held).toMatchObject({ count: 1, state: 'held' });

    f.emulator.quota.setLimit(undefined);
    clock().advance(10 * MINUTE);
    await checkIn(SPOTS.temple); // 21:10:30
    clock().advance(50 * MINUTE); // 22:00:30
    await digestTick();
    expect(digests(f, JOHN).map((d) => d.text)).toEqual([
      '🚓 Police patrols in Santisuk Community\n1 check-in since 21:10\nWhere: วัดสันติสุข\nLast one at 21:10',
    ]);
    expect(digests(f, COMMUNITY)).toHaveLength(1);
  });

  it('when an hour passes without check-ins, then no digest goes; a later check-in waits for the end of its hour', async () => {
    // No quiet hours at this station, so the 23:00 digest is not held back for the night.
    await admin(f).put('/admin/stations/HYI/patrol-settings', { periodMinutes: 60, quietHours: null });
    clock().advance(10 * MINUTE);
    await checkIn(SPOTS.market);
    clock().advance(50 * MINUTE + 30_000); // 21:00:30
    await digestTick();
    expect(digests(f, JOHN)).toHaveLength(1);
    clock().advance(60 * MINUTE); // 22:00:30, nobody checked in
    await digestTick();
    expect(digests(f, JOHN)).toHaveLength(1);
    clock().advance(10 * MINUTE);
    await checkIn(SPOTS.temple); // 22:10:30
    clock().advance(20 * MINUTE);
    await digestTick();
    expect(digests(f, JOHN)).toHaveLength(1);
    clock().advance(30 * MINUTE); // 23:00:30
    await digestTick();
    expect(digests(f, JOHN)).toHaveLength(2);
    expect(digests(f, JOHN)[1]!.text).toContain('1 check-in since 22:10');
  });

  it('when check-ins come during quiet hours, then nothing goes out until 06:00, when one digest covers the night; a station with no quiet hours gets it at once', async () => {
    clock().set(Date.UTC(2026, 10, 25, 16, 30)); // 23:30 Bangkok
    await checkIn(SPOTS.soi3);
    clock().set(Date.UTC(2026, 10, 25, 19, 0, 30)); // 02:00:30
    await checkIn(SPOTS.temple);
    await digestTick();
    expect(digests(f, JOHN)).toHaveLength(0);
    clock().set(Date.UTC(2026, 10, 25, 23, 0, 30)); // 06:00:30
    await digestTick();
    expect(digests(f, JOHN)).toHaveLength(1);
    expect(digests(f, JOHN)[0]!.text).toContain('2 check-ins since 23:30');

    const res = await admin(f).put('/admin/stations/HYI/patrol-settings', { periodMinutes: 60, quietHours: null });
    expect(res.status).toBe(200);
    clock().set(Date.UTC(2026, 10, 26, 16, 10)); // 23:10 the next night
    await checkIn(SPOTS.market);
    clock().set(Date.UTC(2026, 10, 26, 17, 0, 30)); // 00:00:30
    await digestTick();
    expect(digests(f, JOHN)).toHaveLength(2);
  });

  it('when a resident asks for the last patrol near their pin, then they hear the latest check-in within 500 m and how long ago, in their language', async () => {
    await checkIn(SPOTS.temple);
    clock().advance(25 * MINUTE);
    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=near-patrol');
    await f.settle();
    expect(last(f, JOHN).text).toBe(
      '🚓 A patrol last checked in at วัดสันติสุข, about 130 m from your pin, 25 minutes ago.',
    );
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=near-patrol');
    await f.settle();
    expect(last(f, SOMCHAI).text).toContain('เมื่อ 25 นาทีที่แล้วค่ะ');
  });

  it('when a resident with no recent pin asks, then they are asked for one; far from any check-in they are told none came near', async () => {
    await checkIn(SPOTS.temple);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=near-patrol');
    await f.settle();
    expect(last(f, JOHN).text).toContain('Send your location');
    await f.emulator.driver.location({ userId: JOHN }, PLACES.khlongHae);
    await f.settle();
    expect(last(f, JOHN).text).toContain('No patrol has checked in within 500 m of your pin in the last 24 hours.');
  });
});
