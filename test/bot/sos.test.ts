import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Scheduler } from '../../src/entry-points/scheduler';
import { silentLogger } from '../../src/logger';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import type { ManualClock } from '../../src/util/clock';
import {
  HYI_GROUP,
  JOHN,
  KHH_GROUP,
  OFFICER_A,
  OFFICER_B,
  SOMCHAI,
  STRANGER,
  escalateTo,
  setUpCity,
  sosWithPin,
} from '../support/city';
import { PLACES, gid, startHub, uid, type HubFixture } from '../support/hub-fixture';

const COMMAND_CENTRE = gid('9');
const PROVINCE = gid('8');
const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
const sosCards = (f: HubFixture, chat: string) =>
  f.seen(chat).filter((m) => m.type === 'flex' && m.altText?.includes('SOS'));

async function city(options: Parameters<typeof startHub>[0] = {}): Promise<HubFixture> {
  const f = await startHub({ seed: true, commandCentreGroupId: COMMAND_CENTRE, ...options });
  f.emulator.groups.add({ groupId: COMMAND_CENTRE, groupName: 'ศูนย์วิทยุ 191 สงขลา', memberIds: [OFFICER_A] });
  f.emulator.groups.add({ groupId: PROVINCE, groupName: 'ภ.จว.สงขลา', memberIds: [OFFICER_A, OFFICER_B] });
  await setUpCity(f);
  // HYI escalates to the provincial group; the default ladder is 2 and 5 minutes.
  await escalateTo(f, 'HYI', PROVINCE);
  return f;
}

describe('SOS when LINE is slow to give a profile', () => {
  let f: HubFixture;
  beforeEach(async () => {
    // A LINE timeout longer than the hang, so only the sender's own bound can let the alert go.
    f = await city({ lineTimeoutMs: 10_000 });
  });
  afterEach(async () => {
    await f.close();
  });

  it('when a first-time user presses SOS while the profile API hangs, then the alert goes out without waiting for it, and the answer is in Thai with a line of English and of Malay under it', async () => {
    const stranger = uid('6');
    f.emulator.users.add({ userId: stranger, displayName: 'Stranger', language: 'en' });
    f.emulator.faults.inject({ count: 1, status: 500, endpoint: 'profile', delayMs: 6_000 });
    await f.emulator.driver.postback({ userId: stranger }, 'a=sos');
    for (let i = 0; i < 400 && sosCards(f, COMMAND_CENTRE).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(1);
    // The profile call is recorded when it is answered: it is still hanging.
    expect(f.emulator.calls({ endpoint: 'profile' }).filter((c) => c.path.includes(stranger))).toHaveLength(0);
    await f.settle();
    const answer = (last(f, stranger).text ?? '').split('\n');
    expect(answer[0]).toContain('แจ้งเหตุฉุกเฉินถึง ศูนย์วิทยุตำรวจ แล้วค่ะ');
    expect(answer.slice(-2)).toEqual([
      '🆘 SOS received and passed to the police. If you can, call 191 now (Tourist Police, English: 1155).',
      '🆘 SOS diterima dan telah disampaikan kepada polis. Jika boleh, hubungi 191 sekarang.',
    ]);
  });

  it('when a first-time user whose profile came in time presses SOS, then the answer is in their language alone', async () => {
    const visitor = uid('7');
    f.emulator.users.add({ userId: visitor, displayName: 'Visitor', language: 'en' });
    await f.emulator.driver.postback({ userId: visitor }, 'a=sos');
    await f.settle();
    const answer = last(f, visitor).text;
    expect(answer).toMatch(/^🆘 Your SOS has been sent to: Police command centre\./);
    expect(answer).not.toContain('SOS received');
    expect(answer).not.toContain('diterima');
  });
});

describe('SOS triggers', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await city();
  });
  afterEach(async () => {
    await f.close();
  });

  it.each([
    ['the SOS button', (u: string) => f.emulator.driver.postback({ userId: u }, 'a=sos')],
    ['the word "ช่วยด้วย"', (u: string) => f.emulator.driver.text({ userId: u }, 'ช่วยด้วย!!')],
    ['the word "SOS"', (u: string) => f.emulator.driver.text({ userId: u }, 'sos')],
    ['the word "tolong"', (u: string) => f.emulator.driver.text({ userId: u }, 'Tolong')],
    ['"ช่วยด้วย ค่ะ" (with a stray space)', (u: string) => f.emulator.driver.text({ userId: u }, 'ช่วยด้วย ค่ะ')],
    ['the common misspelling "ช่วยด้วยคะ"', (u: string) => f.emulator.driver.text({ userId: u }, 'ช่วยด้วยคะ')],
  ])(
    'when a resident uses %s, then the alert goes out and the person is asked for a location with a call-191 button',
    async (_name, trigger) => {
      await trigger(SOMCHAI);
      await f.settle();
      expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(1);
      const told = last(f, SOMCHAI);
      // No pin, no home zone: it went to the command centre, and the person is told so.
      expect(told.text).toContain('แจ้งเหตุฉุกเฉินถึง ศูนย์วิทยุตำรวจ แล้วค่ะ');
      expect(told.text).toContain('ถ้าไม่มีผู้ตอบรับภายใน 2 นาที ระบบจะแจ้งเตือนเจ้าหน้าที่ซ้ำให้อัตโนมัติค่ะ');
      const actions = told.message.quickReply.items.map((i: any) => i.action);
      expect(actions[0]).toMatchObject({ type: 'location' });
      expect(actions[1]).toMatchObject({ type: 'uri', uri: 'tel:191' });
    },
  );

  it('when a resident types the ambiguous "help", then they get a one-tap question with "SOS now" first and no alert yet', async () => {
    await f.emulator.driver.text({ userId: JOHN }, 'help');
    await f.settle();
    expect(last(f, JOHN).text).toContain('Do you need emergency help right now?');
    expect(last(f, JOHN).quickReply?.[0]).toBe('🆘 SOS now');
    expect(await f.hub.repos.alerts.openFor(JOHN)).toBeNull();
  });

  it('when someone who declined the privacy notice presses SOS, then it still goes out, without their name', async () => {
    const declined = uid('7');
    f.emulator.users.add({ userId: declined, displayName: 'Secret', language: 'th' });
    await f.emulator.driver.follow(declined);
    await f.emulator.driver.postback({ userId: declined }, 'a=consent&v=decline');
    await f.emulator.driver.postback({ userId: declined }, 'a=sos');
    await f.settle();
    const card = JSON.stringify(sosCards(f, COMMAND_CENTRE)[0]!.message);
    expect(card).toContain('ไม่ทราบชื่อ');
    expect(card).not.toContain('Secret');
  });

  it('when SOS comes in the middle of a report, then the alert goes out and the report waits where it was', async () => {
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=report');
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=cat&v=theft');
    await f.emulator.driver.text({ userId: SOMCHAI }, 'ช่วยด้วย');
    await f.settle();
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(1);
    expect(await f.hub.repos.sessions.get(SOMCHAI)).toMatchObject({ flow: 'report', step: 'description' });
  });
});

describe('SOS with nobody to alert', () => {
  it('when no station group is bound and no command centre is set, then the person is told plainly to call 191', async () => {
    const f = await startHub({ seed: true });
    try {
      f.emulator.users.add({ userId: SOMCHAI, displayName: 'สมชาย', language: 'th' });
      await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
      await f.settle();
      expect(last(f, SOMCHAI).text).toContain('กรุณาโทร 191 ทันที');
      expect(await f.hub.repos.alerts.openFor(SOMCHAI)).toMatchObject({ status: 'new' });
    } finally {
      await f.close();
    }
  });

  it("when the pin's station has no group and no command centre is set, then the first bound station group takes the alert", async () => {
    const f = await startHub({ seed: true });
    try {
      await setUpCity(f);
      await f.hub.repos.groups.left(HYI_GROUP, f.clock.now()); // HYI loses its group
      await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
      await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
      await f.settle();
      expect(sosCards(f, KHH_GROUP)).toHaveLength(1);
      // Told the station whose group really has it, not the station of the pin.
      expect(last(f, JOHN).text).toContain('have gone to: Khlong Hae Police Station.');
    } finally {
      await f.close();
    }
  });
});

describe('SOS alert, positions, duplicates', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await city();
  });
  afterEach(async () => {
    await f.close();
  });

  it('when SOS comes with no location, then the command centre is alerted, and later pins update the same alert', async () => {
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.settle();
    const card = sosCards(f, COMMAND_CENTRE)[0]!;
    expect(JSON.stringify(card.message)).toContain('ยังไม่มีตำแหน่ง');
    expect(last(f, JOHN).text).toContain('Your SOS has been sent to: Police command centre.');

    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.emulator.driver.location({ userId: JOHN }, PLACES.khlongHae);
    await f.settle();
    const updates = f.seen(COMMAND_CENTRE).filter((m) => m.type === 'location');
    expect(updates.map((m) => m.message.latitude)).toEqual([PLACES.santisuk.latitude, PLACES.khlongHae.latitude]);
    expect(f.seen(COMMAND_CENTRE).filter((m) => m.text?.startsWith('📍 ตำแหน่งล่าสุดของ SOS-'))).toHaveLength(2);
    expect(last(f, JOHN).text).toContain('Your location has been passed to the officers');
    const alerts = await f.hub.repos.alerts.openFor(JOHN);
    expect(alerts!.positions).toHaveLength(2);
    expect(alerts!.position!.lat).toBe(PLACES.khlongHae.latitude);
    expect(alerts!.positions!.map((p) => p.address)).toEqual([PLACES.santisuk.address, PLACES.khlongHae.address]);
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(1); // an update, not a new alert
  });

  it('when an SOS went to the command centre for want of a pin, then the first pin inside a zone brings in that station, whose officers can act on it', async () => {
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.settle();
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(1);
    expect(sosCards(f, HYI_GROUP)).toHaveLength(0);

    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.settle();
    const cards = sosCards(f, HYI_GROUP);
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0]!.message)).toContain('7.004860,100.470180');
    expect(f.seen(OFFICER_A).some((m) => m.text?.startsWith('🆘 SOS-CC-69-000001 · สถานีตำรวจภูธรหาดใหญ่'))).toBe(true);
    expect(last(f, JOHN).text).toContain('Hat Yai Police Station, which covers where you are, has been alerted too');
    expect(await f.hub.repos.alerts.openFor(JOHN)).toMatchObject({
      stationCode: 'HYI',
      groupId: HYI_GROUP,
      alsoAlerted: [COMMAND_CENTRE],
    });

    // Both groups follow the person from here on; the station's officers take it.
    await f.emulator.driver.location({ userId: JOHN }, PLACES.khlongHae);
    await f.settle();
    for (const group of [COMMAND_CENTRE, HYI_GROUP]) {
      expect(
        f
          .seen(group)
          .filter((m) => m.type === 'location')
          .at(-1)!.message.latitude,
      ).toBe(PLACES.khlongHae.latitude);
    }
    expect(sosCards(f, HYI_GROUP)).toHaveLength(1); // moving on is an update, not a second alert
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_B },
      'a=sos-act&id=SOS-CC-69-000001&to=acknowledged',
    );
    await f.settle();
    expect(last(f, JOHN).text).toBe('👮 Officer ด.ต. บุญมี (Hat Yai Police Station) is responding to you.');
  });

  it('when the first pin after an SOS is outside every zone, then the alert stays with the command centre', async () => {
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.outside);
    await f.settle();
    expect(sosCards(f, HYI_GROUP)).toHaveLength(0);
    expect(sosCards(f, KHH_GROUP)).toHaveLength(0);
    expect((await f.hub.repos.alerts.openFor(SOMCHAI))!.stationCode).toBe('CC');
    expect(last(f, SOMCHAI).text).toBe('📍 ส่งตำแหน่งให้เจ้าหน้าที่แล้วค่ะ ถ้าย้ายไปที่อื่น ส่งตำแหน่งใหม่ได้เรื่อย ๆ');
  });

  it('when an alert no station has taken is acknowledged in the command centre, then any registered officer may, and nobody else', async () => {
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.emulator.driver.postback(
      { groupId: COMMAND_CENTRE, userId: STRANGER },
      'a=sos-act&id=SOS-CC-69-000001&to=acknowledged',
    );
    await f.settle();
    expect((await f.hub.repos.alerts.openFor(JOHN))!.status).toBe('new');
    await f.emulator.driver.postback(
      { groupId: COMMAND_CENTRE, userId: OFFICER_A },
      'a=sos-act&id=SOS-CC-69-000001&to=acknowledged',
    );
    await f.settle();
    expect((await f.hub.repos.alerts.openFor(JOHN))!.status).toBe('acknowledged');
    // The officer is of Hat Yai, whatever group the alert sat in.
    expect(last(f, JOHN).text).toBe('👮 Officer ร.ต.อ. อนันต์ (Hat Yai Police Station) is responding to you.');
  });

  it('when the person shared a pin in the last 15 minutes, then the station of that pin is alerted with the position, and on-duty officers are pushed', async () => {
    await f.emulator.driver.text({ userId: OFFICER_B }, '/duty off');
    await sosWithPin(f, SOMCHAI);
    const card = JSON.stringify(sosCards(f, HYI_GROUP)[0]!.message);
    expect(card).toContain('7.004860,100.470180');
    expect(card).toContain('สมชาย');
    expect(last(f, SOMCHAI).text).toContain('พร้อมตำแหน่งที่คุณส่งไว้ล่าสุดถึง สถานีตำรวจภูธรหาดใหญ่ แล้วค่ะ');
    expect(f.seen(OFFICER_A).some((m) => m.text?.startsWith('🆘 SOS-HYI-69-000001'))).toBe(true);
    expect(f.seen(OFFICER_B).some((m) => m.text?.startsWith('🆘 SOS-'))).toBe(false); // off duty
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(0);
    // Stored as urgent, so a 5xx is retried within a second, also after a restart.
    const rows = await f.hub.repos.outbox.find({ purpose: { $in: ['sos-alert', 'sos-alert-officers'] } });
    expect(rows.map((r) => [r.purpose, r.urgent])).toEqual([
      ['sos-alert', true],
      ['sos-alert-officers', true],
    ]);
  });

  it('when the same person presses SOS again while one is open, then it joins the open alert', async () => {
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.emulator.driver.text({ userId: SOMCHAI }, 'ช่วยด้วย');
    await f.settle();
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(1);
    expect(last(f, SOMCHAI).text).toContain('และกำลังรอเจ้าหน้าที่ตอบรับค่ะ');
  });

  it('when LINE redelivers the SOS webhook, then no second alert is raised', async () => {
    const sent = await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.settle();
    const again = await f.emulator.driver.redeliver(sent.events[0]);
    await f.settle();
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(1);
  });

  it('when a non-officer taps Acknowledge on an SOS card, then it is refused and the alert stays due for its 2-minute re-alert', async () => {
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: STRANGER },
      'a=sos-act&id=SOS-HYI-69-000001&to=acknowledged',
    );
    await f.settle();
    expect(last(f, HYI_GROUP).text).toContain('สำหรับเจ้าหน้าที่ของ สถานีตำรวจภูธรหาดใหญ่');
    const alert = (await f.hub.repos.alerts.get('SOS-HYI-69-000001'))!;
    expect(alert).toMatchObject({ status: 'new', audit: [], escalationStep: 0 });
    expect(alert.nextEscalationAt).toBe(alert.createdAt + 2 * 60_000);
  });

  it('when an officer acknowledges, then the person hears who is coming in their language, and the time is measured', async () => {
    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      'a=sos-act&id=SOS-HYI-69-000001&to=acknowledged',
    );
    await f.settle();
    expect(last(f, JOHN).text).toBe('👮 Officer ร.ต.อ. อนันต์ (Hat Yai Police Station) is responding to you.');
    expect(last(f, HYI_GROUP).text).toMatch(
      /^👮 SOS-HYI-69-000001 · รับเรื่องแล้ว โดย ร\.ต\.อ\. อนันต์ \(ตอบรับใน \d+ วินาที\)$/,
    );
    const metrics = await request(f.hub.app).get('/metrics');
    expect(metrics.text).toMatch(/ssz_sos_time_to_acknowledge_seconds_count\{station="HYI"\} 1/);
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      'a=sos-act&id=SOS-HYI-69-000001&to=false_alarm',
    );
    await f.settle();
    expect(last(f, JOHN).text).toContain('no emergency');
    // The next SOS card for John shows the false alarm on his record.
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.settle();
    const card = sosCards(f, HYI_GROUP).at(-1)!;
    expect(JSON.stringify(card.message)).toMatch(/"ไม่พบเหตุ \(90 วันล่าสุด\)".*?"text":"1 ครั้ง"/);
  });
});

describe('SOS home zone', () => {
  it("when the person set a home zone and sends no recent pin, then the home zone's station is alerted", async () => {
    const f = await city({ clock: 'manual' });
    try {
      await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
      await f.settle();
      expect(last(f, JOHN).quickReply).toContain('Set as my area');
      await f.emulator.driver.postback({ userId: JOHN }, 'a=home&z=HYI-santisuk');
      await f.settle();
      expect(last(f, JOHN).text).toContain('Santisuk Community is now your usual area');
      (f.clock as ManualClock).advance(20 * 60_000); // the pin is now older than 15 minutes
      await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
      await f.settle();
      expect(sosCards(f, HYI_GROUP)).toHaveLength(1);
      expect(sosCards(f, COMMAND_CENTRE)).toHaveLength(0);
      expect(await f.hub.repos.alerts.openFor(JOHN)).toMatchObject({ routedBy: 'home-zone', stationCode: 'HYI' });
    } finally {
      await f.close();
    }
  });
});

describe('SOS escalation ladder (fake clock)', () => {
  it('when nobody acknowledges, then at 2 min the group and all officers are re-alerted, at 5 min (not before) the escalation group, and then the ladder ends', async () => {
    const f = await city({ clock: 'manual' });
    const clock = f.clock as ManualClock;
    try {
      await f.emulator.driver.text({ userId: OFFICER_B }, '/duty off');
      await sosWithPin(f, SOMCHAI);
      const tick = async (minutes: number) => {
        clock.advance(minutes * 60_000);
        await f.hub.scheduler.escalationTick();
        await f.settle();
      };
      await tick(1.5);
      expect(sosCards(f, HYI_GROUP)).toHaveLength(1);
      await tick(0.6); // 2.1 min
      expect(sosCards(f, HYI_GROUP).map((m) => m.altText)).toEqual([
        expect.stringContaining('🆘'),
        expect.stringContaining('⚠️ SOS ยังไม่มีผู้รับเรื่อง (ผ่านไป 2 นาที)'),
      ]);
      expect(f.seen(OFFICER_B).some((m) => m.text?.startsWith('🆘 SOS-'))).toBe(true); // everyone, on duty or not
      expect(last(f, SOMCHAI).text).toContain('ยังไม่มีเจ้าหน้าที่ตอบรับ');
      expect(sosCards(f, PROVINCE)).toHaveLength(0);
      await tick(2.8); // 4.9 min: the second rung is not due yet
      expect(sosCards(f, PROVINCE)).toHaveLength(0);
      await tick(0.2); // 5.1 min
      expect(sosCards(f, PROVINCE).map((m) => m.altText)).toEqual([
        expect.stringContaining('🚨 SOS จาก สถานีตำรวจภูธรหาดใหญ่: ไม่มีผู้รับเรื่องเกิน 5 นาที'),
      ]);
      expect(last(f, SOMCHAI).text).toContain('เราแจ้งศูนย์วิทยุตำรวจเพิ่มแล้วค่ะ');
      await tick(10);
      expect(sosCards(f, PROVINCE)).toHaveLength(1);
      const alert = await f.hub.repos.alerts.get('SOS-HYI-69-000001');
      expect(alert).toMatchObject({ escalationStep: 2 });
      expect(alert).not.toHaveProperty('nextEscalationAt');
    } finally {
      await f.close();
    }
  });

  it('when an officer acknowledges after the first re-alert, then the escalation group is never alerted', async () => {
    const f = await city({ clock: 'manual' });
    const clock = f.clock as ManualClock;
    try {
      await sosWithPin(f, SOMCHAI);
      clock.advance(2.1 * 60_000);
      expect(await f.hub.scheduler.escalationTick()).toBe(1);
      await f.emulator.driver.postback(
        { groupId: HYI_GROUP, userId: OFFICER_B },
        'a=sos-act&id=SOS-HYI-69-000001&to=acknowledged',
      );
      await f.settle();
      for (const minutes of [3, 10]) {
        clock.advance(minutes * 60_000);
        expect(await f.hub.scheduler.escalationTick()).toBe(0);
      }
      await f.settle();
      expect(sosCards(f, PROVINCE)).toHaveLength(0);
      expect(await f.hub.repos.alerts.get('SOS-HYI-69-000001')).toMatchObject({
        status: 'acknowledged',
        escalationStep: 1,
      });
      expect(last(f, SOMCHAI).text).toBe('👮 เจ้าหน้าที่ ด.ต. บุญมี (สถานีตำรวจภูธรหาดใหญ่) รับเรื่องแล้ว กำลังช่วยเหลือคุณค่ะ');
    } finally {
      await f.close();
    }
  });

  it('when an officer acknowledges before 2 minutes, then no escalation happens', async () => {
    const f = await city({ clock: 'manual' });
    const clock = f.clock as ManualClock;
    try {
      await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
      await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
      clock.advance(60_000);
      await f.emulator.driver.postback(
        { groupId: HYI_GROUP, userId: OFFICER_A },
        'a=sos-act&id=SOS-HYI-69-000001&to=acknowledged',
      );
      await f.settle();
      for (const minutes of [2, 5, 10]) {
        clock.set(clock.now() + minutes * 60_000);
        await f.hub.scheduler.escalationTick();
      }
      await f.settle();
      expect(sosCards(f, HYI_GROUP)).toHaveLength(1);
      expect(sosCards(f, PROVINCE)).toHaveLength(0);
      expect(last(f, HYI_GROUP).text).toContain('(ตอบรับใน 1 นาที)');
    } finally {
      await f.close();
    }
  });

  it('when two scheduler instances tick at the same moment, then the ladder step happens once', async () => {
    const f = await city({ clock: 'manual' });
    const clock = f.clock as ManualClock;
    try {
      await sosWithPin(f, SOMCHAI);
      const other = new Scheduler({
        leases: f.hub.repos.leases,
        sos: f.hub.sos,
        retention: [],
        clock,
        logger: silentLogger,
      });
      // The first instance ticked before and holds the ladder's lease (30 s), run out by 2.5 min:
      // both now race to take it over.
      expect(await f.hub.scheduler.escalationTick()).toBe(0);
      expect(await other.escalationTick()).toBe(0);
      clock.advance(2.5 * 60_000);
      const steps = await Promise.all([f.hub.scheduler.escalationTick(), other.escalationTick()]);
      await f.settle();
      expect(steps.sort()).toEqual([0, 1]);
      expect(sosCards(f, HYI_GROUP)).toHaveLength(2); // the first alert and one re-alert
      expect(f.seen(SOMCHAI).filter((m) => m.text?.includes('ยังไม่มีเจ้าหน้าที่ตอบรับ'))).toHaveLength(1);
    } finally {
      await f.close();
    }
  });
});

describe('SOS across a crash', () => {
  it('when the hub dies after persisting the SOS event (and even after queuing its sends), then a restart delivers the alert exactly once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-sos-'));
    const first = await city({ store: new EmbeddedStore({ dir }) });
    // LINE is failing: the alert is queued but cannot be delivered before the process dies.
    first.emulator.faults.inject({ count: 1000, status: 500, endpoint: 'push' });
    first.emulator.faults.inject({ count: 1000, status: 500, endpoint: 'reply' });
    const sent = await first.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    // Dies once the alert card is queued (and failing), whatever the machine's speed.
    const queued = async () =>
      (await first.hub.repos.outbox.find({ purpose: 'sos-alert', status: 'pending' })).length > 0;
    for (let i = 0; i < 500 && !(await queued()); i++) await new Promise((r) => setTimeout(r, 10));
    await first.hub.stop();
    await first.store.close();
    expect(sosCards(first, COMMAND_CENTRE)).toHaveLength(0); // nothing reached LINE before the crash
    expect(await first.hub.repos.outbox.count('pending')).toBeGreaterThan(0);

    // A fresh process on the same files, talking to a LINE that works again.
    // Worst case: the crash also lost the event's "done" mark, so the new process handles the SOS
    // event again AND resumes the queued sends. Both carry the same derived retry keys.
    const store2 = new EmbeddedStore({ dir });
    const event = sent.events[0];
    // (A done mark that was never written leaves the event as stored: pending, with its body.)
    await store2
      .collection('inbox')
      .updateOne({ _id: event.webhookEventId }, { $set: { status: 'pending', event: JSON.stringify(event) } });
    const second = await startHub({ store: store2, seed: true, commandCentreGroupId: COMMAND_CENTRE });
    try {
      await second.settle();
      const cards = sosCards(second, COMMAND_CENTRE);
      expect(cards).toHaveLength(1);
      // Two sends of the alert card reached LINE with one retry key: LINE took the first, 409 for the second.
      const pushes = second.emulator
        .calls({ endpoint: 'push', to: COMMAND_CENTRE })
        .filter((c) => JSON.stringify(c.body).includes('SOS ฉุกเฉิน'));
      expect(pushes.map((c) => c.status).sort()).toEqual([200, 409]);
      expect(new Set(pushes.map((c) => c.retryKey)).size).toBe(1);
      const alerts = await second.store.collection('alerts').find({});
      expect(alerts).toHaveLength(1);
    } finally {
      await second.close();
      await first.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
