// Zone news for residents: following a zone (offered under a pin or a home zone), listing and
// stopping, what a blocked OA does to it, and what someone who declined the privacy notice keeps.
import { JOHN, SOMCHAI } from '../support/city';
import { PLACES, uid, type HubFixture } from '../support/hub-fixture';
import { AMINAH, SANTISUK, admin, broadcastsSeen, follows, newsCity } from '../support/zone-news';

const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
const quickData = (m: { message: any }) =>
  (m.message.quickReply?.items ?? []).map((i: any) => i.action.data as string | undefined);

async function announce(f: HubFixture, th: string, extra: object = {}) {
  const res = await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text: { th }, ...extra });
  expect(res.status).toBe(201);
  await f.settle();
  return res.body;
}

describe('zone news: following a zone', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await newsCity();
  });
  afterEach(async () => {
    await f.close();
  });

  it('when a resident sends a pin inside a zone, then the answer offers its news, one tap follows it, and the next pin no longer offers it', async () => {
    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.settle();
    const offer = last(f, JOHN);
    expect(offer.quickReply).toContain('📢 News of this zone');
    expect(quickData(offer)).toContain(`a=follow&z=${SANTISUK}&s=pin`);

    await follows(f, JOHN);
    expect(last(f, JOHN).text).toContain('You now follow the news of Santisuk Community');
    const stored = await f.hub.repos.subscriptions.get(JOHN, SANTISUK);
    expect(stored).toMatchObject({ userId: JOHN, zoneId: SANTISUK, source: 'pin', patrolNews: false });
    expect(stored?.endedAt).toBeUndefined();

    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.settle();
    expect(quickData(last(f, JOHN))).not.toContain(`a=follow&z=${SANTISUK}&s=pin`);
  });

  it('when a pin falls outside every zone, then no zone news is offered', async () => {
    await f.emulator.driver.location({ userId: JOHN }, PLACES.outside);
    await f.settle();
    expect(quickData(last(f, JOHN)).some((d: string | undefined) => d?.startsWith('a=follow'))).toBe(false);
  });

  it('when a resident sets a home zone, then the answer offers its news, and "zone news" offers the home zone while they follow none', async () => {
    await f.emulator.driver.postback({ userId: SOMCHAI }, `a=home&z=${SANTISUK}`);
    await f.settle();
    expect(quickData(last(f, SOMCHAI))).toContain(`a=follow&z=${SANTISUK}&s=home`);

    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=news');
    await f.settle();
    expect(last(f, SOMCHAI).text).toContain('คุณยังไม่ได้ติดตามข่าวพื้นที่ไหน');
    expect(last(f, SOMCHAI).quickReply).toContain('รับข่าวชุมชนสันติสุข');
    await f.emulator.driver.postback({ userId: SOMCHAI }, `a=follow&z=${SANTISUK}&s=home`);
    await f.settle();
    expect(await f.hub.repos.subscriptions.get(SOMCHAI, SANTISUK)).toMatchObject({ source: 'home' });
  });

  it('when a follower opens "zone news", then the latest broadcasts of their zones come newest first, in their language', async () => {
    await follows(f, JOHN);
    await announce(f, 'ประกาศแรก', { text: { th: 'ประกาศแรก', en: 'First notice', ms: 'Notis pertama' } });
    await f.hub.scheduler.tick('broadcasts');
    await announce(f, 'ประกาศที่สอง', { text: { th: 'ประกาศที่สอง', en: 'Second notice', ms: 'Notis kedua' } });
    await f.emulator.driver.postback({ userId: JOHN }, 'a=news');
    await f.settle();
    const news = last(f, JOHN);
    expect(news.altText).toBe('2 announcements for your zones');
    const bodies = news.message.contents.contents.map((b: any) => b.body.contents[0].text);
    expect(bodies).toEqual(['Second notice', 'First notice']);
  });

  it('when a follower goes "zone news" → "my zones" → stop, then the zone is listed, stops, and the next broadcast does not reach them', async () => {
    await follows(f, JOHN);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=my-zones');
    await f.settle();
    const list = last(f, JOHN);
    expect(list.altText).toBe('You follow 1 zone');
    const bubble = list.message.contents.contents[0];
    expect(bubble.body.contents[0].text).toBe('Santisuk Community');
    const stop = bubble.footer.contents.find((b: any) => b.action.label === 'Stop following');
    expect(stop.action.data).toBe(`a=unfollow&z=${SANTISUK}`);

    await f.emulator.driver.postback({ userId: JOHN }, stop.action.data);
    await f.settle();
    expect(last(f, JOHN).text).toContain('You no longer follow the news of Santisuk Community');
    expect(await f.hub.repos.subscriptions.get(JOHN, SANTISUK)).toMatchObject({ endedBy: 'person' });

    await announce(f, 'ปิดถนนพรุ่งนี้');
    expect(broadcastsSeen(f, JOHN)).toHaveLength(0);
  });

  it('when a follower turns patrol updates on and off in "my zones", then the choice is stored and confirmed', async () => {
    await follows(f, JOHN);
    await f.emulator.driver.postback({ userId: JOHN }, `a=patrol-news&z=${SANTISUK}&v=on`);
    await f.settle();
    expect(last(f, JOHN).text).toContain('summary of police patrols in Santisuk Community');
    expect((await f.hub.repos.subscriptions.get(JOHN, SANTISUK))?.patrolNews).toBe(true);
    await f.emulator.driver.postback({ userId: JOHN }, `a=patrol-news&z=${SANTISUK}&v=off`);
    await f.settle();
    expect((await f.hub.repos.subscriptions.get(JOHN, SANTISUK))?.patrolNews).toBe(false);
  });

  it('when a follower blocks the OA, then their zones stop (recorded as the block), a later follow does not bring them back, and the broadcast counts them as skipped', async () => {
    await follows(f, JOHN);
    await follows(f, SOMCHAI);
    await f.emulator.driver.unfollow(JOHN);
    await f.settle();
    expect(await f.hub.repos.subscriptions.get(JOHN, SANTISUK)).toMatchObject({ endedBy: 'unfollow' });

    await f.emulator.driver.follow(JOHN, true);
    await f.settle();
    expect(await f.hub.repos.subscriptions.activeOf(JOHN)).toEqual([]);

    const { broadcast } = await announce(f, 'ไฟดับคืนนี้');
    expect(broadcastsSeen(f, JOHN)).toHaveLength(0);
    expect(broadcastsSeen(f, SOMCHAI)).toHaveLength(1);
    const record = (await admin(f).get(`/admin/broadcasts/${broadcast._id}`)).body;
    expect(record.runs[0].recipients).toMatchObject({ people: 1, skippedUnfollowed: 1 });
  });

  it('when someone who declined the privacy notice follows a zone, then they are told what is kept and get the news in the language they used', async () => {
    const visitor = uid('6');
    f.emulator.users.add({ userId: visitor, displayName: 'Visitor', language: 'en' });
    await f.emulator.driver.follow(visitor);
    await f.emulator.driver.postback({ userId: visitor }, 'a=consent&v=decline');
    await follows(f, visitor);
    const told = last(f, visitor).text!;
    expect(told).toContain('You now follow the news of Santisuk Community');
    expect(told).toContain('we keep only your LINE user ID, the zones you follow and your language');
    const kept = await f.hub.repos.subscriptions.get(visitor, SANTISUK);
    expect(kept).toMatchObject({ lang: 'en' });
    expect((await f.hub.repos.users.get(visitor))?.displayName).toBeUndefined();

    await announce(f, 'ไฟดับคืนนี้', {
      text: { th: 'ไฟดับคืนนี้', en: 'Power cut tonight', ms: 'Bekalan elektrik terputus malam ini' },
    });
    const [news] = broadcastsSeen(f, visitor);
    expect(news!.message.contents.body.contents[0].text).toBe('Power cut tonight');
  });

  it('when a Malay speaker follows, then every word of the answer is Malay', async () => {
    await follows(f, AMINAH);
    expect(last(f, AMINAH).text).toContain('Anda kini mengikuti berita Komuniti Santisuk');
  });
});
