import request from 'supertest';
import { MemoryMediaStore } from '../../src/media/media-store';
import { ManualClock } from '../../src/util/clock';
import { ADMIN_TOKEN, PLACES, gid, startHub, startHubWithMaps, uid, type HubFixture } from '../support/hub-fixture';

import {
  HYI_GROUP,
  JOHN,
  KHH_GROUP,
  OFFICER_A,
  OFFICER_B,
  SOMCHAI,
  STRANGER,
  issueCode,
  setUpCity,
} from '../support/city';

interface ReportSpec {
  category?: string;
  words?: string;
  photos?: number;
  location?: { latitude: number; longitude: number; address?: string };
  anonymous?: boolean;
}

async function report(f: HubFixture, userId: string, spec: ReportSpec = {}): Promise<void> {
  const d = f.emulator.driver;
  const u = { userId };
  await d.postback(u, 'a=report');
  await d.postback(u, `a=cat&v=${spec.category ?? 'theft'}`);
  await d.text(u, spec.words ?? 'มีคนงัดรถจักรยานยนต์หน้าร้านสะดวกซื้อ');
  for (let i = 0; i < (spec.photos ?? 0); i++) await d.image(u);
  await d.postback(u, 'a=photos-done');
  await d.location(u, spec.location ?? PLACES.santisuk);
  await d.postback(u, `a=anon&v=${spec.anonymous ? 'yes' : 'no'}`);
  await d.postback(u, 'a=report-confirm');
  await f.settle();
}

const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;

describe('reports end to end', () => {
  let f: HubFixture;
  let media: MemoryMediaStore;
  beforeEach(async () => {
    media = new MemoryMediaStore();
    f = await startHub({ seed: true, media });
    await setUpCity(f);
  });
  afterEach(async () => {
    await f.close();
  });

  it('when groups and officers are bound, then each hears it in Thai', async () => {
    expect(f.seen(HYI_GROUP).map((m) => m.text)).toContain(
      'ผูกกลุ่มนี้กับ สถานีตำรวจภูธรหาดใหญ่ เรียบร้อยแล้วค่ะ ✅\nเรื่องที่ประชาชนแจ้งในพื้นที่จะส่งมาที่กลุ่มนี้',
    );
    // Registered off duty (the city's officers then said /duty on).
    const registered = f.seen(OFFICER_A).find((m) => m.text?.startsWith('ลงทะเบียนเป็นเจ้าหน้าที่'))!.text!;
    expect(registered).toMatch(/^ลงทะเบียนเป็นเจ้าหน้าที่ของ สถานีตำรวจภูธรหาดใหญ่ เรียบร้อยแล้วค่ะ 👮\n/);
    // How to go on duty, and the name residents will see until the officer sets one.
    expect(registered).toContain('พิมพ์ /duty on เพื่อรับแจ้ง SOS ทางแชตนี้');
    expect(registered).toContain('ชื่อที่ประชาชนจะเห็นตอนนี้คือ “ร.ต.อ. อนันต์”');
    expect(await f.hub.repos.users.get(OFFICER_A)).toMatchObject({
      role: 'officer',
      stationCode: 'HYI',
      displayName: 'ร.ต.อ. อนันต์',
    });
  });

  it('when a Thai resident reports a theft with a photo in Santisuk, then the HYI group gets the card and the resident a case number', async () => {
    const before = f.seen(SOMCHAI).length;
    await report(f, SOMCHAI, { photos: 1 });
    const said = f.seen(SOMCHAI).slice(before);
    expect(said[0]!.quickReply).toEqual(expect.arrayContaining(['ลักทรัพย์/ของหาย', 'บุคคลน่าสงสัย', 'ยกเลิก']));
    expect(said.find((m) => m.quickReply?.includes('ส่งตำแหน่ง'))?.message.quickReply.items[0].action.type).toBe(
      'location',
    );
    expect(said.find((m) => m.type === 'flex')?.altText).toContain('ตรวจสอบก่อนส่ง');
    expect(last(f, SOMCHAI).text).toMatch(/เลขที่เรื่อง HYI-69-000001\nส่งถึง สถานีตำรวจภูธรหาดใหญ่ แล้ว/);
    expect(last(f, SOMCHAI).text).toContain('ไม่ใช่การแจ้งความดำเนินคดี');

    const card = last(f, HYI_GROUP);
    expect(card.type).toBe('flex');
    expect(card.altText).toContain('HYI-69-000001');
    const json = JSON.stringify(card.message);
    expect(json).toContain('ลักทรัพย์/ของหาย');
    expect(json).toContain('สมชาย');
    expect(json).toContain('1 รูป');
    expect(json).toContain('ชุมชนสันติสุข');
    expect(json).toContain('2569'); // Buddhist era on the card
    expect(json).toContain('https://www.google.com/maps/search/?api=1&query=7.004860,100.470180');
    for (const label of ['รับเรื่อง', 'กำลังเดินทาง', 'ถึงที่เกิดเหตุ', 'ปิดเรื่อง', 'ไม่พบเหตุ'])
      expect(json).toContain(`"label":"${label}"`);
    expect(json).not.toContain('แจ้งเท็จ');

    const stored = await f.hub.repos.cases.get('HYI-69-000001');
    expect(stored).toMatchObject({
      stationCode: 'HYI',
      zoneId: 'HYI-santisuk',
      inZone: true,
      status: 'new',
      reporterId: SOMCHAI,
      groupId: HYI_GROUP,
    });
    expect(stored!.photos).toHaveLength(1);
    expect(media.files.get(stored!.photos[0]!.token)?.data.length).toBeGreaterThan(0);
    // The card went out as a push with a retry key; nothing to the other station.
    expect(f.emulator.calls({ endpoint: 'push', to: HYI_GROUP })[0]!.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(f.seen(KHH_GROUP).filter((m) => m.type === 'flex')).toHaveLength(0);
  });

  it('when an English visitor reports in the Khlong Hae zone, then the KHH group gets it and the visitor hears English', async () => {
    await report(f, JOHN, {
      category: 'suspicious',
      words: 'A man is trying car doors on this street',
      location: PLACES.khlongHae,
      anonymous: true,
    });
    expect(last(f, JOHN).text).toMatch(
      /^Report sent ✅\nCase number KHH-69-000001\nIt has gone to Khlong Hae Police Station/,
    );
    const card = JSON.stringify(last(f, KHH_GROUP).message);
    expect(card).toContain('บุคคลน่าสงสัย');
    expect(card).toContain('ไม่เปิดเผยชื่อ');
    expect(card).not.toContain('John');
  });

  it('when the place is outside every zone, then the nearest station gets it and the resident is told it is outside the zone', async () => {
    await report(f, SOMCHAI, { location: PLACES.outside });
    expect(last(f, SOMCHAI).text).toContain('อยู่นอกพื้นที่ Smart Safety Zone');
    const c = await f.hub.repos.cases.get('HYI-69-000001');
    expect(c).toMatchObject({ inZone: false, stationCode: 'HYI' });
    expect(JSON.stringify(last(f, HYI_GROUP).message)).toContain('นอกพื้นที่ Smart Safety Zone');
  });

  it('when the resident types "ยกเลิก" halfway, then nothing is sent and the flow ends', async () => {
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=report');
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=cat&v=drugs');
    await f.emulator.driver.text({ userId: SOMCHAI }, 'ยกเลิก');
    await f.settle();
    expect(last(f, SOMCHAI).text).toBe('ยกเลิกการแจ้งเหตุแล้วค่ะ ไม่มีข้อมูลใดถูกส่งออกไป');
    expect(await f.hub.repos.sessions.get(SOMCHAI)).toBeNull();
    expect(await f.hub.repos.cases.byReporter(SOMCHAI)).toHaveLength(0);
  });

  it('when a photo or a pin arrives while words are expected, then it is kept and words are asked for again', async () => {
    const u = { userId: JOHN };
    await f.emulator.driver.postback(u, 'a=report');
    await f.emulator.driver.postback(u, 'a=cat&v=other');
    await f.emulator.driver.image(u);
    await f.emulator.driver.location(u, PLACES.santisuk);
    await f.settle();
    const said = f
      .seen(JOHN)
      .slice(-2)
      .map((m) => m.text);
    expect(said).toEqual([
      'Photo received 📷 Please also describe what happened in a few words.',
      'Location received 📍 Please also describe what happened in a few words.',
    ]);
    await f.emulator.driver.text(u, 'Broken glass everywhere');
    await f.emulator.driver.postback(u, 'a=photos-done');
    await f.settle();
    // The early pin is reused: straight to "show my name?"
    expect(last(f, JOHN).text).toBe('Should the officers see your LINE name?');
    const session = await f.hub.repos.sessions.get(JOHN);
    expect(session?.data).toMatchObject({ description: 'Broken glass everywhere', location: { lat: 7.00486 } });
    expect((session?.data as { photos: unknown[] }).photos).toHaveLength(1);
  });

  it('when a resident who has not consented asks to report, then the privacy notice comes first', async () => {
    const aisyah = uid('f');
    f.emulator.users.add({ userId: aisyah, displayName: 'Aisyah', language: 'ms' });
    await f.emulator.driver.postback({ userId: aisyah }, 'a=report');
    await f.settle();
    const said = f.seen(aisyah);
    expect(said[0]!.text).toContain('persetujuan');
    expect(said[1]!.quickReply).toEqual(['Setuju', 'Tolak']);
  });

  it('when a stranger taps Acknowledge, then it is refused, logged, and the case does not change', async () => {
    await report(f, SOMCHAI);
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: STRANGER },
      'a=case&id=HYI-69-000001&to=acknowledged',
    );
    await f.settle();
    expect(last(f, HYI_GROUP).text).toBe('ขออภัยค่ะ ปุ่มนี้สำหรับเจ้าหน้าที่ของ สถานีตำรวจภูธรหาดใหญ่ ที่ลงทะเบียนแล้วเท่านั้น');
    expect(await f.hub.repos.cases.get('HYI-69-000001')).toMatchObject({ status: 'new', audit: [] });
  });

  it('when an officer of another station taps, then it is refused too', async () => {
    const khhOfficer = uid('9');
    f.emulator.users.add({ userId: khhOfficer, displayName: 'KHH officer', language: 'th' });
    await f.emulator.driver.text(
      { userId: khhOfficer },
      `/bind ${await issueCode(f, { kind: 'officer', stationCode: 'KHH' })}`,
    );
    await report(f, SOMCHAI);
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: khhOfficer },
      'a=case&id=HYI-69-000001&to=acknowledged',
    );
    await f.settle();
    expect(last(f, HYI_GROUP).text).toContain('สำหรับเจ้าหน้าที่ของ สถานีตำรวจภูธรหาดใหญ่');
    expect((await f.hub.repos.cases.get('HYI-69-000001'))!.status).toBe('new');
  });

  it('when LINE sends no userId for a tap (LINE for PC), then the officer is asked to use the phone app and nothing changes', async () => {
    await report(f, SOMCHAI);
    await f.emulator.driver.postback({ groupId: HYI_GROUP }, 'a=case&id=HYI-69-000001&to=acknowledged');
    await f.settle();
    expect(last(f, HYI_GROUP).text).toContain('แอป LINE บนมือถือ');
    expect((await f.hub.repos.cases.get('HYI-69-000001'))!.status).toBe('new');
  });

  it('when an officer walks a case to resolved, then the group sees each step and the reporter hears each in their language', async () => {
    await report(f, JOHN, { location: PLACES.santisuk });
    for (const to of ['acknowledged', 'en_route', 'on_scene', 'resolved']) {
      await f.emulator.driver.postback({ groupId: HYI_GROUP, userId: OFFICER_A }, `a=case&id=HYI-69-000001&to=${to}`);
    }
    await f.settle();
    const group = f
      .seen(HYI_GROUP)
      .slice(-4)
      .map((m) => m.text);
    expect(group[0]).toBe('✅ HYI-69-000001 · รับเรื่องแล้ว โดย ร.ต.อ. อนันต์');
    expect(group[3]).toBe('✔️ HYI-69-000001 · ปิดเรื่องแล้ว โดย ร.ต.อ. อนันต์');
    const john = f
      .seen(JOHN)
      .slice(-4)
      .map((m) => m.text);
    expect(john[0]).toBe(
      'Update on HYI-69-000001: Acknowledged\nOfficer in charge: ร.ต.อ. อนันต์ (Hat Yai Police Station)',
    );
    expect(john[3]).toContain('Resolved');
    const c = await f.hub.repos.cases.get('HYI-69-000001');
    expect(c).toMatchObject({ status: 'resolved', ownerId: OFFICER_A });
    expect(c!.audit.map((a) => `${a.from}>${a.to}`)).toEqual([
      'new>acknowledged',
      'acknowledged>en_route',
      'en_route>on_scene',
      'on_scene>resolved',
    ]);
    expect(c!.audit.every((a) => a.by === OFFICER_A && a.at > 0)).toBe(true);
  });

  it('when a transition is not valid (resolve a new case, move back a step, or anything after resolved), then it is refused with the current state and nothing changes', async () => {
    await report(f, SOMCHAI);
    const tap = (to: string) =>
      f.emulator.driver.postback({ groupId: HYI_GROUP, userId: OFFICER_A }, `a=case&id=HYI-69-000001&to=${to}`);
    const refusal = (status: string) =>
      `ทำรายการนี้ไม่ได้ค่ะ HYI-69-000001 สถานะตอนนี้คือ “${status}”\n(เรื่องใหม่ต้องกด “รับเรื่อง” ก่อน และเรื่องที่ปิดแล้วเปลี่ยนไม่ได้)`;
    await tap('resolved');
    await f.settle();
    expect(last(f, HYI_GROUP).text).toBe(refusal('รอรับเรื่อง'));

    await tap('acknowledged');
    await tap('on_scene');
    await tap('en_route'); // back a step
    await f.settle();
    expect(last(f, HYI_GROUP).text).toBe(refusal('เจ้าหน้าที่ถึงที่เกิดเหตุ'));

    await tap('resolved');
    await f.settle();
    const told = f.seen(SOMCHAI).length;
    for (const to of ['rejected', 'referred', 'acknowledged']) {
      await tap(to);
      await f.settle();
      expect(last(f, HYI_GROUP).text).toBe(refusal('ปิดเรื่องแล้ว'));
    }
    const c = await f.hub.repos.cases.get('HYI-69-000001');
    expect(c!.status).toBe('resolved');
    expect(c!.audit.map((a) => `${a.from}>${a.to}`)).toEqual([
      'new>acknowledged',
      'acknowledged>on_scene',
      'on_scene>resolved',
    ]);
    expect(f.seen(SOMCHAI)).toHaveLength(told); // the reporter hears nothing of the refused taps
  });

  it('when a case is rejected as a duplicate, then the reporter is told and a later Acknowledge is refused', async () => {
    await report(f, SOMCHAI);
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      'a=case&id=HYI-69-000001&to=rejected&r=duplicate',
    );
    await f.settle();
    expect(last(f, HYI_GROUP).text).toContain('ไม่ดำเนินการต่อ');
    expect(last(f, SOMCHAI).text).toContain('มีผู้แจ้งเรื่องเดียวกันไว้แล้ว เจ้าหน้าที่ดำเนินการในเรื่องนั้น');
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      'a=case&id=HYI-69-000001&to=acknowledged',
    );
    await f.settle();
    expect(last(f, HYI_GROUP).text).toContain('ทำรายการนี้ไม่ได้ค่ะ HYI-69-000001 สถานะตอนนี้คือ “ไม่ดำเนินการต่อ”');
    expect(await f.hub.repos.cases.get('HYI-69-000001')).toMatchObject({
      status: 'rejected',
      rejectReason: 'duplicate',
    });
  });

  it('when a second officer taps Acknowledge after the first, then the first keeps the case and the second hears who has it', async () => {
    await report(f, SOMCHAI);
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      'a=case&id=HYI-69-000001&to=acknowledged',
    );
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_B },
      'a=case&id=HYI-69-000001&to=acknowledged',
    );
    await f.settle();
    const c = await f.hub.repos.cases.get('HYI-69-000001');
    expect(c).toMatchObject({ ownerId: OFFICER_A, status: 'acknowledged' });
    expect(c!.audit.filter((a) => a.to === 'acknowledged')).toHaveLength(1);
    const groupTexts = f.seen(HYI_GROUP).map((m) => m.text ?? '');
    expect(groupTexts.filter((t) => t.includes('รับเรื่องแล้ว โดย'))).toEqual([
      '✅ HYI-69-000001 · รับเรื่องแล้ว โดย ร.ต.อ. อนันต์',
    ]);
    expect(last(f, HYI_GROUP).text).toBe('ร.ต.อ. อนันต์ รับเรื่อง HYI-69-000001 ไปแล้วค่ะ');
    expect(f.seen(SOMCHAI).filter((m) => m.text?.includes('รับเรื่องแล้ว'))).toHaveLength(1);
  });

  it('when the resident asks for "my cases", then a carousel shows their cases and states', async () => {
    await report(f, JOHN, { location: PLACES.santisuk });
    await report(f, JOHN, { category: 'noise', location: PLACES.khlongHae });
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      'a=case&id=HYI-69-000001&to=acknowledged',
    );
    await f.emulator.driver.postback({ userId: JOHN }, 'a=my-cases');
    await f.settle();
    const carousel = last(f, JOHN);
    expect(carousel.altText).toBe('Your reported cases (2)');
    const json = JSON.stringify(carousel.message);
    expect(json.indexOf('KHH-69-000001')).toBeLessThan(json.indexOf('HYI-69-000001'));
    expect(json).toContain('Acknowledged');
    expect(json).toContain('Noise / disturbance');
  });

  it('when a pin is sent outside any flow, then the resident hears the zone, the station and its phone', async () => {
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.emulator.driver.location({ userId: JOHN }, PLACES.outside);
    await f.settle();
    expect(last(f, SOMCHAI).text).toBe('📍 จุดนี้อยู่ในพื้นที่ ชุมชนสันติสุข\nดูแลโดย สถานีตำรวจภูธรหาดใหญ่ โทร 074-243-333');
    expect(last(f, SOMCHAI).quickReply?.[0]).toBe('แจ้งเหตุที่นี่');
    expect(last(f, JOHN).text).toMatch(
      /outside the Smart Safety Zone\.\nNearest station: Hat Yai Police Station \(about \d+\.\d km\)/,
    );
  });

  it('when a bind code is used twice, or in the wrong place, then only the first use in the right place binds', async () => {
    const code = await issueCode(f, { kind: 'station', stationCode: 'KHH' });
    const other = gid('3');
    f.emulator.groups.add({ groupId: other, groupName: 'อีกกลุ่ม', memberIds: [STRANGER] });
    await f.emulator.driver.text({ userId: STRANGER }, `/bind ${code}`); // a 1:1 chat: wrong place, not used up
    await f.emulator.driver.text({ groupId: other, userId: STRANGER }, `/bind ${code}`);
    await f.emulator.driver.text({ groupId: KHH_GROUP, userId: STRANGER }, `/bind ${code}`);
    await f.settle();
    // The same answer as for a wrong code: a 1:1 chat must not tell which codes exist.
    expect(last(f, STRANGER).text).toMatch(/^รหัสนี้ใช้ที่นี่ไม่ได้ค่ะ/);
    expect(last(f, other).text).toContain('ผูกกลุ่มนี้กับ สถานีตำรวจภูธรคลองแห');
    expect(last(f, KHH_GROUP).text).toContain('รหัสนี้ใช้ที่นี่ไม่ได้ค่ะ');
    expect(await f.hub.repos.groups.get(other)).toMatchObject({ kind: 'station', stationCode: 'KHH' });
  });

  it('when the admin API is called without the token, then it answers 401 and issues no code', async () => {
    const res = await request(f.hub.app).post('/admin/bind-codes').send({ kind: 'station', stationCode: 'HYI' });
    expect(res.status).toBe(401);
    expect(res.body).not.toHaveProperty('code');
  });

  it('when a bind code is asked for an unknown station, then the admin API answers 400 naming it', async () => {
    const unknown = await request(f.hub.app)
      .post('/admin/bind-codes')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ kind: 'station', stationCode: 'NOPE' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('unknown station NOPE');
  });

  it('when a GeoJSON upload has one bad feature, then the admin API imports nothing and names the feature', async () => {
    const good = {
      type: 'Feature',
      properties: { id: 'HYI-new', stationCode: 'HYI', name_th: 'ใหม่', name_en: 'New', name_ms: 'Baru' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [100.45, 7.0],
            [100.46, 7.0],
            [100.46, 7.01],
            [100.45, 7.01],
            [100.45, 7.0],
          ],
        ],
      },
    };
    const bowTie = {
      type: 'Feature',
      properties: { id: 'HYI-bowtie', stationCode: 'HYI', name_th: 'ผิด', name_en: 'Bad', name_ms: 'Salah' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [100.45, 7.0],
            [100.46, 7.01],
            [100.46, 7.0],
            [100.45, 7.01],
            [100.45, 7.0],
          ],
        ],
      },
    };
    const res = await request(f.hub.app)
      .post('/admin/zones')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ type: 'FeatureCollection', features: [good, bowTie] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ feature: 'HYI-bowtie', message: expect.stringContaining('self-intersects') }),
    ]);
    expect(await f.hub.repos.zones.get('HYI-new')).toBeNull();
    const ok = await request(f.hub.app)
      .post('/admin/zones')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ type: 'FeatureCollection', features: [good] });
    expect(ok.body).toEqual({ imported: 1 });
    expect(f.hub.directory.lookup({ lat: 7.005, lng: 100.455 }).zones[0]?._id).toBe('HYI-new');
  });

  it('when a month of pushes is counted, then admins see group pushes counted per member', async () => {
    await report(f, SOMCHAI);
    await f.settle();
    const res = await request(f.hub.app).get('/admin/quota').set('authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.body.line.quota).toEqual({ type: 'none' });
    // One push so far, the case card, to the HYI group: its 3 members count as 3 messages.
    expect(res.body.counted).toMatchObject({ groupPushes: 1, recipients: 3, userPushes: 0 });
  });
});

describe('reports: expiry, typed addresses and codes over time', () => {
  it('when a report is left idle for 30 minutes, then the next message hears that it expired and was not sent', async () => {
    const f = await startHub({ seed: true, clock: 'manual' });
    try {
      f.emulator.users.add({ userId: SOMCHAI, displayName: 'สมชาย', language: 'th' });
      await f.emulator.driver.follow(SOMCHAI);
      await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=consent&v=accept');
      await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=report');
      await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=cat&v=theft');
      await f.settle();
      (f.clock as ManualClock).advance(31 * 60_000);
      await f.emulator.driver.text({ userId: SOMCHAI }, 'รถหาย');
      await f.settle();
      expect(last(f, SOMCHAI).text).toContain('หมดเวลาแล้ว (30 นาที) และไม่ได้ถูกส่ง');
      expect(await f.hub.repos.sessions.get(SOMCHAI)).toBeNull();
      expect(await f.hub.repos.cases.byReporter(SOMCHAI)).toHaveLength(0);
    } finally {
      await f.close();
    }
  });

  it('when a bind code is older than its lifetime, then it no longer binds', async () => {
    const f = await startHub({ seed: true, clock: 'manual' });
    try {
      const code = await issueCode(f, { kind: 'station', stationCode: 'HYI', ttlMinutes: 10 });
      (f.clock as ManualClock).advance(11 * 60_000);
      f.emulator.groups.add({ groupId: HYI_GROUP, groupName: 'สภ.หาดใหญ่', memberIds: [OFFICER_A] });
      await f.emulator.driver.text({ groupId: HYI_GROUP, userId: OFFICER_A }, `/bind ${code}`);
      await f.settle();
      expect(last(f, HYI_GROUP).text).toContain('รหัสนี้ใช้ที่นี่ไม่ได้ค่ะ');
      expect(await f.hub.repos.groups.stationGroup('HYI')).toBeNull();
    } finally {
      await f.close();
    }
  });

  it('when a typed address is given with a Maps key, then it is geocoded (fake Maps) and the card shows the Thai address', async () => {
    const f = await startHubWithMaps({ seed: true });
    const maps = f.maps;
    try {
      await setUpCity(f);
      const u = { userId: SOMCHAI };
      await f.emulator.driver.postback(u, 'a=report');
      await f.emulator.driver.postback(u, 'a=cat&v=theft');
      await f.emulator.driver.text(u, 'กระเป๋าถูกกระชาก');
      await f.emulator.driver.postback(u, 'a=photos-done');
      await f.emulator.driver.text(u, 'ตลาดกิมหยง');
      await f.emulator.driver.postback(u, 'a=anon&v=no');
      await f.emulator.driver.postback(u, 'a=report-confirm');
      await f.settle();
      const c = (await f.hub.repos.cases.byReporter(SOMCHAI))[0]!;
      expect(c.location).toMatchObject({ source: 'typed', typed: 'ตลาดกิมหยง' });
      expect(Math.abs(c.location.lat - 7.0069)).toBeLessThan(0.001);
      expect(c.location.geocodedAddress).toBeTruthy();
      expect(JSON.stringify(last(f, HYI_GROUP).message)).toContain(c.location.geocodedAddress!);
      expect(maps.calls.some((call) => call.query.address === 'ตลาดกิมหยง')).toBe(true);
    } finally {
      await f.close();
    }
  });

  it('when a typed address is given without a Maps key, then the resident is asked for a pin and the hub carries on', async () => {
    const f = await startHub({ seed: true });
    try {
      await setUpCity(f);
      const u = { userId: JOHN };
      await f.emulator.driver.postback(u, 'a=report');
      await f.emulator.driver.postback(u, 'a=cat&v=theft');
      await f.emulator.driver.text(u, 'Bag snatched');
      await f.emulator.driver.postback(u, 'a=photos-done');
      await f.emulator.driver.text(u, 'Kim Yong market');
      await f.settle();
      expect(last(f, JOHN).text).toContain("We can't look up typed addresses right now");
      await f.emulator.driver.location(u, PLACES.santisuk);
      await f.emulator.driver.postback(u, 'a=anon&v=no');
      await f.emulator.driver.postback(u, 'a=report-confirm');
      await f.settle();
      expect(last(f, JOHN).text).toContain('HYI-69-000001');
      expect(JSON.stringify(last(f, HYI_GROUP).message)).toContain('ซอยสันติสุข หาดใหญ่'); // LINE's own address
    } finally {
      await f.close();
    }
  });
});

describe('case and SOS numbers across the new year in Bangkok', () => {
  // 31 December 2569, 23:59:30 in Bangkok is still 16:59:30 UTC: the year in the number is Bangkok's.
  const LAST_SECONDS_OF_2569 = Date.UTC(2026, 11, 31, 16, 59, 30);

  it('when one report is filed before midnight of 31 December in Bangkok and one after, then the second starts the new year at 000001', async () => {
    const clock = new ManualClock(LAST_SECONDS_OF_2569);
    const f = await startHub({ seed: true, clock });
    try {
      await setUpCity(f);
      await report(f, SOMCHAI);
      await report(f, JOHN);
      clock.advance(60_000); // 00:00:30 on 1 January 2570 in Bangkok; still 31 December in UTC
      expect(new Date(clock.now()).getUTCFullYear()).toBe(2026);
      await report(f, SOMCHAI);
      await f.emulator.driver.text({ userId: JOHN }, 'SOS');
      await f.settle();
      const ids = [...(await f.hub.repos.cases.byReporter(SOMCHAI)), ...(await f.hub.repos.cases.byReporter(JOHN))]
        .map((c) => c._id)
        .sort();
      expect(ids).toEqual(['HYI-69-000001', 'HYI-69-000002', 'HYI-70-000001']);
      expect(last(f, SOMCHAI).text).toContain('HYI-70-000001');
      expect((await f.hub.repos.alerts.openFor(JOHN))?._id).toMatch(/^SOS-\w+-70-000001$/);
    } finally {
      await f.close();
    }
  });
});
