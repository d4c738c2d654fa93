// Cases and SOS alerts through the admin API: lists and filters, detail, status changes from the web
// (same rules and same words as an officer's tap), officers, bind codes, zones, targets, figures, CSV.
import request from 'supertest';
import { alertSchema, caseDetailSchema, casePageSchema, figuresSchema } from '../../src/entry-points/admin-schemas';
import { HYI_GROUP, JOHN, OFFICER_A, OFFICER_B, SOMCHAI, setUpCity } from '../support/city';
import { PLACES, startHub, type HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';
import { SUPER, expectShape, numbered, stationToken } from '../support/admin';
import type { ManualClock } from '../../src/util/clock';

const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)?.text ?? '';

describe('cases from the web', () => {
  let f: HubFixture;
  let hyi: string;
  beforeAll(async () => {
    f = await startHub({ seed: true });
    await setUpCity(f);
    hyi = await stationToken(f, 'HYI', 'ร.ต.ท. วีระ (ศูนย์สั่งการ)');
    await fileReport(f, SOMCHAI, { category: 'theft', words: 'รถจักรยานยนต์หายหน้าร้านสะดวกซื้อ' });
    await fileReport(f, JOHN, { category: 'noise', words: 'Loud party after midnight' });
    await fileReport(f, SOMCHAI, { category: 'suspicious', words: 'มีชายแปลกหน้าเดินวนดูบ้าน' });
  });
  afterAll(async () => {
    await f.close();
  });

  const as = (token: string) => ({
    get: (path: string) => request(f.hub.app).get(path).set('authorization', `Bearer ${token}`),
    post: (path: string, body: object) =>
      request(f.hub.app).post(path).set('authorization', `Bearer ${token}`).send(body),
  });

  it('when cases are listed with filters, then only the matching ones come back, newest first, each with its due times', async () => {
    const all = await as(hyi).get('/admin/cases');
    expect(all.status).toBe(200);
    expectShape(casePageSchema, all.body);
    expect(all.body.items.map((c: { _id: string }) => c._id)).toEqual([
      numbered(f, 'HYI', 3),
      numbered(f, 'HYI', 2),
      numbered(f, 'HYI', 1),
    ]);
    const theft = await as(hyi).get('/admin/cases?category=theft,assault&status=new');
    expect(theft.body.items.map((c: { _id: string }) => c._id)).toEqual([numbered(f, 'HYI', 1)]);
    const first = theft.body.items[0];
    // Theft: acknowledged within 15 minutes and resolved within 3 days, by default.
    expect(first.due).toEqual({
      acknowledgeBy: first.createdAt + 15 * 60_000,
      resolveBy: first.createdAt + 3 * 86_400_000,
    });
    const page = await as(hyi).get('/admin/cases?limit=2');
    expect(page.body.items).toHaveLength(2);
    const rest = await as(hyi).get(`/admin/cases?limit=2&before=${page.body.next}`);
    expect(rest.body.items.map((c: { _id: string }) => c._id)).toEqual([numbered(f, 'HYI', 1)]);
    const future = await as(hyi).get('/admin/cases?from=2030-01-01');
    expect(future.body.items).toEqual([]);
  });

  it('when a case is changed from the web, then the reporter and the group read what a tap would have said, naming the token, and both audits record it', async () => {
    // An officer's tap on the first case, for comparison.
    const tapped = numbered(f, 'HYI', 1);
    await f.emulator.driver.postback({ groupId: HYI_GROUP, userId: OFFICER_A }, `a=case&id=${tapped}&to=acknowledged`);
    await f.settle();
    const officer = (await f.hub.repos.cases.get(tapped))!.ownerName!;
    const tapToReporter = last(f, SOMCHAI);
    const tapToGroup = last(f, HYI_GROUP);

    const webCase = numbered(f, 'HYI', 3);
    const res = await as(hyi).post(`/admin/cases/${webCase}/status`, { to: 'acknowledged' });
    await f.settle();
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('acknowledged');
    const name = 'ร.ต.ท. วีระ (ศูนย์สั่งการ)';
    expect(last(f, SOMCHAI)).toBe(tapToReporter.replace(tapped, webCase).replace(officer, name));
    expect(last(f, HYI_GROUP)).toBe(tapToGroup.replace(tapped, webCase).replace(officer, name));

    const stored = (await f.hub.repos.cases.get(webCase))!;
    const [token] = await f.hub.repos.adminTokens.list('HYI');
    expect(stored.audit).toEqual([
      {
        at: stored.acknowledgedAt,
        by: `admin:${token!._id}`,
        byName: name,
        from: 'new',
        to: 'acknowledged',
        via: 'web',
      },
    ]);
    expect(stored.ownerName).toBe(name);
    const detail = await as(hyi).get(`/admin/cases/${webCase}`);
    expectShape(caseDetailSchema, detail.body);
    expect(detail.body.adminAudit).toEqual([
      expect.objectContaining({
        action: 'case.status',
        actor: expect.objectContaining({ name }),
        before: { status: 'new' },
        after: { status: 'acknowledged', ownerName: name },
      }),
    ]);
  });

  it('when the web tries a step the buttons would refuse, or acknowledges a case an officer owns, then 409 says why and nothing moves', async () => {
    const owned = numbered(f, 'HYI', 1); // acknowledged by OFFICER_A above
    const again = await as(hyi).post(`/admin/cases/${owned}/status`, { to: 'acknowledged' });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already acknowledged by .+: the first acknowledge wins/);
    const fresh = numbered(f, 'HYI', 2);
    const skip = await as(hyi).post(`/admin/cases/${fresh}/status`, { to: 'resolved' });
    expect(skip.status).toBe(409);
    expect(skip.body.message).toBe('cannot move from new to resolved');
    expect((await f.hub.repos.cases.get(fresh))!.status).toBe('new');
    const bad = await as(hyi).post(`/admin/cases/${fresh}/status`, { to: 'closed' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('to');
  });

  it('when an officer and the web acknowledge the same case at the same moment, then exactly one owns it', async () => {
    const id = numbered(f, 'HYI', 2);
    const [tap, web] = await Promise.all([
      f.hub.cases.act(id, 'acknowledged', { userId: OFFICER_B, groupId: HYI_GROUP }),
      f.hub.cases.actFromWeb(id, 'acknowledged', { by: 'admin:test', name: 'โต๊ะกลาง' }),
    ]);
    expect([tap.ok, web.ok].filter(Boolean)).toHaveLength(1);
    const stored = (await f.hub.repos.cases.get(id))!;
    expect(stored.audit.filter((a) => a.to === 'acknowledged')).toHaveLength(1);
    expect(stored.ownerName).toBe(tap.ok ? tap.officerName : 'โต๊ะกลาง');
  });

  it('when the CSV of a period is exported, then it starts with a BOM, keeps Thai as written, names no reporter and defuses formulas', async () => {
    await fileReport(f, JOHN, { category: 'other', words: '=HYPERLINK("http://evil.example","click")' });
    const day = new Date(f.clock.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const res = await as(hyi)
      .get(`/admin/cases.csv?from=${day}&to=${day}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="cases-HYI-${day}-${day}.csv"`);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toMatch(/^case,created \(Bangkok\),station/);
    expect(lines.filter((l) => l.startsWith(numbered(f, 'HYI', 1)))[0]).toContain('รถจักรยานยนต์หายหน้าร้านสะดวกซื้อ');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(text).not.toContain('สมชาย');
    expect(text).not.toContain(SOMCHAI);
    expect(lines.filter((l) => /^HYI-/.test(l))).toHaveLength(4);
  });
});

describe('SOS alerts, officers, bind codes and zones from the web', () => {
  let f: HubFixture;
  let hyi: string;
  beforeAll(async () => {
    f = await startHub({ seed: true });
    await setUpCity(f);
    for (const officer of [OFFICER_A, OFFICER_B]) await f.emulator.driver.text({ userId: officer }, '/duty on');
    hyi = await stationToken(f, 'HYI', 'ศูนย์สั่งการ หาดใหญ่');
    await f.settle();
  });
  afterAll(async () => {
    await f.close();
  });

  it('when an SOS is acknowledged from the web, then the person and the group are told who took it, as after a tap', async () => {
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.settle();
    const id = numbered(f, 'HYI', 1, 'sos');
    const list = await request(f.hub.app).get('/admin/alerts?status=new').set('authorization', `Bearer ${hyi}`);
    expect(list.body.items.map((a: { _id: string }) => a._id)).toEqual([id]);
    const res = await request(f.hub.app)
      .post(`/admin/alerts/${id}/status`)
      .set('authorization', `Bearer ${hyi}`)
      .send({ to: 'acknowledged' });
    await f.settle();
    expect(res.status).toBe(200);
    expectShape(alertSchema, res.body);
    expect(last(f, SOMCHAI)).toBe('👮 เจ้าหน้าที่ ศูนย์สั่งการ หาดใหญ่ (สถานีตำรวจภูธรหาดใหญ่) รับเรื่องแล้ว กำลังช่วยเหลือคุณค่ะ');
    expect(last(f, HYI_GROUP)).toContain(`${id}`);
    expect(last(f, HYI_GROUP)).toContain('ศูนย์สั่งการ หาดใหญ่');
    const stored = (await f.hub.repos.alerts.get(id))!;
    expect(stored.audit).toEqual([
      expect.objectContaining({ byName: 'ศูนย์สั่งการ หาดใหญ่', via: 'web', to: 'acknowledged' }),
    ]);
    const tap = await f.hub.sos.act(id, 'acknowledged', { userId: OFFICER_A, groupId: HYI_GROUP });
    expect(tap).toEqual(expect.objectContaining({ ok: false, why: 'already-owned' }));
  });

  it('when an officer is put off duty and then removed, then the list shows it, and the removed officer’s taps are refused', async () => {
    const listed = await request(f.hub.app).get('/admin/officers').set('authorization', `Bearer ${hyi}`);
    expect(listed.body.map((o: { userId: string; onDuty: boolean }) => [o.userId, o.onDuty])).toEqual([
      [OFFICER_A, true],
      [OFFICER_B, true],
    ]);
    const off = await request(f.hub.app)
      .patch(`/admin/officers/${OFFICER_B}`)
      .set('authorization', `Bearer ${hyi}`)
      .send({ onDuty: false });
    expect(off.body).toEqual(expect.objectContaining({ userId: OFFICER_B, onDuty: false }));
    expect((await f.hub.repos.users.get(OFFICER_B))!.onDuty).toBe(false);

    const removed = await request(f.hub.app)
      .delete(`/admin/officers/${OFFICER_B}`)
      .set('authorization', `Bearer ${hyi}`);
    expect(removed.body).toEqual({ userId: OFFICER_B, role: 'resident' });
    const user = (await f.hub.repos.users.get(OFFICER_B))!;
    expect(user).toEqual(expect.objectContaining({ role: 'resident' }));
    expect(user.stationCode).toBeUndefined();
    expect(user.onDuty).toBeUndefined();
    expect((await f.hub.repos.users.officersOf('HYI')).map((u) => u._id)).toEqual([OFFICER_A]);

    await fileReport(f, JOHN, { words: 'Someone is breaking into a car' });
    const caseId = numbered(f, 'HYI', 1);
    await f.emulator.driver.postback({ groupId: HYI_GROUP, userId: OFFICER_B }, `a=case&id=${caseId}&to=acknowledged`);
    await f.settle();
    expect((await f.hub.repos.cases.get(caseId))!.status).toBe('new');
    const audit = await request(f.hub.app).get(`/admin/audit?target=${OFFICER_B}`).set('authorization', SUPER);
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(['officer.remove', 'officer.duty']);
  });

  it('when a bind code is withdrawn before use, then it is no longer listed and /bind with it is refused', async () => {
    const issued = await request(f.hub.app)
      .post('/admin/bind-codes')
      .set('authorization', `Bearer ${hyi}`)
      .send({ kind: 'officer', stationCode: 'HYI' });
    expect(issued.status).toBe(201);
    const listed = await request(f.hub.app).get('/admin/bind-codes').set('authorization', `Bearer ${hyi}`);
    expect(listed.body.map((c: { code: string }) => c.code)).toContain(issued.body.code);
    await request(f.hub.app)
      .delete(`/admin/bind-codes/${issued.body.code}`)
      .set('authorization', `Bearer ${hyi}`)
      .expect(200);
    const after = await request(f.hub.app).get('/admin/bind-codes').set('authorization', `Bearer ${hyi}`);
    expect(after.body.map((c: { code: string }) => c.code)).not.toContain(issued.body.code);
    await f.emulator.driver.text({ userId: JOHN }, `/bind ${issued.body.code}`);
    await f.settle();
    expect((await f.hub.repos.users.get(JOHN))!.role).toBe('resident');
    const khhCode = await request(f.hub.app)
      .post('/admin/bind-codes')
      .set('authorization', `Bearer ${hyi}`)
      .send({ kind: 'officer', stationCode: 'KHH' });
    expect(khhCode.status).toBe(403);
  });

  it('when zones are read as GeoJSON and sent back, then they import unchanged; a station admin cannot import another station’s zone', async () => {
    const out = await request(f.hub.app).get('/admin/zones?station=HYI').set('authorization', `Bearer ${hyi}`);
    expect(out.body.type).toBe('FeatureCollection');
    expect(out.body.features.map((z: { properties: { stationCode: string } }) => z.properties.stationCode)).toEqual(
      out.body.features.map(() => 'HYI'),
    );
    const before = await f.hub.repos.zones.byStation('HYI');
    const back = await request(f.hub.app).post('/admin/zones').set('authorization', `Bearer ${hyi}`).send(out.body);
    expect(back.body).toEqual({ imported: before.length });
    expect((await f.hub.repos.zones.byStation('HYI')).map((z) => z.geometry)).toEqual(before.map((z) => z.geometry));

    const khh = await request(f.hub.app).get('/admin/zones?station=KHH').set('authorization', SUPER);
    const foreign = await request(f.hub.app).post('/admin/zones').set('authorization', `Bearer ${hyi}`).send(khh.body);
    expect(foreign.status).toBe(403);
  });
});

describe('targets, overdue and figures', () => {
  it('when cases and an SOS are answered at known times, then the weekly figures give p50 and p90, and open items past their target are overdue', async () => {
    const f = await startHub({ seed: true, clock: 'manual' });
    const clock = f.clock as ManualClock;
    try {
      await setUpCity(f);
      await fileReport(f, SOMCHAI, { category: 'theft', words: 'กระเป๋าถูกกระชาก' });
      await fileReport(f, JOHN, { category: 'theft', words: 'Phone snatched' });
      await fileReport(f, SOMCHAI, { category: 'theft', words: 'ขโมยขึ้นบ้าน' });
      const [one, two, three] = [1, 2, 3].map((n) => numbered(f, 'HYI', n));
      const tap = async (id: string, to: string) => {
        await f.emulator.driver.postback({ groupId: HYI_GROUP, userId: OFFICER_A }, `a=case&id=${id}&to=${to}`);
        await f.settle();
      };
      clock.advance(60_000);
      await tap(one!, 'acknowledged');
      clock.advance(120_000);
      await tap(two!, 'acknowledged');
      clock.advance(420_000);
      await tap(one!, 'resolved'); // 600 s after it was filed
      await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
      await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
      await f.settle();
      clock.advance(30_000);
      const sos = numbered(f, 'HYI', 1, 'sos');
      await f.emulator.driver.postback(
        { groupId: HYI_GROUP, userId: OFFICER_A },
        `a=sos-act&id=${sos}&to=acknowledged`,
      );
      await f.settle();

      const token = await stationToken(f, 'HYI', 'สถิติ');
      const own = await request(f.hub.app)
        .put('/admin/stations/HYI/targets')
        .set('authorization', `Bearer ${token}`)
        .send({ acknowledgeMinutes: { theft: 5 } });
      expect(own.body.acknowledgeMinutes.theft).toBe(5);
      expect(own.body.acknowledgeMinutes.noise).toBe(30);
      expect(own.body.own).toEqual({ acknowledgeMinutes: { theft: 5 } });
      // 10.5 minutes after filing: the third (never acknowledged) is past the station's 5 minutes.
      const list = await request(f.hub.app).get('/admin/cases').set('authorization', `Bearer ${token}`);
      const overdue = Object.fromEntries(
        list.body.items.map((c: { _id: string; due: { overdue?: string } }) => [c._id, c.due.overdue]),
      );
      expect(overdue).toEqual({ [three!]: 'acknowledge', [two!]: undefined, [one!]: undefined });

      const figures = await request(f.hub.app).get('/admin/figures').set('authorization', `Bearer ${token}`);
      expectShape(figuresSchema, figures.body);
      expect(figures.body.weeks).toEqual([
        {
          weekStart: '2026-11-23',
          cases: [
            {
              stationCode: 'HYI',
              category: 'theft',
              reported: 3,
              acknowledge: { count: 2, p50: 60, p90: 180 },
              resolve: { count: 1, p50: 600, p90: 600 },
            },
          ],
          sos: [{ stationCode: 'HYI', raised: 1, acknowledge: { count: 1, p50: 30, p90: 30 } }],
        },
      ]);
    } finally {
      await f.close();
    }
  });
});
