// The resident rich menus, installed through the real SDK clients into the LINE emulator, and the
// menu each person sees as their language changes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RESIDENT_AREAS, RICH_MENU_SIZE } from '../../flex-templates/rich-menu';
import { ResidentMenus } from '../../src/messaging/rich-menus';
import { silentLogger } from '../../src/logger';
import { loadTexts } from '../../src/i18n/i18n';
import { startHub, uid, type HubFixture } from '../support/hub-fixture';

const IMAGES = path.join(__dirname, '../../flex-templates/rich-menu');
const JOHN = uid('b');

/** John, an English speaker, follows the OA (and so is linked to the English menu once there is one). */
async function johnFollows(f: HubFixture): Promise<void> {
  f.emulator.users.add({ userId: JOHN, displayName: 'John', language: 'en' });
  await f.emulator.driver.follow(JOHN);
  await f.settle();
}

/**
 * The hub's menus as a next release would install them, with a new image for `changed` languages
 * (an extra byte after the PNG's end: still a valid PNG, another version). Removes its folder after.
 */
async function installWithNewImages(f: HubFixture, changed: string[]): Promise<unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-menus-'));
  try {
    for (const lang of ['th', 'en', 'ms']) {
      fs.copyFileSync(path.join(IMAGES, `resident-${lang}.png`), path.join(dir, `resident-${lang}.png`));
      if (changed.includes(lang)) fs.appendFileSync(path.join(dir, `resident-${lang}.png`), Buffer.from([0]));
    }
    return await new ResidentMenus({
      line: f.line.richMenus,
      texts: loadTexts(),
      logger: silentLogger,
      imagesDir: dir,
    }).install();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('resident rich menus', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await startHub();
  });
  afterEach(async () => {
    await f.close();
  });

  it('when the hub installs them, then LINE holds a menu with its image per language, Thai is the default, and SOS fills the left half', async () => {
    expect(await f.hub.richMenus.install()).toEqual({ created: ['th', 'en', 'ms'], reused: [] });
    const aliases = f.emulator.richMenus.aliases();
    expect(Object.keys(aliases).sort()).toEqual(['ssz-resident-en', 'ssz-resident-ms', 'ssz-resident-th']);
    expect(f.emulator.richMenus.defaultId()).toBe(aliases['ssz-resident-th']);

    const shown = f.emulator.richMenus.shownTo(uid('1'))!;
    expect(shown.hasImage).toBe(true);
    const menu = shown.menu as {
      size: unknown;
      chatBarText: string;
      areas: Array<{
        bounds: { x: number; y: number; width: number; height: number };
        action: { type: string; data: string; displayText: string };
      }>;
    };
    expect(menu.size).toEqual(RICH_MENU_SIZE);
    expect(menu.chatBarText).toBe('เมนู · SOS');
    const sos = menu.areas.find((a) => a.action.data === 'a=sos')!;
    expect(sos.bounds).toEqual({ x: 0, y: 0, width: RICH_MENU_SIZE.width / 2, height: RICH_MENU_SIZE.height });
    expect(menu.areas.map((a) => a.action.data).sort()).toEqual([
      'a=language',
      'a=my-cases',
      'a=news',
      'a=report',
      'a=sos',
    ]);
    expect(menu.areas.find((a) => a.action.data === 'a=report')!.action.displayText).toBe('แจ้งเหตุ');
  });

  it('when the hub starts again with the same menus, then nothing is created again', async () => {
    await f.hub.richMenus.install();
    const before = f.emulator.calls({ endpoint: 'richMenuCreate' }).length;
    expect(await f.hub.richMenus.install()).toEqual({ created: [], reused: ['th', 'en', 'ms'] });
    expect(f.emulator.calls({ endpoint: 'richMenuCreate' })).toHaveLength(before);
    expect(f.emulator.richMenus.ids()).toHaveLength(3);
  });

  it('when an image changed, then that menu is replaced, its alias and its people moved, and the old one deleted', async () => {
    await f.hub.richMenus.install();
    const old = f.emulator.richMenus.aliases();
    // An English speaker linked to the old English menu.
    await johnFollows(f);
    expect(f.emulator.richMenus.shownTo(JOHN)!.richMenuId).toBe(old['ssz-resident-en']);
    expect(await installWithNewImages(f, ['th', 'en'])).toEqual({ created: ['th', 'en'], reused: ['ms'] });
    const now = f.emulator.richMenus.aliases();
    expect(now['ssz-resident-th']).not.toBe(old['ssz-resident-th']);
    expect(now['ssz-resident-en']).not.toBe(old['ssz-resident-en']);
    expect(now['ssz-resident-ms']).toBe(old['ssz-resident-ms']);
    expect(f.emulator.richMenus.defaultId()).toBe(now['ssz-resident-th']);
    const ids = f.emulator.richMenus.ids();
    expect(ids).not.toContain(old['ssz-resident-th']);
    expect(ids).not.toContain(old['ssz-resident-en']);
    expect(ids).toHaveLength(3);
    // John was moved to the new English menu before the old one went.
    expect(f.emulator.richMenus.shownTo(JOHN)!.richMenuId).toBe(now['ssz-resident-en']);
  });

  it('when a person follows with an English profile and later picks Thai, then Malay, then the menu under their chat follows', async () => {
    await f.hub.richMenus.install();
    const menus = f.emulator.richMenus.aliases();
    await johnFollows(f);
    expect(f.emulator.richMenus.shownTo(JOHN)!.richMenuId).toBe(menus['ssz-resident-en']);

    await f.emulator.driver.postback({ userId: JOHN }, 'a=lang&v=th');
    await f.settle();
    expect(f.emulator.richMenus.shownTo(JOHN)!.richMenuId).toBe(menus['ssz-resident-th']);

    await f.emulator.driver.postback({ userId: JOHN }, 'a=lang&v=ms');
    await f.settle();
    expect(f.emulator.richMenus.shownTo(JOHN)!.richMenuId).toBe(menus['ssz-resident-ms']);
  });

  it('when LINE refuses to move people to a new menu, then the old one stays for them', async () => {
    await f.hub.richMenus.install();
    const old = f.emulator.richMenus.aliases();
    await johnFollows(f);
    f.emulator.faults.inject({ count: 1, status: 429, endpoint: 'richMenuBatch' });
    expect(await installWithNewImages(f, ['en'])).toEqual({ created: ['en'], reused: ['th', 'ms'] });
    expect(f.emulator.richMenus.ids()).toContain(old['ssz-resident-en']);
    expect(f.emulator.richMenus.shownTo(JOHN)!.richMenuId).toBe(old['ssz-resident-en']);
  });

  it('when LINE refuses to create menus, then install reports nothing installed and the hub keeps answering', async () => {
    f.emulator.faults.inject({ count: 1, status: 400, endpoint: 'richMenuCreate' });
    expect(await f.hub.richMenus.install()).toBeUndefined();
    await johnFollows(f);
    expect(f.seen(JOHN).length).toBeGreaterThan(0);
    expect(f.emulator.calls({ endpoint: 'richMenuLink' })).toHaveLength(0);
  });

  it('the images are LINE-sized PNGs under 1 MB, one per language', () => {
    for (const area of RESIDENT_AREAS)
      expect(area.bounds.x + area.bounds.width).toBeLessThanOrEqual(RICH_MENU_SIZE.width);
    for (const lang of ['th', 'en', 'ms']) {
      const png = fs.readFileSync(path.join(IMAGES, `resident-${lang}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([RICH_MENU_SIZE.width, RICH_MENU_SIZE.height]);
      expect(png.length).toBeLessThan(1024 * 1024);
    }
  });
});
