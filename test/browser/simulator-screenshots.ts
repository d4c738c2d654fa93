// `npm run screenshots:simulator`: the README's pictures of the chat simulator, taken in Debian's
// Chromium against a hub with the test city (two bound station groups, officers, residents). A
// resident files a report by tapping through the simulator as a person would (chips, a photo, the
// map picker); a second resident presses SOS. Writes docs/screenshots/simulator-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { simulatorMapOf } from '../../src/emulator';
import { HYI_GROUP, JOHN, SOMCHAI, setUpCity } from '../support/city';
import { startHub } from '../support/hub-fixture';
import { CHROMIUM, LAUNCH_ARGS, drawPhoto, expectSeen } from './browser-support';

const OUT = path.join(__dirname, '..', '..', 'docs', 'screenshots');
const DESKTOP = { width: 1280, height: 820 };
const PHONE = { width: 390, height: 844 };

// tsx compiles this file with esbuild's keepNames, which wraps the functions handed to evaluate() in
// a __name() helper that exists only in Node; the page gets a do-nothing one.
async function newPage(browser: Browser, options: Parameters<Browser['newPage']>[0]): Promise<Page> {
  const page = await browser.newPage(options);
  await page.addInitScript('globalThis.__name = (f) => f');
  page.on('pageerror', (error) => console.error('page error:', error.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.text().startsWith('DEBUG')) console.error('page console:', m.text());
  });
  return page;
}

async function openChat(page: Page, chatId: string): Promise<void> {
  await page.locator(`[data-chat-id="${chatId}"]`).click();
  await page.locator('#logInner .entry').first().waitFor();
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const f = await startHub({ seed: true });
  await setUpCity(f);
  await f.hub.richMenus.install();
  f.emulator.setMap(simulatorMapOf(await f.hub.repos.zones.all(), await f.hub.repos.stations.all()));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  try {
    const page = await newPage(browser, { viewport: DESKTOP });
    await page.goto(`${f.emulatorUrl}/`);
    await expectSeen(page.getByText('live', { exact: true }), 'the live indicator');

    // Somchai reports a suspicious person, tapping through the chat.
    await openChat(page, SOMCHAI);
    await page.locator('#richmenuAreas').getByRole('button', { name: 'แจ้งเหตุ', exact: true }).click();
    const chip = (name: string) => page.locator('#chips').getByRole('button', { name, exact: true });
    await chip('บุคคลน่าสงสัย').click();
    await page.getByRole('button', { name: 'Keyboard' }).click();
    await page.getByLabel('Message').fill('ชายสวมหมวกดำเดินดูรถจักรยานยนต์หลายคันหน้าร้านสะดวกซื้อ');
    await page.getByLabel('Message').press('Enter');
    await expectSeen(page.locator('#chips').getByRole('button').first(), 'the photo prompt');
    await page.locator('#photoInput').setInputFiles({
      name: 'scene.jpg',
      mimeType: 'image/jpeg',
      buffer: await drawPhoto(page, 640, 480, 'image/jpeg'),
    });
    await expectSeen(chip('เสร็จแล้ว'), 'the done chip');
    await chip('เสร็จแล้ว').click();
    await chip('ส่งตำแหน่ง').click();
    await page.locator('#map').click({ position: { x: 300, y: 200 } });
    await page.getByLabel('Jump to a place').selectOption({ label: 'สถานีตำรวจภูธรหาดใหญ่' });
    await page.getByLabel('Latitude').fill('7.0043');
    await page.getByLabel('Longitude').fill('100.4682');
    await page.getByLabel('Longitude').dispatchEvent('change');
    await page.screenshot({ path: path.join(OUT, 'simulator-map-picker.png') });
    await page.getByRole('button', { name: 'Send this location' }).click();
    await chip('แสดงชื่อ').click();
    await expectSeen(page.locator('#log').getByText('ตรวจสอบก่อนส่งนะคะ', { exact: true }), 'the confirm card');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, 'simulator-desktop-resident-report.png') });

    await page.locator('#log').getByRole('button', { name: 'ส่งเรื่อง', exact: true }).click();
    await expectSeen(page.locator('#log').getByText('ส่งเรื่องเรียบร้อยแล้ว', { exact: false }), 'the case number');

    // John presses SOS from the menu under his chat.
    await openChat(page, JOHN);
    await page.locator('#richmenuAreas').getByRole('button', { name: /^SOS/ }).click();
    await f.settle();

    // The station group: the report card and the SOS card.
    await openChat(page, HYI_GROUP);
    await expectSeen(page.locator('#log .f-bubble').last(), 'the SOS card');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, 'simulator-desktop-group-sos.png') });

    const phone = await newPage(browser, { viewport: PHONE, deviceScaleFactor: 2 });
    await phone.goto(`${f.emulatorUrl}/`);
    await expectSeen(phone.getByText('live', { exact: true }), 'the live indicator');
    await openChat(phone, SOMCHAI);
    await phone.waitForTimeout(300);
    await phone.screenshot({ path: path.join(OUT, 'simulator-phone-resident.png') });
    await phone.getByRole('button', { name: 'Back to the chats' }).click();
    await openChat(phone, HYI_GROUP);
    await phone.waitForTimeout(300);
    await phone.screenshot({ path: path.join(OUT, 'simulator-phone-group-sos.png') });
  } catch (error) {
    for (const [i, p] of browser
      .contexts()
      .flatMap((c) => c.pages())
      .entries())
      await p.screenshot({ path: `/tmp/simulator-failure-${i}.png` });
    throw error;
  } finally {
    await browser.close();
    await f.close();
  }
  console.log(`screenshots in ${OUT}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
