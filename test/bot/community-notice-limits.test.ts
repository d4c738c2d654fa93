// Community notices a leader cannot send yet: too long, too many waiting, or nobody at the station
// to decide. Each time the group is told why, and nothing waits for an officer who does not exist.
import request from 'supertest';
import { HYI_GROUP, OFFICER_A, OFFICER_B } from '../support/city';
import { ADMIN_TOKEN, type HubFixture } from '../support/hub-fixture';
import { COMMUNITY, LEADER, newsCity } from '../support/zone-news';

const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!.text ?? '';
const notice = async (f: HubFixture, words: string) => {
  await f.emulator.driver.text({ groupId: COMMUNITY, userId: LEADER }, `/notice ${words}`);
  await f.settle();
};

describe('community notices that cannot go yet', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await newsCity();
  });
  afterEach(async () => {
    await f.close();
  });

  it('when a notice is longer than 2,000 characters, then the group is asked to shorten it and nothing waits', async () => {
    await notice(f, 'ก'.repeat(2001));
    expect(last(f, COMMUNITY)).toContain('ข้อความประกาศยาวเกิน 2,000 ตัวอักษรค่ะ');
    expect(await f.hub.repos.notices.list({})).toHaveLength(0);
  });

  it('when five notices already wait for the officers, then a sixth is refused until they answer', async () => {
    for (let i = 1; i <= 5; i++) await notice(f, `ประกาศที่ ${i}`);
    expect(await f.hub.repos.notices.list({ status: 'pending' })).toHaveLength(5);
    await notice(f, 'ประกาศที่ 6');
    expect(last(f, COMMUNITY)).toContain('กลุ่มนี้มีข้อเสนอประกาศรอเจ้าหน้าที่พิจารณาอยู่หลายเรื่องแล้วค่ะ');
    expect(await f.hub.repos.notices.list({ status: 'pending' })).toHaveLength(5);
  });

  it('when the station has neither a group nor officers, then the group hears it cannot be sent and gets the station phone', async () => {
    await f.emulator.driver.leave(HYI_GROUP);
    for (const officer of [OFFICER_A, OFFICER_B])
      await request(f.hub.app).delete(`/admin/officers/${officer}`).set('authorization', `Bearer ${ADMIN_TOKEN}`);
    await f.settle();
    await notice(f, 'พรุ่งนี้ตัดไฟทั้งซอย');
    const told = last(f, COMMUNITY);
    expect(told).toContain('ยังส่งข้อเสนอนี้ไม่ได้ค่ะ สถานีตำรวจภูธรหาดใหญ่ ยังไม่มีกลุ่มหรือเจ้าหน้าที่ในระบบ ติดต่อสถานีได้ที่ 074-243-333');
    expect(told).toContain('Please contact the station on 074-243-333.');
  });
});
