// A report is "sent to the station" only when the station's group got it. A report filed before any
// group is bound waits, visibly, and is posted (and the resident told) when the group is bound.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { HYI_GROUP, OFFICER_A, SOMCHAI, issueCode } from '../support/city';
import { ADMIN_TOKEN, gid, startHub, type HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';

const COMMAND_CENTRE = gid('9');
const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
const caseCards = (f: HubFixture, chat: string) =>
  f.seen(chat).filter((m) => m.type === 'flex' && m.altText?.startsWith('แจ้งเหตุ:'));

async function resident(f: HubFixture): Promise<void> {
  f.emulator.users.add({ userId: SOMCHAI, displayName: 'สมชาย', language: 'th' });
  await f.emulator.driver.follow(SOMCHAI);
  await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=consent&v=accept');
}

const report = (f: HubFixture) =>
  fileReport(f, SOMCHAI, { category: 'suspicious', words: 'มีชายสองคนวนดูรถหน้าบ้านหลายรอบ' });

const unrouted = (f: HubFixture) =>
  request(f.hub.app).get('/admin/cases?routed=false').set('authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);

describe('a report that reached no group', () => {
  it('when a report is filed before any group is bound, then the resident is told it waits (with the station phone), it is listed as unrouted, and binding the group posts it and tells the resident', async () => {
    const f = await startHub({ seed: true });
    try {
      await resident(f);
      await report(f);
      const said = last(f, SOMCHAI).text!;
      expect(said).toContain('บันทึกเรื่องของคุณไว้แล้วค่ะ เลขที่เรื่อง HYI-69-000001');
      expect(said).toContain('แต่ตอนนี้ยังส่งถึง สถานีตำรวจภูธรหาดใหญ่ ไม่ได้');
      expect(said).toContain('ถ้าเร่งด่วน โทร สถานีตำรวจภูธรหาดใหญ่ 074-243-333 หรือ 191');
      expect(said).not.toContain('ส่งเรื่องเรียบร้อยแล้ว');
      // What really happened: no card went anywhere.
      expect(f.emulator.calls({ endpoint: 'push' }).filter((c) => c.status === 200)).toHaveLength(0);
      expect((await unrouted(f)).body.items.map((c: { _id: string }) => c._id)).toEqual(['HYI-69-000001']);

      f.emulator.groups.add({ groupId: HYI_GROUP, groupName: 'สภ.หาดใหญ่', memberIds: [OFFICER_A] });
      await f.emulator.driver.join(HYI_GROUP);
      await f.emulator.driver.text(
        { groupId: HYI_GROUP, userId: OFFICER_A },
        `/bind ${await issueCode(f, { kind: 'station', stationCode: 'HYI' })}`,
      );
      await f.settle();
      expect(caseCards(f, HYI_GROUP).map((m) => m.altText)).toEqual([
        expect.stringContaining('HYI-69-000001: มีชายสองคนวนดูรถหน้าบ้านหลายรอบ'),
      ]);
      expect(last(f, SOMCHAI).text).toBe(
        '📨 เรื่อง HYI-69-000001 ของคุณส่งถึง สถานีตำรวจภูธรหาดใหญ่ แล้วค่ะ เราจะแจ้งความคืบหน้าให้ทราบทางแชตนี้',
      );
      expect(await f.hub.repos.cases.get('HYI-69-000001')).toMatchObject({ groupId: HYI_GROUP });
      expect((await unrouted(f)).body.items).toEqual([]);

      // Binding again (a second code) posts nothing twice.
      await f.emulator.driver.text(
        { groupId: HYI_GROUP, userId: OFFICER_A },
        `/bind ${await issueCode(f, { kind: 'station', stationCode: 'HYI' })}`,
      );
      await f.settle();
      expect(caseCards(f, HYI_GROUP)).toHaveLength(1);
      expect(f.seen(SOMCHAI).filter((m) => m.text?.startsWith('📨 เรื่อง HYI-69-000001'))).toHaveLength(1);
    } finally {
      await f.close();
    }
  });

  it('when the hub starts with a command centre configured, then reports left waiting are posted there and each resident is told', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-unrouted-'));
    const first = await startHub({ seed: true, store: new EmbeddedStore({ dir }) });
    try {
      await resident(first);
      await report(first);
    } finally {
      await first.close();
    }
    const second = await startHub({
      seed: true,
      store: new EmbeddedStore({ dir }),
      commandCentreGroupId: COMMAND_CENTRE,
    });
    try {
      await second.settle();
      expect(caseCards(second, COMMAND_CENTRE).map((m) => m.altText)).toEqual([
        expect.stringContaining('HYI-69-000001'),
      ]);
      expect(last(second, SOMCHAI).text).toBe(
        '📨 เรื่อง HYI-69-000001 ของคุณส่งถึงศูนย์วิทยุตำรวจแล้วค่ะ ศูนย์จะประสานกับ สถานีตำรวจภูธรหาดใหญ่ และเราจะแจ้งความคืบหน้าให้ทราบทางแชตนี้',
      );
      expect((await unrouted(second)).body.items).toEqual([]);
    } finally {
      await second.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a station has no group but a command centre is configured, then the confirmation names the command centre, where the card really went', async () => {
    const f = await startHub({ seed: true, commandCentreGroupId: COMMAND_CENTRE });
    try {
      await resident(f);
      await report(f);
      expect(last(f, SOMCHAI).text).toContain(
        'จุดนี้อยู่ในความดูแลของ สถานีตำรวจภูธรหาดใหญ่ ซึ่งยังไม่มีกลุ่มรับแจ้งในระบบ เราจึงส่งเรื่องถึงศูนย์วิทยุตำรวจแทน',
      );
      expect(caseCards(f, COMMAND_CENTRE)).toHaveLength(1);
    } finally {
      await f.close();
    }
  });
});
