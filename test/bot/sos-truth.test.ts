// What a person in an SOS is told must be what really happened: what they send reaches the officers
// who hold the alert, each rung of the ladder says what it did, and pressing SOS again says where the
// alert stands. The emulator shows what was delivered, so each test checks the words against it.
import request from 'supertest';
import type { ManualClock } from '../../src/util/clock';
import {
  HYI_GROUP,
  JOHN,
  KHH_GROUP,
  OFFICER_A,
  OFFICER_B,
  SOMCHAI,
  issueCode,
  setUpCity,
  sosWithPin,
} from '../support/city';
import { ADMIN_TOKEN, PLACES, gid, startHub, uid, type FixtureOptions, type HubFixture } from '../support/hub-fixture';
import { captureLog } from '../support/log-capture';
import { fileReport } from '../support/report';

const COMMAND_CENTRE = gid('9');
const PUBLIC_BASE = 'https://hub.example.test';
const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
const texts = (f: HubFixture, chat: string) => f.seen(chat).map((m) => m.text ?? m.altText ?? `[${m.type}]`);
const sosCards = (f: HubFixture, chat: string) =>
  f.seen(chat).filter((m) => m.type === 'flex' && m.altText?.includes('SOS'));

/** Hat Yai and Khlong Hae with their groups bound, both HYI officers on duty, residents who consented. */
async function city(options: FixtureOptions = {}): Promise<HubFixture> {
  const f = await startHub({ seed: true, ...options });
  if (options.commandCentreGroupId)
    f.emulator.groups.add({ groupId: options.commandCentreGroupId, groupName: 'ศูนย์วิทยุ 191', memberIds: [OFFICER_A] });
  await setUpCity(f);
  for (const officer of [OFFICER_A, OFFICER_B]) await f.emulator.driver.text({ userId: officer }, '/duty on');
  await f.settle();
  return f;
}

/** A message event LINE sends for a video or a voice message (the driver has no helper for them). */
function mediaEvent(f: HubFixture, userId: string, type: 'video' | 'audio', messageId: string, eventId: string) {
  // The first box of an MP4 (brand mp42) or of LINE's M4A voice message, then some bytes.
  const brand = type === 'video' ? 'mp42' : 'M4A ';
  const bytes = Buffer.concat([
    Buffer.from([0, 0, 0, 0x20]),
    Buffer.from(`ftyp${brand}`, 'latin1'),
    Buffer.alloc(64, 7),
  ]);
  f.emulator.content.put(messageId, bytes, type === 'video' ? 'video/mp4' : 'audio/m4a');
  return {
    type: 'message',
    source: { type: 'user', userId },
    timestamp: f.clock.now(),
    mode: 'active',
    webhookEventId: eventId,
    deliveryContext: { isRedelivery: false },
    replyToken: eventId.toLowerCase().padEnd(32, '0'),
    message: { id: messageId, type, duration: 8_000, contentProvider: { type: 'line' } },
  };
}

describe('what a person sends during an open SOS', () => {
  let f: HubFixture;
  afterEach(async () => {
    await f.close();
  });

  it('when a person with an open SOS types what is happening and sends a photo, then the station group and the on-duty officers get both, the person is told so, and the alert keeps them', async () => {
    f = await city({ publicBaseUrl: PUBLIC_BASE });
    await sosWithPin(f, SOMCHAI);
    await f.emulator.driver.text({ userId: SOMCHAI }, 'มีผู้ชายถือมีดอยู่หน้าบ้าน');
    await f.settle();
    expect(last(f, SOMCHAI).text).toBe('📨 ส่งข้อความของคุณให้เจ้าหน้าที่แล้วค่ะ');
    for (const holder of [HYI_GROUP, OFFICER_A, OFFICER_B]) {
      expect(last(f, holder).text).toBe('💬 SOS-HYI-69-000001 ผู้แจ้งพิมพ์มา (25 พ.ย. 2569 20:00):\nมีผู้ชายถือมีดอยู่หน้าบ้าน');
    }

    await f.emulator.driver.image({ userId: SOMCHAI });
    await f.settle();
    expect(last(f, SOMCHAI).text).toBe('📷 ส่งรูปของคุณให้เจ้าหน้าที่แล้วค่ะ');
    const alert = (await f.hub.repos.alerts.get('SOS-HYI-69-000001'))!;
    expect(alert.messages!.map((m) => m.type)).toEqual(['text', 'image']);
    const token = alert.messages![1]!.media!.token;
    for (const holder of [HYI_GROUP, OFFICER_A, OFFICER_B]) {
      const [header, photo] = f.seen(holder).slice(-2);
      expect(header!.text).toBe('📷 SOS-HYI-69-000001 ผู้แจ้งส่งรูปมา (25 พ.ย. 2569 20:00)');
      expect(photo!.message).toMatchObject({
        type: 'image',
        originalContentUrl: `${PUBLIC_BASE}/media/${token}`,
        previewImageUrl: `${PUBLIC_BASE}/media/${token}`,
      });
    }
    // The URL LINE is given serves the photo the person sent.
    const served = await request(f.hub.app).get(`/media/${token}`).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    // Nobody was told "sorry, I didn't understand".
    expect(texts(f, SOMCHAI).some((t) => t.includes('ยังไม่เข้าใจ') || t.includes('ยังรับข้อความแบบนี้ไม่ได้'))).toBe(false);
  });

  it('when the hub has no public URL, then a photo is kept with the alert, the officers are told one came, and the person hears exactly that', async () => {
    f = await city();
    await sosWithPin(f, JOHN);
    await f.emulator.driver.image({ userId: JOHN });
    await f.settle();
    expect(last(f, JOHN).text).toBe(
      '📷 Your photo is saved with your SOS, and the officers have been told you sent one (the photo itself cannot be shown in their chat yet).\nIf you can, please also type what you see.',
    );
    expect(last(f, HYI_GROUP).text).toContain('📷 SOS-HYI-69-000001 ผู้แจ้งส่งรูปมา');
    expect(last(f, HYI_GROUP).text).toContain('ระบบเก็บรูปไว้กับเรื่องนี้แล้ว');
    // No image message went anywhere: nothing pretends the photo was shown.
    for (const chat of [HYI_GROUP, OFFICER_A, OFFICER_B])
      expect(f.seen(chat).some((m) => m.type === 'image')).toBe(false);
    const alert = await request(f.hub.app)
      .get('/admin/alerts/SOS-HYI-69-000001')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);
    expect(alert.body.messages).toEqual([
      expect.objectContaining({ type: 'image', media: expect.objectContaining({ token: expect.any(String) }) }),
    ]);
  });

  it('when a person sends a video and a voice message during an SOS, then they go on as a video (with a preview image) and an audio message', async () => {
    f = await city({ publicBaseUrl: PUBLIC_BASE });
    await sosWithPin(f, SOMCHAI);
    await f.emulator.driver.send([mediaEvent(f, SOMCHAI, 'video', '700000000000001', '01JZZZZZZZZZZZZZZZZZZZZZV1')]);
    await f.settle();
    expect(last(f, SOMCHAI).text).toBe('🎥 ส่งวิดีโอของคุณให้เจ้าหน้าที่แล้วค่ะ');
    expect(last(f, HYI_GROUP).message).toMatchObject({
      type: 'video',
      originalContentUrl: expect.stringMatching(/^https:\/\/hub\.example\.test\/media\/[0-9a-f]{32}$/),
      previewImageUrl: `${PUBLIC_BASE}/media/preview/video.png`,
    });
    await request(f.hub.app).get('/media/preview/video.png').expect(200).expect('content-type', 'image/png');
    // LINE fetches the file from the hub: it must come as mp4 for LINE to play it.
    const video = new URL(String(last(f, HYI_GROUP).message.originalContentUrl)).pathname;
    await request(f.hub.app).get(video).expect(200).expect('content-type', 'video/mp4');
    await f.emulator.driver.send([mediaEvent(f, SOMCHAI, 'audio', '700000000000002', '01JZZZZZZZZZZZZZZZZZZZZZA1')]);
    await f.settle();
    expect(last(f, SOMCHAI).text).toBe('🎙️ ส่งข้อความเสียงของคุณให้เจ้าหน้าที่แล้วค่ะ');
    expect(last(f, OFFICER_A).message).toMatchObject({ type: 'audio', duration: 8_000 });
    const audio = new URL(String(last(f, OFFICER_A).message.originalContentUrl)).pathname;
    await request(f.hub.app).get(audio).expect(200).expect('content-type', 'audio/mp4');
  });

  it('when a person sends a sticker during an SOS, then they are told it cannot be passed on, and what can', async () => {
    f = await city();
    await sosWithPin(f, JOHN);
    const before = f.seen(HYI_GROUP).length;
    await f.emulator.driver.sticker({ userId: JOHN });
    await f.settle();
    expect(last(f, JOHN).text).toContain('This kind of message cannot be passed to the officers.');
    expect(f.seen(HYI_GROUP)).toHaveLength(before);
  });

  it('when the SOS reached nobody, then what the person types is kept and they are told it has not reached an officer', async () => {
    f = await startHub({ seed: true }); // no group bound, no command centre, no officer
    f.emulator.users.add({ userId: SOMCHAI, displayName: 'สมชาย', language: 'th' });
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.emulator.driver.text({ userId: SOMCHAI }, 'มีคนพยายามเข้าบ้าน');
    await f.settle();
    expect(last(f, SOMCHAI).text).toBe(
      'บันทึกสิ่งที่คุณส่งไว้กับเรื่องฉุกเฉินของคุณแล้ว แต่ตอนนี้ยังส่งถึงเจ้าหน้าที่ไม่ได้ค่ะ\n📞 กรุณาโทร 191 ทันที',
    );
    expect((await f.hub.repos.alerts.openFor(SOMCHAI))!.messages).toEqual([
      expect.objectContaining({ type: 'text', text: 'มีคนพยายามเข้าบ้าน' }),
    ]);
    expect(f.emulator.calls({ endpoint: 'push' }).filter((c) => c.status === 200)).toHaveLength(0);
  });
});

describe('the SOS ladder says what each rung did', () => {
  let f: HubFixture;
  let clock: ManualClock;
  const tick = async (minutes: number) => {
    clock.advance(minutes * 60_000);
    await f.hub.scheduler.escalationTick();
    await f.settle();
  };
  afterEach(async () => {
    await f.close();
  });

  it('when no command centre is configured, then at 5 minutes the person is not told one was alerted, and the station group is alerted again', async () => {
    const log = captureLog();
    f = await city({ clock: 'manual', logger: log.logger });
    clock = f.clock as ManualClock;
    await sosWithPin(f, SOMCHAI);
    expect(last(f, SOMCHAI).text).toContain('ถ้าไม่มีผู้ตอบรับภายใน 2 นาที ระบบจะแจ้งเตือนเจ้าหน้าที่ซ้ำให้อัตโนมัติค่ะ');
    await tick(2.1);
    expect(last(f, SOMCHAI).text).toBe('⏳ ยังไม่มีเจ้าหน้าที่ตอบรับ เราแจ้งเตือนเจ้าหน้าที่ซ้ำแล้วค่ะ\n📞 ถ้าโทรได้ โทร 191 ทันที');
    await tick(3);
    expect(last(f, SOMCHAI).text).toBe('⏳ ยังไม่มีเจ้าหน้าที่ตอบรับ เราแจ้งเตือนเจ้าหน้าที่ซ้ำแล้วค่ะ\n📞 ถ้าโทรได้ โทร 191 ทันที');
    expect(texts(f, SOMCHAI).some((t) => t.includes('ศูนย์วิทยุ'))).toBe(false);
    // What really happened: the HYI group got the alert three times, nobody else got it at all.
    expect(sosCards(f, HYI_GROUP).map((m) => m.altText!.split(' SOS-')[0])).toEqual([
      '🆘 SOS ฉุกเฉิน',
      '⚠️ SOS ยังไม่มีผู้รับเรื่อง (ผ่านไป 2 นาที)',
      '⚠️ SOS ยังไม่มีผู้รับเรื่อง (ผ่านไป 5 นาที)',
    ]);
    expect(sosCards(f, KHH_GROUP)).toHaveLength(0);
    expect(log.lines.filter((l) => l.alert === 'sos_no_escalation_group')).toHaveLength(1);
  });

  it('when a command centre is configured, then at 5 minutes it gets the escalation and the person is told it was alerted', async () => {
    f = await city({ clock: 'manual', commandCentreGroupId: COMMAND_CENTRE });
    clock = f.clock as ManualClock;
    await sosWithPin(f, SOMCHAI);
    await tick(2.1);
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(0);
    await tick(3);
    expect(sosCards(f, COMMAND_CENTRE).map((m) => m.altText)).toEqual([
      expect.stringContaining('🚨 SOS จาก สถานีตำรวจภูธรหาดใหญ่: ไม่มีผู้รับเรื่องเกิน 5 นาที'),
    ]);
    expect(last(f, SOMCHAI).text).toBe('⏳ ยังไม่มีเจ้าหน้าที่ตอบรับ เราแจ้งศูนย์วิทยุตำรวจเพิ่มแล้วค่ะ\n📞 ถ้าโทรได้ โทร 191 ทันที');
  });

  it('when an SOS without a pin goes to the command centre, then the person is told that, and the centre is alerted again, never "escalated from" itself', async () => {
    f = await city({ clock: 'manual', commandCentreGroupId: COMMAND_CENTRE });
    clock = f.clock as ManualClock;
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.settle();
    const first = last(f, JOHN).text!;
    expect(first).toContain('🆘 Your SOS has been sent to: Police command centre.');
    expect(first).toContain('If no one responds within 2 minutes, we will alert the officers again automatically.');
    expect(first).not.toMatch(/every officer of the station|command centre too/);
    await tick(2.1);
    await tick(3);
    expect(sosCards(f, COMMAND_CENTRE).map((m) => m.altText!.split(' SOS-')[0])).toEqual([
      '🆘 SOS ฉุกเฉิน',
      '⚠️ SOS ยังไม่มีผู้รับเรื่อง (ผ่านไป 2 นาที)',
      '⚠️ SOS ยังไม่มีผู้รับเรื่อง (ผ่านไป 5 นาที)',
    ]);
    expect(texts(f, COMMAND_CENTRE).some((t) => t.includes('SOS จาก'))).toBe(false);
    const ladder = texts(f, JOHN).slice(-2);
    expect(ladder).toEqual([
      '⏳ No officer has responded yet, so we have alerted the officers again.\n📞 If you can, call 191 now.',
      '⏳ No officer has responded yet, so we have alerted the officers again.\n📞 If you can, call 191 now.',
    ]);
  });

  it('when a station\'s ladder starts at half a minute, then the person hears it in seconds, not "0.5 นาที"', async () => {
    f = await city({ clock: 'manual' });
    clock = f.clock as ManualClock;
    const station = (await f.hub.repos.stations.get('HYI'))!;
    await request(f.hub.app)
      .put('/admin/stations/HYI')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: station.name, phone: station.phone, location: station.location, sosLadderMinutes: [0.5, 3] })
      .expect(200);
    await sosWithPin(f, SOMCHAI);
    expect(last(f, SOMCHAI).text).toContain('ถ้าไม่มีผู้ตอบรับภายใน 30 วินาที');
    await tick(0.6);
    expect(sosCards(f, HYI_GROUP).at(-1)!.altText).toContain('⚠️ SOS ยังไม่มีผู้รับเรื่อง (ผ่านไป 30 วินาที)');
  });
});

describe('pressing SOS again', () => {
  it('when an officer has acknowledged and the person presses SOS again, then they are told who is handling it, not that officers are being alerted', async () => {
    const f = await city();
    try {
      await sosWithPin(f, SOMCHAI);
      await f.emulator.driver.postback(
        { groupId: HYI_GROUP, userId: OFFICER_A },
        'a=sos-act&id=SOS-HYI-69-000001&to=acknowledged',
      );
      await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
      await f.settle();
      const said = last(f, SOMCHAI).text!;
      expect(said).toContain('เราได้รับ SOS ของคุณแล้ว และเจ้าหน้าที่ ร.ต.อ. อนันต์ กำลังดำเนินการอยู่ค่ะ (SOS-HYI-69-000001)');
      expect(said).not.toContain('กำลังรอ');
      // True to the record: one alert, acknowledged by that officer, no new card.
      expect(await f.hub.repos.alerts.get('SOS-HYI-69-000001')).toMatchObject({
        status: 'acknowledged',
        ownerId: OFFICER_A,
      });
      expect(sosCards(f, HYI_GROUP)).toHaveLength(1);
    } finally {
      await f.close();
    }
  });
});

describe('updates in the language the person reads now', () => {
  it('when a person switched to Malay after filing a report and pressing SOS, then the next case update and SOS update come in Malay', async () => {
    const f = await city();
    try {
      const d = f.emulator.driver;
      const u = { userId: JOHN };
      await fileReport(f, JOHN, { words: 'My bag was snatched by a man on a red motorbike' });
      await d.postback(u, 'a=sos');
      await f.settle();
      expect(last(f, JOHN).text).toContain('Your SOS and the last location you sent have gone to');
      await d.postback(u, 'a=lang&v=ms');
      await f.settle();

      await d.postback({ groupId: HYI_GROUP, userId: OFFICER_A }, 'a=case&id=HYI-69-000001&to=acknowledged');
      await f.settle();
      expect(last(f, JOHN).text).toBe(
        'Kemas kini HYI-69-000001: Diterima\nPegawai bertanggungjawab: ร.ต.อ. อนันต์ (Balai Polis Hat Yai)',
      );
      await d.postback({ groupId: HYI_GROUP, userId: OFFICER_B }, 'a=sos-act&id=SOS-HYI-69-000001&to=acknowledged');
      await f.settle();
      expect(last(f, JOHN).text).toBe('👮 Pegawai ด.ต. บุญมี (Balai Polis Hat Yai) sedang membantu anda.');
      // The records still say English: the language is read when the message is sent, not stored with it.
      expect((await f.hub.repos.cases.get('HYI-69-000001'))!.reporterLanguage).toBe('en');
      expect((await f.hub.repos.alerts.get('SOS-HYI-69-000001'))!.lang).toBe('en');
    } finally {
      await f.close();
    }
  });

  it('when an officer chose English, then their own push of an SOS is in English while the group and the Thai officer read Thai, each sent once', async () => {
    const f = await city();
    try {
      await f.emulator.driver.postback({ userId: OFFICER_B }, 'a=lang&v=en');
      await sosWithPin(f, SOMCHAI);
      expect(f.seen(OFFICER_B).at(-2)!.text).toBe(
        '🆘 SOS-HYI-69-000001 · Hat Yai Police Station\nTap "Acknowledge" on the card below.',
      );
      expect(sosCards(f, OFFICER_B).at(-1)!.altText).toMatch(/^🆘 SOS emergency SOS-HYI-69-000001/);
      expect(f.seen(OFFICER_A).at(-2)!.text).toBe(
        '🆘 SOS-HYI-69-000001 · สถานีตำรวจภูธรหาดใหญ่\nกด “รับเรื่อง” ที่การ์ดด้านล่างได้เลยค่ะ',
      );
      expect(sosCards(f, HYI_GROUP).at(-1)!.altText).toMatch(/^🆘 SOS ฉุกเฉิน SOS-HYI-69-000001/);
      const multicasts = f.emulator.calls({ endpoint: 'multicast' }).filter((c) => c.status === 200);
      expect(multicasts.map((c) => (c.body as { to: string[] }).to)).toEqual([[OFFICER_A], [OFFICER_B]]);
    } finally {
      await f.close();
    }
  });
});

describe('officers in their own chat', () => {
  // A LINE id (U + 32 hex): the webhook refuses others.
  const KHH_OFFICER = uid('7');
  let f: HubFixture;
  let log: ReturnType<typeof captureLog>;
  beforeEach(async () => {
    log = captureLog();
    f = await city({ logger: log.logger });
    f.emulator.users.add({ userId: KHH_OFFICER, displayName: 'ส.ต.ต. คลองแห', language: 'th' });
    await f.emulator.driver.text(
      { userId: KHH_OFFICER },
      `/bind ${await issueCode(f, { kind: 'officer', stationCode: 'KHH' })}`,
    );
    await sosWithPin(f, SOMCHAI);
  });
  afterEach(async () => {
    await f.close();
  });

  const tap = (userId: string) =>
    f.emulator.driver.postback({ userId }, 'a=sos-act&id=SOS-HYI-69-000001&to=acknowledged');
  const refusals = (userId: string) =>
    log.lines.filter((l) => l.security === 'officer_action_refused' && l.userId === userId);

  it('when an HYI officer taps Acknowledge on the SOS card pushed to their chat, then it works there, and the group and the person hear it', async () => {
    const card = sosCards(f, OFFICER_A).at(-1)!;
    expect(JSON.stringify(card.message)).toContain('a=sos-act&id=SOS-HYI-69-000001&to=acknowledged');
    await tap(OFFICER_A);
    await f.settle();
    expect(last(f, OFFICER_A).text).toMatch(
      /^👮 SOS-HYI-69-000001 · รับเรื่องแล้ว โดย ร\.ต\.อ\. อนันต์ \(ตอบรับใน \d+ วินาที\)$/,
    );
    expect(last(f, HYI_GROUP).text).toMatch(/^👮 SOS-HYI-69-000001 · รับเรื่องแล้ว โดย ร\.ต\.อ\. อนันต์/);
    expect(last(f, SOMCHAI).text).toBe('👮 เจ้าหน้าที่ ร.ต.อ. อนันต์ (สถานีตำรวจภูธรหาดใหญ่) รับเรื่องแล้ว กำลังช่วยเหลือคุณค่ะ');
    expect(await f.hub.repos.alerts.get('SOS-HYI-69-000001')).toMatchObject({
      status: 'acknowledged',
      ownerId: OFFICER_A,
    });
    expect(texts(f, OFFICER_A).some((t) => t.includes('มีอะไรให้ช่วย') || t.includes('ต้องการให้ช่วยเรื่องไหน'))).toBe(false);
  });

  it("when another station's officer or a resident taps it in their chat, then it is refused, logged, and the alert is untouched", async () => {
    await tap(KHH_OFFICER);
    await f.settle();
    expect(last(f, KHH_OFFICER).text).toBe('ขออภัยค่ะ ปุ่มนี้สำหรับเจ้าหน้าที่ของ สถานีตำรวจภูธรหาดใหญ่ ที่ลงทะเบียนแล้วเท่านั้น');
    expect(refusals(KHH_OFFICER)).toEqual([expect.objectContaining({ alertId: 'SOS-HYI-69-000001', station: 'KHH' })]);
    await tap(JOHN);
    await f.settle();
    expect(last(f, JOHN).text).toBe('Sorry, this button is only for registered officers of Hat Yai Police Station.');
    expect(refusals(JOHN)).toEqual([expect.objectContaining({ alertId: 'SOS-HYI-69-000001', role: 'resident' })]);
    expect(await f.hub.repos.alerts.get('SOS-HYI-69-000001')).toMatchObject({ status: 'new' });
    expect(last(f, SOMCHAI).text).not.toContain('👮');
  });

  it('when a registered officer types "help" in their chat, then they get the officer commands with SOS one tap away, and /name sets the name residents read', async () => {
    await f.emulator.driver.text({ userId: OFFICER_A }, 'help');
    await f.settle();
    const help = last(f, OFFICER_A);
    expect(help.text).toContain('👮 คำสั่งสำหรับเจ้าหน้าที่ สถานีตำรวจภูธรหาดใหญ่');
    expect(help.text).toContain('• /duty on เข้าเวร รับแจ้ง SOS ทางแชตนี้');
    expect(help.text).toContain('• /duty off ออกเวร');
    expect(help.text).toContain('สถานะตอนนี้: เข้าเวร');
    expect(help.message.quickReply.items.map((i: any) => i.action)).toEqual([
      expect.objectContaining({ type: 'postback', data: 'a=sos' }),
      expect.objectContaining({ type: 'message', text: '/duty off' }),
      expect.objectContaining({ type: 'uri', uri: 'tel:191' }),
    ]);

    await f.emulator.driver.text({ userId: OFFICER_A }, '/name ร.ต.อ. อนันต์ รักษาดี');
    await tap(OFFICER_A);
    await f.settle();
    expect(texts(f, OFFICER_A)).toContain('บันทึกชื่อเรียบร้อยแล้วค่ะ ประชาชนและกลุ่มสถานีจะเห็นชื่อ “ร.ต.อ. อนันต์ รักษาดี”');
    expect(last(f, SOMCHAI).text).toContain('เจ้าหน้าที่ ร.ต.อ. อนันต์ รักษาดี (สถานีตำรวจภูธรหาดใหญ่) รับเรื่องแล้ว');
  });

  it('when a resident types "help", then they still get the emergency question, not the officer commands', async () => {
    await f.emulator.driver.text({ userId: JOHN }, 'help');
    await f.settle();
    expect(last(f, JOHN).text).toContain('Do you need emergency help right now?');
  });
});

describe('a person who declined the privacy notice', () => {
  it('when they send a pin outside an SOS, then they get the zone answer and the pin is not stored; during an SOS the alert alone keeps it', async () => {
    const f = await city();
    try {
      const declined = uid('7');
      f.emulator.users.add({ userId: declined, displayName: 'Secret', language: 'en' });
      await f.emulator.driver.follow(declined);
      await f.emulator.driver.postback({ userId: declined }, 'a=consent&v=decline');
      await f.emulator.driver.location({ userId: declined }, PLACES.santisuk);
      await f.settle();
      expect(last(f, declined).text).toContain('Santisuk');
      expect(await f.hub.repos.pins.recent(declined, f.clock.now(), 60 * 60_000)).toBeNull();

      await f.emulator.driver.postback({ userId: declined }, 'a=sos');
      await f.emulator.driver.location({ userId: declined }, PLACES.khlongHae);
      await f.settle();
      expect(last(f, declined).text).toContain('Your location has been passed to the officers');
      expect(await f.hub.repos.pins.recent(declined, f.clock.now(), 60 * 60_000)).toBeNull();
      const alert = (await f.hub.repos.alerts.openFor(declined))!;
      expect(alert.positions.map((p) => p.lat)).toEqual([PLACES.khlongHae.latitude]);
      expect(alert).not.toHaveProperty('userName');
    } finally {
      await f.close();
    }
  });
});
