// Zone news on the mongoose adapter, over the MongoDB wire double: following a zone, a broadcast in
// three languages with its delivery record, "zone news", a community notice, and the scheduler's
// broadcast and patrol-digest jobs. It proves the queries of subscriptions, broadcasts, notices and
// patrols reach MongoDB as it expects them (the double does not model MongoDB beyond its commands).
import { randomBytes } from 'node:crypto';
import { MongoStore } from '../../src/store/mongo/mongo-store';
import type { ManualClock } from '../../src/util/clock';
import { FakeMongoWire } from '../support/fake-mongo-wire';
import { HYI_GROUP, JOHN, OFFICER_A, SOMCHAI } from '../support/city';
import { PLACES, type HubFixture } from '../support/hub-fixture';
import { AMINAH, COMMUNITY, LEADER, SANTISUK, admin, broadcastsSeen, follows, newsCity } from '../support/zone-news';

const double = new FakeMongoWire();
beforeAll(() => double.start());
afterAll(() => double.stop());

describe('zone news on MongoDB (wire double)', () => {
  let f: HubFixture;
  beforeEach(async () => {
    const store = await MongoStore.connect(double.uri(`ssz_news_${randomBytes(4).toString('hex')}`));
    f = await newsCity({ store, clock: 'manual' });
  });
  afterEach(async () => {
    await (f.store as MongoStore).dropDatabase();
    await f.close();
  });

  it('when residents follow a zone and an admin broadcasts, then each reads it in their language, zone news lists it and the record shows every batch accepted', async () => {
    for (const person of [SOMCHAI, JOHN, AMINAH]) await follows(f, person);
    await f.emulator.driver.unfollow(AMINAH);
    await f.settle();
    const text = { th: 'ไฟดับคืนนี้', en: 'Power cut tonight', ms: 'Bekalan elektrik terputus malam ini' };
    const res = await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text });
    expect(res.status).toBe(201);
    await f.settle();
    expect(broadcastsSeen(f, JOHN)[0]!.message.contents.body.contents[0].text).toBe('Power cut tonight');
    expect(broadcastsSeen(f, AMINAH)).toHaveLength(0);
    await f.hub.scheduler.tick('broadcasts');
    const record = await admin(f).get(`/admin/broadcasts/${res.body.broadcast._id}`);
    expect(record.body.runs[0]).toMatchObject({
      state: 'done',
      recipients: { people: 2, skippedUnfollowed: 1, groups: 1 },
      batches: { total: 3, accepted: 3 },
    });
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=news');
    await f.settle();
    expect(f.seen(SOMCHAI).at(-1)!.altText).toBe('ข่าวในพื้นที่ของคุณ 1 เรื่อง');
  });

  it('when a leader proposes a notice and an officer approves it, and an officer checks in, then the notice goes out and the digest follows on the hour', async () => {
    await follows(f, JOHN);
    await f.emulator.driver.postback({ userId: JOHN }, `a=patrol-news&z=${SANTISUK}&v=on`);
    await f.emulator.driver.text({ groupId: COMMUNITY, userId: LEADER }, '/notice ประชุมเวรยามพรุ่งนี้');
    await f.settle();
    const card = f.seen(HYI_GROUP).find((m) => m.altText?.startsWith('ข้อเสนอประกาศจากชุมชน'))!;
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      card.message.contents.footer.contents[0].action.data,
    );
    await f.settle();
    expect(broadcastsSeen(f, JOHN)).toHaveLength(1);

    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol');
    await f.emulator.driver.location({ userId: OFFICER_A }, PLACES.santisuk);
    await f.settle();
    (f.clock as ManualClock).advance(61 * 60_000);
    await f.hub.scheduler.tick('patrol-digests');
    await f.settle();
    expect(f.seen(JOHN).at(-1)!.text).toContain('🚓 Police patrols in Santisuk Community');
  });
});
