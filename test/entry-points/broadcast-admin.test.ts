// Broadcasts through the admin API: per-language preview and send, batches of at most 500 per
// language, the quota hold, the whole OA through LINE's broadcast, scheduled and recurring ones run
// once by two schedulers, and the delivery record.
import request from 'supertest';
import type { ManualClock } from '../../src/util/clock';
import { JOHN, SOMCHAI } from '../support/city';
import { testHub, type HubFixture } from '../support/hub-fixture';
import {
  AMINAH,
  COMMUNITY,
  KHLONG_HAE,
  SANTISUK,
  accepted,
  admin,
  broadcastsSeen,
  follows,
  newsCity,
  seedFollowers,
} from '../support/zone-news';

const MINUTE = 60_000;
const TEXT = {
  th: 'คืนนี้ไฟฟ้าดับ 22:00-02:00 โปรดระวังเมื่อเดินทาง',
  en: 'Power cut tonight 22:00-02:00. Take care on the way home.',
  ms: 'Bekalan elektrik terputus malam ini 22:00-02:00. Berhati-hati dalam perjalanan pulang.',
};

describe('broadcasts through the admin API', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await newsCity({ clock: 'manual' });
    for (const person of [SOMCHAI, JOHN, AMINAH]) await follows(f, person);
  });
  afterEach(async () => {
    await f.close();
  });

  it('when an admin previews and then sends a broadcast in Thai, English and Malay, then each reader gets the previewed message of their language and the record shows every batch accepted', async () => {
    const preview = await admin(f).post('/admin/broadcasts/preview', { zones: [SANTISUK], text: TEXT });
    expect(preview.status).toBe(200);
    expect(preview.body.recipients).toEqual({ people: 3, groups: 1 });
    expect(preview.body.messages.th[0].contents.body.contents[0].text).toBe(TEXT.th);
    expect(preview.body.messages.en[0].contents.body.contents[0].text).toBe(TEXT.en);
    expect(preview.body.messages.ms[0].contents.header.contents[0].text).toBe(
      '📢 Pengumuman daripada Balai Polis Hat Yai',
    );
    expect(accepted(f, 'multicast')).toHaveLength(0);

    const sent = await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text: TEXT });
    expect(sent.status).toBe(201);
    expect(sent.body.broadcast).toMatchObject({ status: 'sending', zoneIds: [SANTISUK], origin: { kind: 'admin' } });
    expect(sent.body.run.recipients).toMatchObject({ people: 3, byLanguage: { th: 1, en: 1, ms: 1 }, groups: 1 });
    await f.settle();
    expect(broadcastsSeen(f, SOMCHAI)[0]!.message).toEqual(preview.body.messages.th[0]);
    expect(broadcastsSeen(f, JOHN)[0]!.message).toEqual(preview.body.messages.en[0]);
    expect(broadcastsSeen(f, AMINAH)[0]!.message).toEqual(preview.body.messages.ms[0]);
    expect(broadcastsSeen(f, COMMUNITY)[0]!.message).toEqual(preview.body.messages.groups[0]);

    const record = await admin(f).get(`/admin/broadcasts/${sent.body.broadcast._id}`);
    expect(record.body.broadcast.status).toBe('sent');
    expect(record.body.runs[0]).toMatchObject({
      state: 'done',
      batches: { total: 4, accepted: 4, failed: 0, held: 0 },
    });
    expect(record.body.lastRunBatches.map((b: any) => [b.kind, b.lang, b.state])).toEqual(
      expect.arrayContaining([
        ['multicast', 'th', 'accepted'],
        ['multicast', 'en', 'accepted'],
        ['multicast', 'ms', 'accepted'],
        ['push', 'multi', 'accepted'],
      ]),
    );
    const list = await admin(f).get('/admin/broadcasts?status=sent');
    expect(list.body.map((b: any) => b._id)).toEqual([sent.body.broadcast._id]);
  });

  it('when 1,201 people follow a zone in two languages, then LINE gets the fewest calls: 500, 500 and 1 in Thai, 200 in English, each with its own retry key, and one push per group', async () => {
    const thai = await seedFollowers(f.store, 1_000, KHLONG_HAE, { lang: 'th', tag: 'a' });
    const english = await seedFollowers(f.store, 200, KHLONG_HAE, { lang: 'en', tag: 'b' });
    await follows(f, SOMCHAI, KHLONG_HAE);
    const res = await admin(f).post('/admin/broadcasts', { zones: [KHLONG_HAE], text: { th: 'ทดสอบ' } });
    expect(res.status).toBe(201);
    await f.settle();
    const calls = accepted(f, 'multicast');
    const sizes = calls.map((c) => (c.to as string[]).length).sort((a, b) => b - a);
    expect(sizes).toEqual([500, 500, 200, 1]);
    const byLanguage = (ids: string[]) => calls.filter((c) => (c.to as string[]).every((id) => ids.includes(id)));
    expect(byLanguage([...thai, SOMCHAI])).toHaveLength(3);
    expect(byLanguage(english)).toHaveLength(1);
    expect(new Set(calls.map((c) => c.retryKey)).size).toBe(4);
    const reached = calls.flatMap((c) => c.to as string[]);
    expect(new Set(reached).size).toBe(1_201);
    // Khlong Hae has no community group; Santisuk's group is not part of it.
    expect(accepted(f, 'push').filter((c) => c.to === COMMUNITY)).toHaveLength(0);
  });

  it('when the whole OA is addressed, then LINE’s broadcast endpoint is called once and each community group gets a push', async () => {
    const res = await admin(f).post('/admin/broadcasts', { allFollowers: true, text: TEXT });
    expect(res.status).toBe(201);
    await f.settle();
    expect(accepted(f, 'broadcast')).toHaveLength(1);
    expect(accepted(f, 'multicast')).toHaveLength(0);
    expect(broadcastsSeen(f, COMMUNITY)).toHaveLength(1);
    // LINE's broadcast reaches every friend, with every language of the text.
    const words = broadcastsSeen(f, JOHN)[0]!.message.contents.body.contents.map((c: any) => c.text);
    expect(words).toEqual(expect.arrayContaining([TEXT.th, TEXT.en, TEXT.ms]));
  });

  it('when the month’s quota cannot cover the recipients, then the broadcast is held whole with the numbers, and sent in full once retried with quota', async () => {
    f.emulator.quota.setLimit(f.emulator.quota.consumption() + 4);
    const res = await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text: TEXT });
    expect(res.status).toBe(201);
    expect(res.body.broadcast.status).toBe('held');
    expect(res.body.run).toMatchObject({ state: 'held', quota: { needed: 5, remaining: 4 } });
    await f.settle();
    expect(accepted(f, 'multicast')).toHaveLength(0);
    expect(accepted(f, 'push').filter((c) => c.to === COMMUNITY)).toHaveLength(0);

    expect((await admin(f).post(`/admin/broadcasts/${res.body.broadcast._id}/cancel`)).status).toBe(200);
    expect((await admin(f).post(`/admin/broadcasts/${res.body.broadcast._id}/retry`)).status).toBe(409);

    const again = await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text: TEXT });
    f.emulator.quota.setLimit(f.emulator.quota.consumption() + 5);
    const retried = await admin(f).post(`/admin/broadcasts/${again.body.broadcast._id}/retry`);
    expect(retried.status).toBe(200);
    await f.settle();
    expect(accepted(f, 'multicast')).toHaveLength(3);
    expect(broadcastsSeen(f, COMMUNITY)).toHaveLength(1);
  });

  it('when a station admin broadcasts, then only their own station’s zones are allowed, an announcement to every friend is refused, and their list shows only their station', async () => {
    const made = await admin(f).post('/admin/tokens', { name: 'สภ.คลองแห เวรประชาสัมพันธ์', stationCode: 'KHH' });
    expect(made.status).toBe(201);
    const khh = (path: string, body: object) =>
      request(f.hub.app).post(path).set('authorization', `Bearer ${made.body.token}`).send(body);
    const other = await khh('/admin/broadcasts', { zones: [SANTISUK], text: { th: 'ทดสอบ' } });
    expect(other.status).toBe(400);
    expect(other.body.message).toContain(`zone ${SANTISUK} belongs to another station`);
    expect((await khh('/admin/broadcasts', { allFollowers: true, text: { th: 'ทดสอบ' } })).status).toBe(403);
    const own = await khh('/admin/broadcasts', { zones: [KHLONG_HAE], text: { th: 'ประกาศคลองแห' } });
    expect(own.status).toBe(201);
    await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text: { th: 'ประกาศหาดใหญ่' } });
    const listed = await request(f.hub.app).get('/admin/broadcasts').set('authorization', `Bearer ${made.body.token}`);
    expect(listed.body.map((b: any) => b.text.th)).toEqual(['ประกาศคลองแห']);
    expect(accepted(f, 'multicast')).toHaveLength(3);
  });

  it('when LINE refuses one language’s batch, then the others go and the record shows that batch failed with LINE’s answer', async () => {
    f.emulator.faults.inject({
      count: 1,
      status: 400,
      endpoint: 'multicast',
      body: { message: 'The request body has 1 error(s)' },
    });
    const res = await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text: TEXT });
    await f.settle();
    const record = await admin(f).get(`/admin/broadcasts/${res.body.broadcast._id}`);
    expect(record.body.runs[0]).toMatchObject({ state: 'done', batches: { total: 4, accepted: 3, failed: 1 } });
    const failed = record.body.lastRunBatches.filter((b: any) => b.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].lineAnswer).toBe('400: The request body has 1 error(s)');
    expect([SOMCHAI, JOHN, AMINAH].filter((p) => broadcastsSeen(f, p).length === 1)).toHaveLength(2);
  });

  it('when a broadcast has a photo, then every reader sees it above the words', async () => {
    const image = { url: 'https://hub.example.go.th/media/0123456789abcdef0123456789abcdef' };
    const res = await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text: TEXT, image });
    expect(res.status).toBe(201);
    await f.settle();
    for (const chat of [JOHN, COMMUNITY])
      expect(broadcastsSeen(f, chat)[0]!.message.contents.hero).toMatchObject({ type: 'image', url: image.url });
  });

  it.each([
    [
      { zones: [SANTISUK], text: { th: 'x', en: 'only English' } },
      'text: give Thai only, or Thai, English and Malay together',
    ],
    [{ zones: ['nowhere'], text: { th: 'x' } }, 'zones: unknown zone nowhere'],
    [{ text: { th: 'x' } }, 'zones: give either zones or allFollowers: true'],
    [{ zones: [SANTISUK], text: { th: 'x' }, at: '2026-11-25T19:00' }, 'at: is in the past'],
    [{ zones: [SANTISUK], text: { th: 'x' }, at: 'tonight' }, 'at: a date and time'],
    [{ zones: [SANTISUK], text: { th: 'x' }, cron: '*/5 * * * *' }, 'cron: runs more often than once an hour'],
    [{ zones: [SANTISUK], text: { th: 'x' }, cron: '0 18 * *' }, 'cron: cron must have five fields'],
    [{ zones: [SANTISUK], text: { th: 'x' }, image: { url: 'http://example.org/a.jpg' } }, 'image.url'],
  ])('when the request is %j, then it is refused with a 400 that says why and nothing is stored', async (body, why) => {
    const res = await admin(f).post('/admin/broadcasts', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(why);
    expect(await f.hub.repos.broadcasts.list()).toEqual([]);
  });
});

describe('scheduled and recurring broadcasts with two schedulers on one store', () => {
  let f: HubFixture;
  let second: ReturnType<typeof testHub>;
  beforeEach(async () => {
    f = await newsCity({ clock: 'manual' });
    await follows(f, JOHN);
    // A second hub instance on the same store and LINE, with its own scheduler.
    second = testHub(f.emulatorUrl, f.store, { clock: f.clock as ManualClock });
    await second.hub.start();
  });
  afterEach(async () => {
    await second.hub.drain();
    await second.hub.stop();
    await second.line.close();
    await f.close();
  });
  const clock = () => f.clock as ManualClock;
  const bothTick = async () => {
    await Promise.all([f.hub.scheduler.tick('broadcasts'), second.hub.scheduler.tick('broadcasts')]);
    await Promise.all([f.settle(), second.hub.drain()]);
  };

  it('when a broadcast is scheduled for 20:30 Bangkok time, then it waits, and at 20:30 the two schedulers send it once', async () => {
    const res = await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text: TEXT, at: '2026-11-25T20:30' });
    expect(res.status).toBe(201);
    expect(res.body.broadcast).toMatchObject({ status: 'scheduled', nextRunAt: '2026-11-25T13:30:00.000Z' });
    clock().advance(10 * MINUTE);
    await bothTick();
    expect(broadcastsSeen(f, JOHN)).toHaveLength(0);

    clock().advance(20 * MINUTE);
    await bothTick();
    // Past the lease, the other scheduler looks again: the run of 20:30 exists, nothing more goes.
    clock().advance(MINUTE);
    await bothTick();
    await Promise.all([f.hub.broadcasts.tick(), second.hub.broadcasts.tick()]);
    await Promise.all([f.settle(), second.hub.drain()]);
    expect(broadcastsSeen(f, JOHN)).toHaveLength(1);
    expect(broadcastsSeen(f, COMMUNITY)).toHaveLength(1);
    expect(accepted(f, 'multicast')).toHaveLength(1);
    expect((await f.hub.repos.broadcasts.get(res.body.broadcast._id))?.status).toBe('sent');
  });

  it('when a nightly tip runs on "0 18 * * *", then each evening at 18:00 it goes once, even with both schedulers running it without their lease', async () => {
    const res = await admin(f).post('/admin/broadcasts', {
      zones: [SANTISUK],
      text: { th: 'เคล็ดลับคืนนี้: ล็อกประตูรถทุกครั้ง' },
      cron: '0 18 * * *',
    });
    expect(res.body.broadcast).toMatchObject({ status: 'recurring', nextRunAt: '2026-11-26T11:00:00.000Z' });
    for (let day = 1; day <= 2; day++) {
      clock().set(Date.UTC(2026, 10, 25 + day, 11, 0, 5));
      // Straight to the use case, as if the lease were lost: the run of 18:00 is still made once.
      await Promise.all([f.hub.broadcasts.tick(), second.hub.broadcasts.tick(), f.hub.scheduler.tick('broadcasts')]);
      await Promise.all([f.settle(), second.hub.drain()]);
      expect(broadcastsSeen(f, JOHN)).toHaveLength(day);
    }
    const record = await admin(f).get(`/admin/broadcasts/${res.body.broadcast._id}`);
    expect(record.body.broadcast).toMatchObject({ status: 'recurring', nextRunAt: '2026-11-28T11:00:00.000Z' });
    expect(record.body.runs.map((r: any) => r.dueAt)).toEqual([Date.UTC(2026, 10, 27, 11), Date.UTC(2026, 10, 26, 11)]);

    expect((await admin(f).post(`/admin/broadcasts/${res.body.broadcast._id}/cancel`)).status).toBe(200);
    clock().set(Date.UTC(2026, 10, 28, 11, 0, 5));
    await bothTick();
    expect(broadcastsSeen(f, JOHN)).toHaveLength(2);
  });

  it('when the hub was down at 18:00 and comes back at 20:00, then that evening’s tip is skipped rather than sent late, and the next one is kept', async () => {
    await admin(f).post('/admin/broadcasts', { zones: [SANTISUK], text: { th: 'เคล็ดลับ' }, cron: '0 18 * * *' });
    clock().set(Date.UTC(2026, 10, 26, 13, 0));
    await bothTick();
    expect(broadcastsSeen(f, JOHN)).toHaveLength(0);
    clock().set(Date.UTC(2026, 10, 27, 11, 0, 5));
    await bothTick();
    expect(broadcastsSeen(f, JOHN)).toHaveLength(1);
  });
});
