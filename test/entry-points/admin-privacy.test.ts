// A person's rights over their data (PDPA): asked from LINE in their language, acted on through the
// admin API: export everything, or erase it and keep only what the police must, without the person.
import request from 'supertest';
import { pseudonym } from '../../src/domain/admin/admin-actor';
import { buddhistYear } from '../../src/domain/reports/case';
import { MemoryMediaStore } from '../../src/media/media-store';
import { exportSchema, erasureSchema } from '../../src/entry-points/admin-schemas';
import { HYI_GROUP, JOHN, OFFICER_A, SOMCHAI, setUpCity } from '../support/city';
import { PLACES, startHub, uid, type HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';
import { SUPER, expectShape, numbered, stationToken } from '../support/admin';

const AISYAH = uid('f');
const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)?.text ?? '';
const requestNo = (f: HubFixture, n: number) =>
  `PDPA-${String(buddhistYear(f.clock.now()) % 100).padStart(2, '0')}-${String(n).padStart(6, '0')}`;

describe('asking about one’s data from LINE', () => {
  it('when residents type “my data” in Thai, English and Malay, then each request is recorded for the right station and each is answered in their language with its number', async () => {
    const f = await startHub({ seed: true });
    try {
      await setUpCity(f);
      f.emulator.users.add({ userId: AISYAH, displayName: 'Aisyah', language: 'ms' });
      await f.emulator.driver.follow(AISYAH); // no consent given: asking does not need it
      await fileReport(f, SOMCHAI, { words: 'มีคนงัดบ้าน' });

      await f.emulator.driver.text({ userId: SOMCHAI }, 'ข้อมูลของฉัน');
      await f.emulator.driver.text({ userId: JOHN }, 'My data');
      await f.emulator.driver.text({ userId: AISYAH }, 'data saya');
      await f.emulator.driver.text({ userId: JOHN }, 'delete my data');
      await f.settle();

      expect(last(f, SOMCHAI)).toBe(
        `รับคำขอดูข้อมูลส่วนบุคคลของคุณแล้วค่ะ เลขที่คำขอ ${requestNo(f, 1)}\nเจ้าหน้าที่ของสถานีตำรวจภูธรหาดใหญ่จะดำเนินการ และแจ้งผลให้ทราบทางแชทนี้ค่ะ (กฎหมายคุ้มครองข้อมูลส่วนบุคคลกำหนดให้ดำเนินการภายใน 30 วัน)\nหากต้องการให้ลบข้อมูล พิมพ์ “ลบข้อมูลของฉัน” ได้ค่ะ`,
      );
      const johnSaw = f.seen(JOHN).map((m) => m.text ?? '');
      expect(johnSaw.at(-2)).toBe(
        `Your request to see your personal data is recorded. Request number ${requestNo(f, 2)}.\nStaff at the system's administrator will act on it and tell you the result in this chat (the Personal Data Protection Act gives them 30 days).\nTo have your data deleted instead, type "delete my data".`,
      );
      expect(johnSaw.at(-1)).toMatch(
        new RegExp(`^Your request to delete your personal data is recorded\\. Request number ${requestNo(f, 4)}\\.`),
      );
      expect(last(f, AISYAH)).toMatch(
        new RegExp(
          `^Permintaan anda untuk melihat data peribadi anda telah direkodkan\\. Nombor permintaan ${requestNo(f, 3)}\\.`,
        ),
      );

      const stored = await f.hub.repos.privacyRequests.list({ limit: 10 });
      expect(stored.map((r) => [r._id, r.userId, r.kind, r.lang, r.stationCode, r.status])).toEqual([
        [requestNo(f, 4), JOHN, 'erasure', 'en', undefined, 'open'],
        [requestNo(f, 3), AISYAH, 'access', 'ms', undefined, 'open'],
        [requestNo(f, 2), JOHN, 'access', 'en', undefined, 'open'],
        [requestNo(f, 1), SOMCHAI, 'access', 'th', 'HYI', 'open'],
      ]);

      // Asking again while it is open records nothing new and says it is under way.
      await f.emulator.driver.text({ userId: SOMCHAI }, 'ข้อมูลของฉัน');
      await f.settle();
      expect(last(f, SOMCHAI)).toMatch(
        new RegExp(
          `^คำขอเลขที่ ${requestNo(f, 1)} ของคุณ \\(เมื่อ .+${buddhistYear(f.clock.now())}.*\\) ยังอยู่ระหว่างดำเนินการค่ะ`,
        ),
      );
      expect(await f.hub.repos.privacyRequests.list({ limit: 10 })).toHaveLength(4);

      // The station lists its requests; closing one tells the person, in their language.
      const hyi = await stationToken(f, 'HYI', 'งานธุรการ สภ.หาดใหญ่');
      const listed = await request(f.hub.app).get('/admin/privacy/requests').set('authorization', `Bearer ${hyi}`);
      expect(listed.body.map((r: { _id: string }) => r._id)).toEqual([requestNo(f, 1)]);
      const closed = await request(f.hub.app)
        .post(`/admin/privacy/requests/${requestNo(f, 2)}/close`)
        .set('authorization', SUPER)
        .send({ outcome: 'exported', note: 'Bring your passport to the front desk.' });
      expect(closed.status).toBe(200);
      await f.settle();
      expect(last(f, JOHN)).toBe(
        `Request ${requestNo(f, 2)}: a copy of your personal data is ready. You can collect it from the system's administrator.\nNote from the staff: Bring your passport to the front desk.`,
      );
      const twice = await request(f.hub.app)
        .post(`/admin/privacy/requests/${requestNo(f, 2)}/close`)
        .set('authorization', SUPER)
        .send({ outcome: 'refused' });
      expect(twice.status).toBe(409);
      const foreign = await request(f.hub.app)
        .post(`/admin/privacy/requests/${requestNo(f, 3)}/close`)
        .set('authorization', `Bearer ${hyi}`)
        .send({ outcome: 'refused' });
      expect(foreign.status).toBe(403);
    } finally {
      await f.close();
    }
  });
});

describe('export and erasure', () => {
  let f: HubFixture;
  const media = new MemoryMediaStore();
  beforeAll(async () => {
    f = await startHub({ seed: true, media });
    await setUpCity(f);
    await f.emulator.driver.text({ userId: OFFICER_A }, '/duty on');
    await fileReport(f, SOMCHAI, { words: 'ชายใส่หมวกสีแดงขโมยกระเป๋า โทร 081-234-5678', photos: 1 });
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.emulator.driver.text({ userId: SOMCHAI }, 'อยู่หลังร้านเซเว่น');
    await f.emulator.driver.image({ userId: SOMCHAI });
    await f.settle();
    await fileReport(f, JOHN, { words: 'My bicycle was stolen' });
  });
  afterAll(async () => {
    await f.close();
  });

  it('when a station admin asks for a person who made no request at their station, then export and erase are 403', async () => {
    const hyi = await stationToken(f, 'HYI', 'ธุรการ');
    expect(
      (await request(f.hub.app).get(`/admin/privacy/users/${JOHN}/export`).set('authorization', `Bearer ${hyi}`))
        .status,
    ).toBe(403);
    expect(
      (
        await request(f.hub.app)
          .post(`/admin/privacy/users/${JOHN}/erase`)
          .set('authorization', `Bearer ${hyi}`)
          .send({})
      ).status,
    ).toBe(403);
    expect((await f.hub.repos.users.get(JOHN))!.displayName).toBe('John');
  });

  it('when a person’s data is exported, then the JSON holds their profile, cases, SOS with what they sent, and their media', async () => {
    const res = await request(f.hub.app).get(`/admin/privacy/users/${SOMCHAI}/export`).set('authorization', SUPER);
    expect(res.status).toBe(200);
    expectShape(exportSchema, res.body);
    expect(res.body.profile).toEqual(
      expect.objectContaining({ _id: SOMCHAI, displayName: 'สมชาย', consent: 'accepted' }),
    );
    expect(res.body.pin).toEqual(expect.objectContaining({ lat: PLACES.santisuk.latitude }));
    expect(res.body.cases.map((c: { description: string }) => c.description)).toEqual([
      'ชายใส่หมวกสีแดงขโมยกระเป๋า โทร 081-234-5678',
    ]);
    expect(res.body.sosAlerts[0].messages).toEqual([
      expect.objectContaining({ type: 'text', text: 'อยู่หลังร้านเซเว่น' }),
      expect.objectContaining({ type: 'image' }),
    ]);
    expect(res.body.media).toHaveLength(2);
    expect(res.body.media[0].url).toBe(`/media/${res.body.media[0].token}`);
    const photo = await request(f.hub.app).get(res.body.media[0].url);
    expect(photo.status).toBe(200);
    expect(photo.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.stringify(res.body)).not.toContain('My bicycle was stolen');
    const audit = await request(f.hub.app).get('/admin/audit?type=person').set('authorization', SUPER);
    expect(audit.body[0]).toEqual(
      expect.objectContaining({ action: 'privacy.export', target: { type: 'person', id: pseudonym(SOMCHAI) } }),
    );
  });

  it('when erasure is asked while the person’s SOS is open, then it is refused and nothing is erased', async () => {
    const res = await request(f.hub.app)
      .post(`/admin/privacy/users/${SOMCHAI}/erase`)
      .set('authorization', SUPER)
      .send({});
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/SOS alert of this person is still open/);
    expect(await f.hub.repos.users.get(SOMCHAI)).not.toBeNull();
  });

  it('when a person who asked from LINE is erased, then they are told, and only the police records remain, without them', async () => {
    const sosId = numbered(f, 'HYI', 1, 'sos');
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      `a=sos-act&id=${sosId}&to=acknowledged`,
    );
    await f.emulator.driver.postback({ groupId: HYI_GROUP, userId: OFFICER_A }, `a=sos-act&id=${sosId}&to=resolved`);
    await f.emulator.driver.text({ userId: SOMCHAI }, 'ลบข้อมูลของฉัน');
    await f.settle();
    const [asked] = await f.hub.repos.privacyRequests.list({ status: 'open', limit: 5 });
    expect(asked).toEqual(expect.objectContaining({ userId: SOMCHAI, kind: 'erasure', stationCode: 'HYI' }));
    const caseId = numbered(f, 'HYI', 1);
    const before = (await f.hub.repos.cases.get(caseId))!;
    const tokens = [before.photos[0]!.token, (await f.hub.repos.alerts.get(sosId))!.messages![1]!.media!.token];

    // The station the request is assigned to may act on it.
    const hyi = await stationToken(f, 'HYI', 'ธุรการ 2');
    const res = await request(f.hub.app)
      .post(`/admin/privacy/users/${SOMCHAI}/erase`)
      .set('authorization', `Bearer ${hyi}`)
      .send({ requestId: asked!._id });
    await f.settle();
    expect(res.status).toBe(200);
    expectShape(erasureSchema, res.body);
    expect(res.body.removed).toEqual(
      expect.objectContaining({ profile: 1, pin: 1, cases: 1, sosAlerts: 1, media: 2, privacyRequests: 1 }),
    );
    expect(res.body.kept.map((k: { what: string }) => k.what)).toEqual([
      expect.stringMatching(/^case records/),
      expect.stringMatching(/^SOS alert records/),
      expect.stringMatching(/privacy requests/),
      expect.stringMatching(/admin audit/),
      expect.stringMatching(/messages already queued/),
    ]);
    expect(last(f, SOMCHAI)).toBe(
      `คำขอเลขที่ ${asked!._id}: ลบข้อมูลส่วนบุคคลของคุณแล้วค่ะ ชื่อ ข้อความ และรูปภาพที่คุณส่งมาถูกลบแล้ว\nบันทึกเรื่องที่ตำรวจต้องเก็บไว้ (เลขที่เรื่อง ประเภท สถานที่ และเวลา) ยังอยู่ แต่ไม่มีชื่อของคุณค่ะ`,
    );

    // What is stored now.
    expect(await f.hub.repos.users.get(SOMCHAI)).toBeNull();
    expect(await f.hub.repos.pins.get(SOMCHAI)).toBeNull();
    expect(await f.hub.repos.sessions.get(SOMCHAI)).toBeNull();
    const c = (await f.hub.repos.cases.get(caseId))!;
    expect(c).toEqual(
      expect.objectContaining({
        _id: caseId,
        stationCode: 'HYI',
        category: 'theft',
        status: before.status,
        reporterId: 'erased',
        description: 'erased',
        photos: [],
        location: before.location,
        createdAt: before.createdAt,
        erasedAt: expect.any(Number),
      }),
    );
    expect(c.reporterName).toBeUndefined();
    const alert = (await f.hub.repos.alerts.get(sosId))!;
    expect(alert).toEqual(
      expect.objectContaining({
        userId: 'erased',
        status: 'resolved',
        positions: [alert.position],
        erasedAt: expect.any(Number),
      }),
    );
    expect(alert.userName).toBeUndefined();
    expect(alert.messages!.map((m) => [m.type, m.text, m.media])).toEqual([
      ['text', 'erased', undefined],
      ['image', undefined, undefined],
    ]);
    expect(alert.audit.map((a) => a.to)).toEqual(['acknowledged', 'resolved']);
    expect(await Promise.all(tokens.map((t) => media.read(t)))).toEqual([null, null]);
    const inbox = await f.hub.repos.inbox.bySource(SOMCHAI);
    expect(inbox.filter((e) => e.status !== 'pending')).toEqual([]);
    const sentToHer = await f.hub.repos.outbox.find({ to: SOMCHAI });
    expect(sentToHer.map((r) => r.purpose)).toEqual(['privacy-closed']);
    const requests = await f.hub.repos.privacyRequests.list({ limit: 10 });
    expect(requests.map((r) => [r.userId, r.status, r.outcome])).toEqual([['erased', 'closed', 'erased']]);
    const everything = JSON.stringify(
      await Promise.all([
        f.hub.repos.cases.get(caseId),
        f.hub.repos.alerts.get(sosId),
        f.hub.repos.privacyRequests.list({ limit: 10 }),
        f.hub.repos.adminAudit.list({ limit: 100 }),
      ]),
    );
    expect(everything).not.toContain(SOMCHAI);
    expect(everything).not.toContain('สมชาย');
    expect(everything).not.toContain('081-234-5678');
    expect(everything).not.toContain('อยู่หลังร้านเซเว่น');

    // Officers can still work the case; nobody is pushed for it.
    const moved = await f.hub.cases.act(caseId, 'acknowledged', { userId: OFFICER_A, groupId: HYI_GROUP });
    expect(moved.ok).toBe(true);
    await f.settle();
    expect((await f.hub.repos.outbox.find({ to: 'erased' })).length).toBe(0);

    // JOHN's data was not touched.
    expect((await f.hub.repos.users.get(JOHN))!.displayName).toBe('John');
    const after = await request(f.hub.app).get(`/admin/privacy/users/${SOMCHAI}/export`).set('authorization', SUPER);
    expect([after.body.profile, after.body.cases, after.body.sosAlerts]).toEqual([null, [], []]);
  });

  it('when the super-admin erases someone with two open requests without naming one, then both are closed as erased and the person is told once', async () => {
    await f.emulator.driver.text({ userId: JOHN }, 'my data');
    await f.emulator.driver.text({ userId: JOHN }, 'delete my data');
    await f.settle();
    const before = f.seen(JOHN).length;
    const res = await request(f.hub.app)
      .post(`/admin/privacy/users/${JOHN}/erase`)
      .set('authorization', SUPER)
      .send({});
    await f.settle();
    expect(res.status).toBe(200);
    expect(res.body.removed.privacyRequests).toBe(2);
    const closed = (await f.hub.repos.privacyRequests.list({ limit: 10 })).filter(
      (r) => r.kind && r.userId === 'erased',
    );
    expect(closed.map((r) => [r.status, r.outcome])).toEqual([
      ['closed', 'erased'],
      ['closed', 'erased'],
      ['closed', 'erased'],
    ]);
    const told = f
      .seen(JOHN)
      .slice(before)
      .map((m) => m.text);
    expect(told).toEqual([expect.stringMatching(/^Request PDPA-\d{2}-\d{6}: your personal data has been deleted\./)]);
  });
});
