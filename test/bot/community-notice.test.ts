// Community leaders propose a notice from their group; officers of the station approve it (it goes
// out as a broadcast signed with the community's name) or reject it (the group is told).
import { HYI_GROUP, JOHN, OFFICER_A, OFFICER_B, SOMCHAI, STRANGER } from '../support/city';
import type { HubFixture } from '../support/hub-fixture';
import { COMMUNITY, LEADER, SANTISUK, accepted, admin, broadcastsSeen, follows, newsCity } from '../support/zone-news';

const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
const WORDS = 'พรุ่งนี้ 19:00 ประชุมเวรยามหมู่บ้านที่ศาลาชุมชน';

async function propose(f: HubFixture, words = WORDS) {
  await f.emulator.driver.text({ groupId: COMMUNITY, userId: LEADER }, `/notice ${words}`);
  await f.settle();
  const card = f
    .seen(HYI_GROUP)
    .filter((m) => m.altText?.startsWith('ข้อเสนอประกาศจากชุมชน'))
    .at(-1);
  return card;
}

async function tapCard(
  f: HubFixture,
  card: any,
  verdict: 'approve' | 'reject',
  userId = OFFICER_A,
  groupId = HYI_GROUP,
) {
  const buttons = card.message.contents.footer.contents;
  const data = buttons[verdict === 'approve' ? 0 : 1].action.data;
  await f.emulator.driver.postback({ groupId, userId }, data);
  await f.settle();
}

describe('community notices', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await newsCity();
    await follows(f, SOMCHAI);
    await follows(f, JOHN);
  });
  afterEach(async () => {
    await f.close();
  });

  it('when a leader proposes a notice from the community group, then the group is told in Thai and English and the station group gets a card with approve and reject', async () => {
    const card = await propose(f);
    const told = last(f, COMMUNITY).text!;
    expect(told).toContain('ส่งข้อเสนอประกาศถึงเจ้าหน้าที่สถานีตำรวจภูธรหาดใหญ่แล้วค่ะ');
    expect(told).toContain('Your proposed announcement has been sent to the officers of Hat Yai Police Station');
    expect(card).toBeDefined();
    const bubble = card!.message.contents;
    expect(bubble.body.contents[0].text).toBe(WORDS);
    expect(JSON.stringify(bubble.body)).toContain('ผู้ใหญ่สมศักดิ์');
    expect(bubble.footer.contents.map((b: any) => b.action.label)).toEqual(['อนุมัติและส่ง', 'ไม่อนุมัติ']);
    const [notice] = await f.hub.repos.notices.list({ status: 'pending' });
    expect(notice).toMatchObject({ groupId: COMMUNITY, text: WORDS, proposerId: LEADER, sentTo: [HYI_GROUP] });
    // Nothing reaches residents before an officer decides.
    expect(broadcastsSeen(f, SOMCHAI)).toHaveLength(0);
  });

  it('when an officer of the station approves, then the zone’s followers and the group get it signed with the community’s name, and a second tap is told it was decided', async () => {
    const card = await propose(f);
    await tapCard(f, card, 'approve');
    expect(last(f, HYI_GROUP).text).toMatch(
      /^✅ ร\.ต\.อ\. อนันต์ อนุมัติประกาศ NT-[0-9A-F]{10} ของชุมชนสันติสุขแล้ว กำลังส่งถึง 2 คน และ 1 กลุ่ม$/,
    );
    const [english] = broadcastsSeen(f, JOHN);
    expect(english!.message.contents.header.contents[0].text).toBe('📢 Announcement from Santisuk Community');
    expect(english!.message.contents.body.contents[0].text).toBe(WORDS);
    expect(JSON.stringify(english!.message.contents.body)).toContain(
      'Proposed by the community, approved by Hat Yai Police Station',
    );
    expect(broadcastsSeen(f, SOMCHAI)[0]!.message.contents.header.contents[0].text).toBe('📢 ประกาศจากชุมชนสันติสุข');
    expect(broadcastsSeen(f, COMMUNITY)).toHaveLength(1);
    const [notice] = await f.hub.repos.notices.list({ status: 'approved' });
    expect(notice).toMatchObject({ decidedBy: OFFICER_A, deciderName: 'ร.ต.อ. อนันต์' });
    expect(notice!.broadcastId).toMatch(/^BC-/);

    await tapCard(f, card, 'reject', OFFICER_B);
    expect(last(f, HYI_GROUP).text).toContain('ได้รับอนุมัติโดย ร.ต.อ. อนันต์ ไปแล้วค่ะ');
    expect(broadcastsSeen(f, JOHN)).toHaveLength(1);
  });

  it('when an officer rejects, then the community group is told with the station’s phone and nothing is broadcast', async () => {
    const card = await propose(f);
    await tapCard(f, card, 'reject');
    expect(last(f, HYI_GROUP).text).toContain('ไม่อนุมัติประกาศ');
    const told = last(f, COMMUNITY).text!;
    expect(told).toContain(`ข้อเสนอประกาศ "${WORDS}" ไม่ได้รับอนุมัติจากสถานีตำรวจภูธรหาดใหญ่ค่ะ สอบถามได้ที่ 074-243-333`);
    expect(told).toContain('was not approved by Hat Yai Police Station');
    expect(accepted(f, 'multicast')).toHaveLength(0);
    expect(await f.hub.repos.notices.list({ status: 'rejected' })).toHaveLength(1);
  });

  it('when someone who is not an officer of the station taps approve, then it is refused and the notice stays pending', async () => {
    const card = await propose(f);
    await tapCard(f, card, 'approve', STRANGER);
    expect(last(f, HYI_GROUP).text).toContain('สถานีตำรวจภูธรหาดใหญ่');
    expect(await f.hub.repos.notices.list({ status: 'pending' })).toHaveLength(1);
    expect(broadcastsSeen(f, SOMCHAI)).toHaveLength(0);
  });

  it('when /notice comes without words, or from a station group, then the sender is told how and where it works', async () => {
    await f.emulator.driver.text({ groupId: COMMUNITY, userId: LEADER }, '/notice');
    await f.settle();
    expect(last(f, COMMUNITY).text).toContain('พิมพ์ /notice ตามด้วยข้อความ');
    await f.emulator.driver.text({ groupId: HYI_GROUP, userId: OFFICER_A }, '/notice ทดสอบ');
    await f.settle();
    expect(last(f, HYI_GROUP).text).toContain('เสนอประกาศได้เฉพาะในกลุ่มชุมชนที่ผูกกับพื้นที่แล้วค่ะ');
    expect(await f.hub.repos.notices.list({})).toHaveLength(0);
  });
});

describe('community notices at a station without its own group', () => {
  it('when the station has no group, then each officer gets the card in their chat and can approve it there', async () => {
    const f = await newsCity();
    try {
      await follows(f, JOHN);
      // The station group leaves: nobody there to ask.
      await f.emulator.driver.leave(HYI_GROUP);
      await f.settle();
      await f.emulator.driver.text({ groupId: COMMUNITY, userId: LEADER }, `/notice ${WORDS}`);
      await f.settle();
      const cardA = f.seen(OFFICER_A).find((m) => m.altText?.startsWith('ข้อเสนอประกาศจากชุมชน'));
      expect(cardA).toBeDefined();
      expect(f.seen(OFFICER_B).some((m) => m.altText?.startsWith('ข้อเสนอประกาศจากชุมชน'))).toBe(true);
      await f.emulator.driver.postback({ userId: OFFICER_A }, cardA!.message.contents.footer.contents[0].action.data);
      await f.settle();
      expect(last(f, OFFICER_A).text).toContain('อนุมัติประกาศ');
      expect(broadcastsSeen(f, JOHN)).toHaveLength(1);
    } finally {
      await f.close();
    }
  });
});

describe('zone news and a PDPA erasure', () => {
  it('when a follower who proposed a notice is exported and erased, then the export shows their zones and notice, and afterwards no subscription, proposer or delivery-record id of theirs is left', async () => {
    const f = await newsCity();
    try {
      await follows(f, LEADER);
      const card = await propose(f);
      await tapCard(f, card, 'approve');
      const exported = await admin(f).get(`/admin/privacy/users/${LEADER}/export`);
      expect(exported.status).toBe(200);
      expect(exported.body.zoneNews.subscriptions).toEqual([expect.objectContaining({ zoneId: SANTISUK })]);
      expect(exported.body.zoneNews.noticesProposed).toEqual([expect.objectContaining({ text: WORDS })]);

      const erased = await admin(f).post(`/admin/privacy/users/${LEADER}/erase`, {});
      expect(erased.status).toBe(200);
      expect(erased.body.removed.zoneNews).toBeGreaterThanOrEqual(3);
      expect(await f.hub.repos.subscriptions.allOf(LEADER)).toEqual([]);
      const [notice] = await f.hub.repos.notices.list({});
      expect(notice).toMatchObject({ text: WORDS, status: 'approved' });
      expect(notice!.proposerId).toBeUndefined();
      expect(notice!.proposerName).toBeUndefined();
      const batches = await f.hub.repos.broadcasts.batchesOf(
        (await f.hub.repos.broadcasts.runsOf(notice!.broadcastId!))[0]!._id,
      );
      expect(batches.flatMap((b) => b.to)).not.toContain(LEADER);
    } finally {
      await f.close();
    }
  });
});
