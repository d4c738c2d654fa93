// The officers' rich menus, installed through the real SDK clients into the LINE emulator: linked
// when someone registers as an officer, following their duty state, switched to the resident view
// and back, unlinked when the officer is removed, and the same state however often they are installed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RICH_MENU_SIZE } from '../../flex-templates/rich-menu';
import { officerMenuAlias } from '../../flex-templates/officer-menu';
import { loadTexts } from '../../src/i18n/i18n';
import { silentLogger } from '../../src/logger';
import { OfficerMenus } from '../../src/messaging/officer-menus';
import { OFFICER_A, SOMCHAI, issueCode, setUpCity } from '../support/city';
import { PLACES, startHub, uid, type HubFixture } from '../support/hub-fixture';
import { admin } from '../support/zone-news';

const IMAGES = path.join(__dirname, '../../flex-templates/rich-menu');
const NEW_OFFICER = uid('1');
const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
type Area = { bounds: { x: number; width: number }; action: Record<string, string> };
const areasOf = (f: HubFixture, userId: string) =>
  (f.emulator.richMenus.shownTo(userId)!.menu.areas as Area[]).map((a) => a.action);

async function installAll(f: HubFixture) {
  const residents = await f.hub.richMenus.install();
  const officers = await f.hub.officerMenus.install();
  return { residents, officers };
}

/** Everything LINE holds about menus: which exist, the aliases, the default, and who sees what. */
function menuState(f: HubFixture, people: string[]) {
  return {
    ids: f.emulator.richMenus.ids().sort(),
    aliases: f.emulator.richMenus.aliases(),
    defaultId: f.emulator.richMenus.defaultId(),
    shown: people.map((p) => f.emulator.richMenus.shownTo(p)?.richMenuId),
  };
}

/** A new officer registers (off duty, as every new officer starts) and, unless told not to, goes on duty. */
async function register(f: HubFixture, userId: string, language = 'th', goOnDuty = true): Promise<void> {
  f.emulator.users.add({ userId, displayName: 'ด.ต. สมหมาย', language });
  await f.emulator.driver.follow(userId);
  await f.emulator.driver.postback({ userId }, 'a=consent&v=accept');
  await f.emulator.driver.text({ userId }, `/bind ${await issueCode(f, { kind: 'officer', stationCode: 'HYI' })}`);
  if (goOnDuty) await f.emulator.driver.text({ userId }, '/duty on');
  await f.settle();
}

describe('the officers’ rich menus', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await startHub({ seed: true });
    await setUpCity(f);
  });
  afterEach(async () => {
    await f.close();
  });

  it('when someone registers as an officer, then the off-duty officer menu of their language is linked, and going on duty links the on-duty one, drawn from the locale texts', async () => {
    await installAll(f);
    await register(f, NEW_OFFICER, 'th', false);
    const aliases = f.emulator.richMenus.aliases();
    expect(f.emulator.richMenus.shownTo(NEW_OFFICER)!.richMenuId).toBe(
      aliases[officerMenuAlias('officer', false, 'th')],
    );
    await f.emulator.driver.text({ userId: NEW_OFFICER }, '/duty on');
    await f.settle();
    const shown = f.emulator.richMenus.shownTo(NEW_OFFICER)!;
    expect(shown.richMenuId).toBe(aliases[officerMenuAlias('officer', true, 'th')]);
    expect(shown.hasImage).toBe(true);
    expect(shown.menu.chatBarText).toBe('👮 เมนูตำรวจ');
    expect(areasOf(f, NEW_OFFICER).map((a) => a.label)).toEqual([
      'เรื่องที่เปิดอยู่',
      'SOS ที่เปิดอยู่',
      'เช็กอินสายตรวจ',
      'ประกาศ',
      'เข้าเวรอยู่ ✓',
      'มุมมองประชาชน',
    ]);
    expect(areasOf(f, NEW_OFFICER)[5]).toMatchObject({
      type: 'richmenuswitch',
      richMenuAliasId: 'ssz-officer-res-on-th',
      data: 'a=view&v=resident',
    });
    // A resident still sees the resident menu.
    expect(f.emulator.richMenus.shownTo(SOMCHAI)!.richMenuId).toBe(aliases['ssz-resident-th']);
  });

  it('when the officer goes off duty from the menu or with /duty, then the menu shows the state they are in', async () => {
    await installAll(f);
    await register(f, NEW_OFFICER, 'en');
    const aliases = f.emulator.richMenus.aliases();
    expect(f.emulator.richMenus.shownTo(NEW_OFFICER)!.richMenuId).toBe(aliases['ssz-officer-on-en']);
    await f.emulator.driver.postback({ userId: NEW_OFFICER }, 'a=duty&v=off');
    await f.settle();
    expect(last(f, NEW_OFFICER).text).toContain('You are off duty');
    expect((await f.hub.repos.users.get(NEW_OFFICER))?.onDuty).toBe(false);
    expect(f.emulator.richMenus.shownTo(NEW_OFFICER)!.richMenuId).toBe(aliases['ssz-officer-off-en']);
    expect(areasOf(f, NEW_OFFICER)[4]).toMatchObject({ label: 'Off duty', data: 'a=duty&v=on' });
    await f.emulator.driver.text({ userId: NEW_OFFICER }, '/duty on');
    await f.settle();
    expect(f.emulator.richMenus.shownTo(NEW_OFFICER)!.richMenuId).toBe(aliases['ssz-officer-on-en']);
  });

  it('when the officer switches to the resident view and back, then LINE keeps the view they chose, and the resident view has its way back', async () => {
    await installAll(f);
    await register(f, NEW_OFFICER);
    const aliases = f.emulator.richMenus.aliases();
    const toResident = areasOf(f, NEW_OFFICER)[5]!;
    const said = f.seen(NEW_OFFICER).length;
    await f.emulator.driver.postback({ userId: NEW_OFFICER }, toResident.data!, {
      newRichMenuAliasId: toResident.richMenuAliasId!,
      status: 'SUCCESS',
    });
    await f.settle();
    expect(f.emulator.richMenus.shownTo(NEW_OFFICER)!.richMenuId).toBe(aliases[toResident.richMenuAliasId!]);
    const residentView = areasOf(f, NEW_OFFICER);
    expect(residentView.map((a) => a.data)).toEqual(
      expect.arrayContaining(['a=sos', 'a=report', 'a=my-cases', 'a=news', 'a=language']),
    );
    const back = residentView.find((a) => a.type === 'richmenuswitch')!;
    expect(back).toMatchObject({ richMenuAliasId: 'ssz-officer-on-th', label: '👮 เมนูเจ้าหน้าที่' });
    await f.emulator.driver.postback({ userId: NEW_OFFICER }, back.data!, {
      newRichMenuAliasId: back.richMenuAliasId!,
    });
    await f.settle();
    expect(f.emulator.richMenus.shownTo(NEW_OFFICER)!.richMenuId).toBe(aliases['ssz-officer-on-th']);
    // Switching views is silent: the menu itself is the answer.
    expect(f.seen(NEW_OFFICER)).toHaveLength(said);
  });

  it('when an admin removes an officer, then their officer menu goes for the resident one of their language and they are told', async () => {
    await installAll(f);
    await register(f, NEW_OFFICER, 'en');
    const res = await admin(f).delete(`/admin/officers/${NEW_OFFICER}`);
    expect(res.status).toBe(200);
    await f.settle();
    expect(f.emulator.richMenus.shownTo(NEW_OFFICER)!.richMenuId).toBe(
      f.emulator.richMenus.aliases()['ssz-resident-en'],
    );
    expect(await f.hub.repos.users.get(NEW_OFFICER)).toMatchObject({ role: 'resident' });
    expect(last(f, NEW_OFFICER).text).toBe(
      'You are no longer a registered officer in this system. Your menu is now the resident menu.',
    );
    await f.emulator.driver.postback({ userId: NEW_OFFICER }, 'a=bc');
    await f.settle();
    expect(last(f, NEW_OFFICER).text).toBe('This menu is for registered police officers only.');
    expect((await admin(f).delete(`/admin/officers/${SOMCHAI}`)).status).toBe(404);
  });

  it('when a Thai officer is removed, then the per-person menu is unlinked and LINE shows the default Thai resident menu', async () => {
    await installAll(f);
    await register(f, NEW_OFFICER);
    const unlinks = () =>
      f.emulator.calls({ endpoint: 'userRichMenuUnlink' }).filter((c) => c.path.includes(NEW_OFFICER));
    const before = unlinks().length;
    await admin(f).delete(`/admin/officers/${NEW_OFFICER}`);
    await f.settle();
    expect(unlinks()).toHaveLength(before + 1);
    expect(f.emulator.richMenus.shownTo(NEW_OFFICER)!.richMenuId).toBe(f.emulator.richMenus.defaultId());
  });

  it('when the menus are installed twice, then LINE holds the same menus, aliases, default and links, and nothing is created the second time', async () => {
    const first = await installAll(f);
    expect(first.officers!.created).toHaveLength(12);
    await register(f, NEW_OFFICER);
    const people = [NEW_OFFICER, OFFICER_A, SOMCHAI];
    const before = menuState(f, people);
    const creates = f.emulator.calls({ endpoint: 'richMenuCreate' }).length;
    const again = await installAll(f);
    expect(again.residents).toEqual({ created: [], reused: ['th', 'en', 'ms'] });
    expect(again.officers).toEqual({ created: [], reused: first.officers!.created });
    expect(menuState(f, people)).toEqual(before);
    expect(f.emulator.calls({ endpoint: 'richMenuCreate' })).toHaveLength(creates);
    expect(before.ids).toHaveLength(15);
  });

  it('when an officer menu’s image changed, then it is replaced, every officer on it is moved to the new one, and the old one is deleted', async () => {
    await installAll(f);
    await register(f, NEW_OFFICER);
    const old = f.emulator.richMenus.aliases()['ssz-officer-on-th'];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-officer-menus-'));
    try {
      for (const file of fs.readdirSync(IMAGES)) fs.copyFileSync(path.join(IMAGES, file), path.join(dir, file));
      fs.appendFileSync(path.join(dir, 'officer-on-th.png'), Buffer.from([0]));
      const next = new OfficerMenus({
        line: f.line.richMenus,
        texts: loadTexts(),
        logger: silentLogger,
        users: f.hub.repos.users,
        residents: f.hub.richMenus,
        imagesDir: dir,
      });
      expect((await next.install())!.created).toEqual(['ssz-officer-on-th']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const now = f.emulator.richMenus.aliases()['ssz-officer-on-th'];
    expect(now).not.toBe(old);
    expect(f.emulator.richMenus.ids()).not.toContain(old);
    expect(f.emulator.richMenus.shownTo(NEW_OFFICER)!.richMenuId).toBe(now);
  });

  it('when an officer taps "open cases" and "open SOS", then their station’s open ones are listed, newest first', async () => {
    await installAll(f);
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=ocases');
    await f.settle();
    expect(last(f, OFFICER_A).text).toBe('ตอนนี้สถานีตำรวจภูธรหาดใหญ่ไม่มีเรื่องแจ้งเหตุที่ยังเปิดค่ะ');

    const d = f.emulator.driver;
    for (const step of ['a=report', 'a=cat&v=theft']) await d.postback({ userId: SOMCHAI }, step);
    await d.text({ userId: SOMCHAI }, 'มีคนงัดรถหน้าบ้าน');
    await d.postback({ userId: SOMCHAI }, 'a=photos-done');
    await d.location({ userId: SOMCHAI }, PLACES.santisuk);
    await d.postback({ userId: SOMCHAI }, 'a=anon&v=no');
    await d.postback({ userId: SOMCHAI }, 'a=report-confirm');
    await d.postback({ userId: SOMCHAI }, 'a=sos');
    await f.settle();

    await d.postback({ userId: OFFICER_A }, 'a=ocases');
    await f.settle();
    const cases = last(f, OFFICER_A);
    expect(cases.altText).toBe('เรื่องที่ยังเปิด 1 เรื่อง · สถานีตำรวจภูธรหาดใหญ่');
    expect(JSON.stringify(cases.message.contents.body)).toMatch(/HYI-69-000001 · .*ลักทรัพย์\/ของหาย/);
    await d.postback({ userId: OFFICER_A }, 'a=osos');
    await f.settle();
    expect(last(f, OFFICER_A).altText).toBe('SOS ที่ยังเปิด 1 เรื่อง · สถานีตำรวจภูธรหาดใหญ่');
  });

  it('the officer images are LINE-sized PNGs under 1 MB, for every language and duty state', () => {
    for (const lang of ['th', 'en', 'ms'])
      for (const file of [`officer-on-${lang}.png`, `officer-off-${lang}.png`, `officer-resident-${lang}.png`]) {
        const png = fs.readFileSync(path.join(IMAGES, file));
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([RICH_MENU_SIZE.width, RICH_MENU_SIZE.height]);
        expect(png.length).toBeLessThan(1024 * 1024);
      }
  });
});
