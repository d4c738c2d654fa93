// An officer broadcasts from their 1:1 chat: zones, Thai text, photo or not, Thai only or Thai +
// English + Malay, a preview exactly as residents will see it, then send; and is told how it went.
import request from 'supertest';
import { MemoryMediaStore } from '../../src/media/media-store';
import { HYI_GROUP, JOHN, OFFICER_A, SOMCHAI, STRANGER } from '../support/city';
import type { HubFixture } from '../support/hub-fixture';
import type { ManualClock } from '../../src/util/clock';
import {
  AMINAH,
  COMMUNITY,
  MARKET,
  SANTISUK,
  accepted,
  addMarketZone,
  broadcastsSeen,
  follows,
  newsCity,
} from '../support/zone-news';

const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
const tap = async (f: HubFixture, user: string, data: string) => {
  await f.emulator.driver.postback({ userId: user }, data);
  await f.settle();
};
const say = async (f: HubFixture, user: string, words: string) => {
  await f.emulator.driver.text({ userId: user }, words);
  await f.settle();
};
/** Officer A opens Broadcast, picks the Santisuk zone and types the Thai words: the photo question comes next. */
const wordsForSantisuk = async (f: HubFixture, words: string) => {
  await tap(f, OFFICER_A, 'a=bc');
  await tap(f, OFFICER_A, `a=bc-zone&z=${SANTISUK}`);
  await tap(f, OFFICER_A, 'a=bc-next');
  await say(f, OFFICER_A, words);
};
const withoutQuickReply = (message: any) => {
  const { quickReply: _q, ...rest } = message;
  return rest;
};

describe('an officer broadcasts from the officer menu', () => {
  let f: HubFixture;
  beforeEach(async () => {
    // Time moves only when told: the preview and what residents get carry the same minute.
    f = await newsCity({ clock: 'manual' });
    await addMarketZone(f);
    for (const person of [SOMCHAI, JOHN, AMINAH]) await follows(f, person);
  });
  afterEach(async () => {
    await f.close();
  });

  it('when an officer composes in Thai, English and Malay, then the preview is exactly what each resident and the community group then receive, and the officer hears how it went', async () => {
    await tap(f, OFFICER_A, 'a=bc');
    expect(last(f, OFFICER_A).text).toContain('ประกาศถึงพื้นที่ไหนคะ');
    expect(last(f, OFFICER_A).quickReply).toEqual(
      expect.arrayContaining(['ชุมชนสันติสุข', 'ย่านตลาดกิมหยง', 'ทุกพื้นที่ของสถานี']),
    );
    await tap(f, OFFICER_A, `a=bc-zone&z=${SANTISUK}`);
    expect(last(f, OFFICER_A).text).toContain('เลือกแล้ว: ชุมชนสันติสุข');
    expect(last(f, OFFICER_A).quickReply).toContain('✓ ชุมชนสันติสุข');
    await tap(f, OFFICER_A, 'a=bc-next');
    expect(last(f, OFFICER_A).text).toContain('พิมพ์ข้อความประกาศเป็นภาษาไทย');
    await say(f, OFFICER_A, 'คืนนี้ 22:00 ตำรวจตั้งจุดตรวจที่ปากซอยสันติสุข 3');
    expect(last(f, OFFICER_A).text).toContain('แนบรูปไหมคะ');
    await tap(f, OFFICER_A, 'a=bc-nophoto');
    expect(last(f, OFFICER_A).quickReply).toEqual(['ไทยอย่างเดียว', 'ไทย อังกฤษ มลายู', 'ยกเลิก']);
    await tap(f, OFFICER_A, 'a=bc-langs&v=all');
    await say(f, OFFICER_A, 'Police checkpoint at Soi Santisuk 3 tonight from 22:00');
    await say(f, OFFICER_A, 'Sekatan polis di Soi Santisuk 3 malam ini dari 22:00');

    const preview = f.seen(OFFICER_A).slice(-4);
    expect(preview.map((m) => m.type)).toEqual(['flex', 'flex', 'flex', 'text']);
    expect(preview[3]!.text).toContain('จะส่งถึงผู้ติดตาม 3 คน และกลุ่มชุมชน 1 กลุ่ม ในชุมชนสันติสุข');
    expect(preview[3]!.text).toContain('ไทย, English, Melayu');
    expect(preview[3]!.quickReply).toEqual(['ส่งประกาศ', 'ยกเลิก']);
    expect(accepted(f, 'multicast')).toHaveLength(0);

    await tap(f, OFFICER_A, 'a=bc-send');
    expect(last(f, OFFICER_A).text).toMatch(/^กำลังส่งประกาศ BC-[0-9A-F]{10} ถึง 3 คน และ 1 กลุ่มค่ะ/);

    const [thai] = broadcastsSeen(f, SOMCHAI);
    const [english] = broadcastsSeen(f, JOHN);
    const [malay] = broadcastsSeen(f, AMINAH);
    expect(withoutQuickReply(thai!.message)).toEqual(preview[0]!.message);
    expect(withoutQuickReply(english!.message)).toEqual(preview[1]!.message);
    expect(withoutQuickReply(malay!.message)).toEqual(preview[2]!.message);
    expect(english!.message.contents.header.contents[0].text).toBe('📢 Announcement from Hat Yai Police Station');
    expect(malay!.message.contents.body.contents[0].text).toBe('Sekatan polis di Soi Santisuk 3 malam ini dari 22:00');
    const group = broadcastsSeen(f, COMMUNITY);
    expect(group).toHaveLength(1);
    const groupWords = group[0]!.message.contents.body.contents.map((c: any) => c.text).filter(Boolean);
    expect(groupWords.slice(0, 3)).toEqual([
      'คืนนี้ 22:00 ตำรวจตั้งจุดตรวจที่ปากซอยสันติสุข 3',
      'Police checkpoint at Soi Santisuk 3 tonight from 22:00',
      'Sekatan polis di Soi Santisuk 3 malam ini dari 22:00',
    ]);
    // Residents of another zone and the station group are not part of it.
    expect(broadcastsSeen(f, HYI_GROUP)).toHaveLength(0);
    expect(broadcastsSeen(f, STRANGER)).toHaveLength(0);

    (f.clock as ManualClock).advance(20_000);
    await f.hub.scheduler.tick('broadcasts');
    await f.settle();
    const report = last(f, OFFICER_A).text!;
    expect(report).toContain('ครบแล้วค่ะ ✅');
    expect(report).toContain('ถึง 3 คน (ไทย 1, English 1, Melayu 1) และ 1 กลุ่ม');
    expect(report).toContain('LINE รับครบ 4 จาก 4 ชุด');
  });

  it('when an officer picks two zones and sends Thai only, then followers of both get it once each and the Thai words reach every language', async () => {
    await follows(f, JOHN, MARKET);
    await tap(f, OFFICER_A, 'a=bc');
    await tap(f, OFFICER_A, `a=bc-zone&z=${SANTISUK}`);
    await tap(f, OFFICER_A, `a=bc-zone&z=${MARKET}`);
    await tap(f, OFFICER_A, 'a=bc-next');
    await say(f, OFFICER_A, 'งดจอดรถริมถนนวันเสาร์นี้');
    await tap(f, OFFICER_A, 'a=bc-nophoto');
    await tap(f, OFFICER_A, 'a=bc-langs&v=th');
    expect(last(f, OFFICER_A).text).toContain('ในชุมชนสันติสุข, ย่านตลาดกิมหยง');
    await tap(f, OFFICER_A, 'a=bc-send');
    const english = broadcastsSeen(f, JOHN);
    expect(english).toHaveLength(1);
    expect(english[0]!.message.contents.body.contents[0].text).toBe('งดจอดรถริมถนนวันเสาร์นี้');
    expect(english[0]!.message.contents.header.contents[1].text).toBe('Zone: Santisuk Community, Kim Yong Market');
  });

  it('when the officer sends a photo but the hub has no public URL, then they are told residents cannot see it and the broadcast goes on without it', async () => {
    await wordsForSantisuk(f, 'ตำรวจตรวจพื้นที่คืนนี้');
    await f.emulator.driver.image({ userId: OFFICER_A });
    await f.settle();
    expect(last(f, OFFICER_A).text).toContain('ยังไม่ได้ตั้งค่า PUBLIC_BASE_URL');
    expect(last(f, OFFICER_A).quickReply).toEqual(['ไทยอย่างเดียว', 'ไทย อังกฤษ มลายู', 'ยกเลิก']);
    await tap(f, OFFICER_A, 'a=bc-langs&v=th');
    await tap(f, OFFICER_A, 'a=bc-send');
    expect(broadcastsSeen(f, SOMCHAI)[0]!.message.contents.hero).toBeUndefined();
  });

  it('when the officer cancels half way, then nothing is sent and they are told so', async () => {
    await tap(f, OFFICER_A, 'a=bc');
    await tap(f, OFFICER_A, 'a=bc-zone&z=*');
    await say(f, OFFICER_A, 'ทดสอบ');
    await say(f, OFFICER_A, 'ยกเลิก');
    expect(last(f, OFFICER_A).text).toBe('ยกเลิกประกาศแล้วค่ะ ไม่มีอะไรถูกส่งออกไป');
    expect(await f.hub.repos.broadcasts.list()).toEqual([]);
    expect(accepted(f, 'multicast')).toHaveLength(0);
  });

  it('when a resident taps the broadcast action, then they are told it is for officers and no flow starts', async () => {
    await tap(f, SOMCHAI, 'a=bc');
    expect(last(f, SOMCHAI).text).toBe('เมนูนี้สำหรับเจ้าหน้าที่ตำรวจที่ลงทะเบียนแล้วเท่านั้นค่ะ');
    expect(await f.hub.repos.sessions.get(SOMCHAI)).toBeNull();
  });

  it('when the month’s quota is too small, then nothing is sent and the officer gets the numbers and a way to try again', async () => {
    f.emulator.quota.setLimit(f.emulator.quota.consumption() + 2);
    await wordsForSantisuk(f, 'ทดสอบโควตา');
    await tap(f, OFFICER_A, 'a=bc-nophoto');
    await tap(f, OFFICER_A, 'a=bc-langs&v=th');
    await tap(f, OFFICER_A, 'a=bc-send');
    const told = last(f, OFFICER_A);
    // Three followers and a community group of two: five messages; two are left.
    expect(told.text).toContain('ต้องใช้ 5 ข้อความ แต่โควตา LINE เดือนนี้เหลือ 2');
    expect(told.text).toContain('ไม่มีข้อความใดถูกส่งออกไป');
    expect(told.quickReply).toEqual(['ลองส่งอีกครั้ง']);
    expect(accepted(f, 'multicast')).toHaveLength(0);
    expect(broadcastsSeen(f, COMMUNITY)).toHaveLength(0);

    f.emulator.quota.setLimit(undefined);
    await f.emulator.driver.postback({ userId: OFFICER_A }, told.message.quickReply.items[0].action.data);
    await f.settle();
    expect(last(f, OFFICER_A).text).toContain('ถึง 3 คน และ 1 กลุ่ม');
    expect(broadcastsSeen(f, SOMCHAI)).toHaveLength(1);
  });
});

describe('an officer broadcasts with a photo, from a hub with a public address', () => {
  const PUBLIC_BASE = 'https://hub.example.org';
  let f: HubFixture;
  let media: MemoryMediaStore;
  beforeEach(async () => {
    media = new MemoryMediaStore();
    f = await newsCity({ clock: 'manual', publicBaseUrl: PUBLIC_BASE, media });
    await addMarketZone(f);
    await follows(f, SOMCHAI);
    await wordsForSantisuk(f, 'ตำรวจตรวจพื้นที่คืนนี้');
  });
  afterEach(async () => {
    await f.close();
  });

  it('when the photo arrives, then the officer is told so and residents see it above the words, served by the hub', async () => {
    await f.emulator.driver.image({ userId: OFFICER_A });
    await f.settle();
    expect(last(f, OFFICER_A).text).toContain('ได้รับรูปแล้วค่ะ 📷');
    expect(last(f, OFFICER_A).quickReply).toEqual(['ไทยอย่างเดียว', 'ไทย อังกฤษ มลายู', 'ยกเลิก']);
    await tap(f, OFFICER_A, 'a=bc-langs&v=th');
    await tap(f, OFFICER_A, 'a=bc-send');
    const hero = broadcastsSeen(f, SOMCHAI)[0]!.message.contents.hero;
    expect(hero.url.startsWith(`${PUBLIC_BASE}/media/`)).toBe(true);
    // The address LINE will fetch is one the hub really serves, with the photo's bytes.
    const served = await request(f.hub.app).get(hero.url.slice(PUBLIC_BASE.length));
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toMatch(/^image\/(png|jpeg)/);
  });

  it('when LINE cannot hand over the photo, then the officer is asked again, and can go on without one', async () => {
    f.emulator.faults.inject({ count: 1, status: 400, endpoint: 'content' });
    await f.emulator.driver.image({ userId: OFFICER_A });
    await f.settle();
    expect(last(f, OFFICER_A).text).toContain('รับรูปไม่สำเร็จค่ะ ลองส่งใหม่ หรือกด "ไม่แนบรูป"');
    expect(last(f, OFFICER_A).quickReply).toEqual(['ไม่แนบรูป', 'ยกเลิก']);
    expect((await f.hub.repos.sessions.get(OFFICER_A))?.step).toBe('photo');
    await tap(f, OFFICER_A, 'a=bc-nophoto');
    await tap(f, OFFICER_A, 'a=bc-langs&v=th');
    await tap(f, OFFICER_A, 'a=bc-send');
    const [news] = broadcastsSeen(f, SOMCHAI);
    expect(news!.message.contents.hero).toBeUndefined();
    expect(news!.message.contents.body.contents[0].text).toBe('ตำรวจตรวจพื้นที่คืนนี้');
  });

  it('when the file is not a picture LINE can show, then the officer is asked again and nothing is attached', async () => {
    await f.emulator.driver.image({ userId: OFFICER_A }, Buffer.from('GIF89a not really'), 'image/gif');
    await f.settle();
    expect(last(f, OFFICER_A).text).toContain('รับรูปไม่สำเร็จค่ะ');
    expect((await f.hub.repos.sessions.get(OFFICER_A))?.step).toBe('photo');
    // Not kept: nothing refers to it.
    expect(media.files.size).toBe(0);
  });

  it('when the officer cancels after the photo arrived, then nothing is sent and the photo is deleted', async () => {
    await f.emulator.driver.image({ userId: OFFICER_A });
    await f.settle();
    const [token] = [...media.files.keys()];
    await request(f.hub.app).get(`/media/${token}`).expect(200);
    await tap(f, OFFICER_A, 'a=bc-cancel');
    expect(last(f, OFFICER_A).text).toBe('ยกเลิกประกาศแล้วค่ะ ไม่มีอะไรถูกส่งออกไป');
    expect(broadcastsSeen(f, SOMCHAI)).toEqual([]);
    await request(f.hub.app).get(`/media/${token}`).expect(404);
    expect(media.files.size).toBe(0);
  });
});

describe('an officer of a station with a single zone broadcasts', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await newsCity({ clock: 'manual' });
    await follows(f, SOMCHAI);
  });
  afterEach(async () => {
    await f.close();
  });

  it('when they open Broadcast, then there is no zone to choose: they are asked for the words, and the news reaches that zone', async () => {
    expect((await f.hub.repos.zones.byStation('HYI')).map((z) => z._id)).toEqual([SANTISUK]);
    await tap(f, OFFICER_A, 'a=bc');
    expect(last(f, OFFICER_A).text).toContain('พิมพ์ข้อความประกาศเป็นภาษาไทย');
    await say(f, OFFICER_A, 'ประชุมชุมชนวันเสาร์ 10 โมง');
    await tap(f, OFFICER_A, 'a=bc-nophoto');
    await tap(f, OFFICER_A, 'a=bc-langs&v=th');
    await tap(f, OFFICER_A, 'a=bc-send');
    const [news] = broadcastsSeen(f, SOMCHAI);
    expect(news!.message.contents.body.contents[0].text).toBe('ประชุมชุมชนวันเสาร์ 10 โมง');
    expect((await f.hub.repos.broadcasts.list())[0]!.audience).toEqual({ kind: 'zones', zoneIds: [SANTISUK] });
  });
});
