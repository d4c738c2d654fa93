// The station dashboard (/dashboard on the hub) in a real Chromium, beside the chat simulator: an
// officer signs in, watches the Now page while residents report and press SOS in the simulator, and
// moves a case from the dashboard; what the resident then sees in the simulator is checked on screen.
// The dashboard is built by Vite the way `npm run build` builds it, into a temporary folder.
//
// Chromium comes from Debian (`apt-get install chromium`; .ci/run installs it). Machines without it
// skip this file by name instead of failing.
import fs from 'node:fs';
import request from 'supertest';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { simulatorMapOf } from '../../src/emulator';
import { encodePostback } from '../../src/bot/postback';
import { HYI_GROUP, JOHN, OFFICER_A, SOMCHAI, setUpCity } from '../support/city';
import { ADMIN_TOKEN, PLACES, startHub, uid, type HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';
import { SANTISUK } from '../support/zone-news';
import { SUPER, stationToken } from '../support/admin';
import { CHROMIUM, LAUNCH_ARGS, STEP_MS, expectSeen } from './browser-support';
import { buildDashboard, removeBuild } from './dashboard-build';

const DESK = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const OFFICER_TOKEN_NAME = 'ร.ต.ท.หญิง ศิริพร (ศูนย์วิทยุ)';

let counter = 0;
/** A resident no other test uses, who followed the OA and accepted the notice. */
async function freshResident(f: HubFixture, name: string): Promise<string> {
  const userId = uid(`f${(++counter).toString(16)}`);
  f.emulator.users.add({ userId, displayName: name, language: 'th' });
  await f.emulator.driver.follow(userId);
  await f.emulator.driver.postback({ userId }, 'a=consent&v=accept');
  await f.settle();
  return userId;
}

/**
 * Console errors the dashboard causes on purpose: the sign-in page asks who is signed in (401
 * before sign-in, and for a wrong token), and the broadcasts and patrol routes are probed (404 on a
 * hub without them). Anything else is a failure.
 */
function expected(m: ConsoleMessage): boolean {
  const url = m.location().url ?? '';
  return /status of 401/.test(m.text())
    ? url.endsWith('/admin/session')
    : /status of 404/.test(m.text()) && /\/admin\/(broadcasts|patrols)/.test(url);
}

if (!fs.existsSync(CHROMIUM)) {
  describe('dashboard in a real browser', () => {
    it.skip(`skipped: chromium not installed at ${CHROMIUM}`, () => undefined);
  });
} else {
  describe('dashboard in a real browser', () => {
    let f: HubFixture;
    let browser: Browser;
    let built: string | undefined;
    let officerToken: string;
    let pageErrors: string[] = [];
    const pages: Page[] = [];

    const newPage = async (viewport = DESK, options: { colorScheme?: 'light' | 'dark' } = {}) => {
      const context = await browser.newContext({ viewport, ...options });
      const p = await context.newPage();
      p.on('pageerror', (err) => pageErrors.push(err.message));
      p.on('console', (m) => {
        if (m.type() === 'error' && !expected(m)) pageErrors.push(`${m.text()} (${m.location().url})`);
      });
      pages.push(p);
      return p;
    };

    /** Opens the dashboard and signs in with the officer's station token, as a person would. */
    const signIn = async (viewport = DESK, options: { colorScheme?: 'light' | 'dark' } = {}) => {
      const p = await newPage(viewport, options);
      await p.goto(`${f.hubUrl}/dashboard/`);
      await p.getByLabel('รหัสผู้ดูแล (token)').fill(officerToken);
      await p.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
      await expectSeen(p.getByRole('status').filter({ hasText: 'อัปเดตสด' }), 'the live indicator');
      return p;
    };

    /** The chat simulator with one chat open, on a phone-sized window. */
    const simulator = async (chatId: string) => {
      const p = await newPage({ width: 420, height: 820 });
      await p.goto(`${f.emulatorUrl}/`);
      await expectSeen(p.getByText('live', { exact: true }), 'the simulator connected');
      await p.locator(`[data-chat-id="${chatId}"]`).click();
      await p.locator('#chatHead').waitFor();
      return p;
    };

    beforeAll(async () => {
      built = await buildDashboard();
      f = await startHub({ seed: true, dashboard: { dir: built } });
      await setUpCity(f);
      f.emulator.setMap(simulatorMapOf(await f.hub.repos.zones.all(), await f.hub.repos.stations.all()));
      officerToken = await stationToken(f, 'HYI', OFFICER_TOKEN_NAME);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await f?.close();
      removeBuild(built);
    });

    beforeEach(() => {
      pageErrors = [];
    });

    afterEach(async () => {
      for (const p of pages.splice(0)) await p.context().close();
      // A script error on the page is a failure even when the visible outcome happened to be right.
      expect(pageErrors).toEqual([]);
    });

    it('when an officer signs in with a station token, then the Now page greets them by name, the token is kept in neither the address nor the page, and signing out asks for it again', async () => {
      const page = await newPage();
      await page.goto(`${f.hubUrl}/dashboard`);
      // A wrong token: said in Thai, and the form stays.
      await page.getByLabel('รหัสผู้ดูแล (token)').fill('ssz_000000000000_wrong');
      await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
      await expectSeen(page.getByRole('alert').filter({ hasText: 'รหัสไม่ถูกต้อง' }), 'the wrong-token message');

      await page.getByLabel('รหัสผู้ดูแล (token)').fill(officerToken);
      await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
      await expectSeen(page.getByText(`${OFFICER_TOKEN_NAME} · สถานี HYI`), "the officer's token name");
      // This hub has the broadcasts API: its page is offered.
      await expectSeen(page.getByRole('link', { name: /ประกาศ/ }), 'the broadcasts link');
      await expectSeen(page.getByRole('heading', { name: 'SOS', exact: true }), 'the SOS heading of the Now page');
      expect(page.url()).toBe(`${f.hubUrl}/dashboard/`);
      const stored = await page.evaluate(() => {
        const g = globalThis as any;
        return JSON.stringify([g.localStorage, g.sessionStorage, g.document.cookie]);
      });
      expect(stored).not.toContain(officerToken.slice(-20));
      // The session is a cookie the page cannot read: it survives a reload.
      await page.reload();
      await expectSeen(page.getByText(`${OFFICER_TOKEN_NAME} · สถานี HYI`), 'the name after a reload');

      await page.getByTitle('ตั้งค่า').click();
      await page.getByRole('button', { name: 'ออกจากระบบ' }).click();
      await expectSeen(page.getByLabel('รหัสผู้ดูแล (token)'), 'the token field after signing out');
      await page.reload();
      await expectSeen(page.getByLabel('รหัสผู้ดูแล (token)'), 'the token field after a reload');
    }, 30_000);

    it('when a resident files a report in the chat simulator, then it is on the open Now page within 2 s, without the page reading its lists again', async () => {
      const resident = await freshResident(f, 'วิภาวรรณ');
      const dashboard = await signIn();
      const listReads: string[] = [];
      dashboard.on('request', (r) => {
        if (/\/admin\/(cases|alerts)\?/.test(r.url())) listReads.push(r.url());
      });

      // In the simulator, as the resident would: the keyword, a category chip, words, no photo, a pin, confirm.
      const sim = await simulator(resident);
      const chip = (name: string) => sim.locator('#chips').getByRole('button', { name, exact: true });
      await sim.getByLabel('Message').fill('แจ้งเหตุ');
      await sim.getByLabel('Message').press('Enter');
      await chip('บุคคลน่าสงสัย').click();
      await expectSeen(sim.locator('#log').getByText('เล่าเหตุการณ์', { exact: false }).last(), 'the ask for words');
      await sim.getByLabel('Message').fill('ชายสองคนเดินดูรถจักรยานยนต์หลายคันหน้าร้านสะดวกซื้อ');
      await sim.getByLabel('Message').press('Enter');
      await chip('ข้าม').click();
      await chip('ส่งตำแหน่ง').click();
      await sim.getByLabel('Latitude').fill(String(PLACES.santisuk.latitude));
      await sim.getByLabel('Longitude').fill(String(PLACES.santisuk.longitude));
      await sim.getByLabel('Longitude').dispatchEvent('change');
      await sim.getByRole('button', { name: 'Send this location' }).click();
      await chip('แสดงชื่อ').click();
      await sim.locator('#log').getByRole('button', { name: 'ส่งเรื่อง', exact: true }).click();

      // From the moment the hub has stored it, the dashboard has 2 s.
      let caseId: string | undefined;
      const deadline = Date.now() + STEP_MS;
      while (!caseId && Date.now() < deadline) {
        caseId = (await f.hub.repos.cases.byReporter(resident, 1))[0]?._id;
        if (!caseId) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(caseId).toBeDefined();
      const row = dashboard.locator(`[data-case-id="${caseId}"]`);
      await row.waitFor({ state: 'visible', timeout: 2000 });
      await expectSeen(row.getByText('บุคคลน่าสงสัย'), 'the category on the new row');
      await expectSeen(row.getByText('รอรับเรื่อง'), 'its state');
      await expectSeen(row.getByText('เป้า: รับเรื่องใน 10 นาที'), "the station's target for a suspicious person");
      // It came over the live feed: the page did not read the lists again.
      expect(listReads).toEqual([]);
    }, 40_000);

    it("when the officer moves a case on the dashboard, then the resident's chat in the simulator shows the update with the officer's name, and the case's history says it was done on the dashboard", async () => {
      const resident = await freshResident(f, 'ประเสริฐ');
      await fileReport(f, resident, { category: 'theft', words: 'รถจักรยานยนต์หายหน้าตลาด', photos: 1 });
      const [c] = await f.hub.repos.cases.byReporter(resident, 1);
      const sim = await simulator(resident);
      const dashboard = await signIn();
      await dashboard.locator(`[data-case-id="${c!._id}"]`).click();
      await expectSeen(dashboard.getByRole('heading', { name: /ลักทรัพย์\/ของหาย/ }), 'the case heading');
      await expectSeen(dashboard.getByText('รถจักรยานยนต์หายหน้าตลาด'), "the resident's words");
      const photo = dashboard.getByRole('img', { name: `รูปที่ 1 ของเรื่อง ${c!._id}` });
      await photo.evaluate((img: any) => img.scrollIntoView({ block: 'center' }));
      await expectSeen(photo, 'the photo');
      expect(await photo.evaluate((img: any) => img.naturalWidth as number)).toBeGreaterThan(0);
      await dashboard.evaluate(() => (globalThis as any).scrollTo(0, 0));
      // A new case offers only what the LINE card offers: acknowledge (or close it as a duplicate and the like).
      expect(await dashboard.getByRole('button', { name: 'กำลังเดินทาง', exact: true }).count()).toBe(0);

      await dashboard.getByRole('button', { name: 'รับเรื่อง', exact: true }).click();
      await expectSeen(dashboard.getByRole('status').filter({ hasText: 'บันทึกแล้ว: รับเรื่อง' }), 'the saved notice');
      await expectSeen(dashboard.locator('.timeline').getByText('รอรับเรื่อง → รับเรื่องแล้ว'), 'the step in the history');
      await expectSeen(dashboard.locator('.timeline').getByText('หน้าจอนี้'), 'where it was done');

      // The resident reads it in their chat in the simulator, with the name the officer signed in as.
      const update = sim.locator('#log .bubble', { hasText: `อัปเดตเรื่อง ${c!._id}: รับเรื่องแล้ว` });
      await expectSeen(update, 'the update in the resident’s chat');
      expect(await update.textContent()).toContain(OFFICER_TOKEN_NAME);
      // Closing needs a second press, and then the case leaves the Now page.
      await dashboard.getByRole('button', { name: 'ปิดเรื่อง', exact: true }).click();
      await expectSeen(dashboard.getByRole('button', { name: 'กดอีกครั้งเพื่อยืนยัน: ปิดเรื่อง' }), 'the confirm press');
      expect((await f.hub.repos.cases.get(c!._id))?.status).toBe('acknowledged');
      await dashboard.getByRole('button', { name: 'กดอีกครั้งเพื่อยืนยัน: ปิดเรื่อง' }).click();
      await expectSeen(
        sim.locator('#log .bubble', { hasText: `อัปเดตเรื่อง ${c!._id}: ปิดเรื่องแล้ว` }),
        'the resolved update',
      );
      await dashboard.getByRole('link', { name: '‹ ตอนนี้' }).click();
      await expectSeen(dashboard.getByRole('heading', { name: 'SOS', exact: true }), 'the Now page');
      await dashboard.locator(`[data-case-id="${c!._id}"]`).waitFor({ state: 'detached', timeout: STEP_MS });
    }, 40_000);

    it('when a resident presses SOS, then it shows above the cases in red with its age ticking, and when an officer acknowledges it in LINE, then the card says who', async () => {
      const dashboard = await signIn();
      await f.emulator.driver.postback({ userId: JOHN }, encodePostback({ a: 'sos' }), undefined, '🆘 SOS');
      await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
      await f.settle();
      const alert = await f.hub.repos.alerts.openFor(JOHN);
      const card = dashboard.locator(`[data-alert-id="${alert!._id}"]`);
      await expectSeen(card.getByText('John', { exact: true }), 'the SOS card with the name');
      await expectSeen(card.getByText('ยังไม่มีผู้รับเรื่อง'), 'nobody has taken it');
      const red = await card.evaluate((el: any) => (globalThis as any).getComputedStyle(el).backgroundColor as string);
      const [r, g, b] = (red.match(/\d+/g) ?? []).map(Number);
      expect(r).toBeGreaterThan(150);
      expect(g! + b!).toBeLessThan(120);
      // Above the cases.
      const sosTop = (await card.boundingBox())!.y;
      const casesTop = (await dashboard.getByRole('heading', { name: /เรื่องแจ้งเหตุที่ยังไม่ปิด/ }).boundingBox())!.y;
      expect(sosTop).toBeLessThan(casesTop);
      // The age ticks without anything else happening.
      const age = card.locator('.age');
      const first = await age.textContent();
      await dashboard.waitForFunction(
        ([selector, before]) => (globalThis as any).document.querySelector(selector)?.textContent !== before,
        [`[data-alert-id="${alert!._id}"] .age`, first] as const,
        { timeout: STEP_MS },
      );

      await f.emulator.driver.postback(
        { groupId: HYI_GROUP, userId: OFFICER_A },
        encodePostback({ a: 'sos-act', id: alert!._id, to: 'acknowledged' }),
      );
      await expectSeen(card.getByText('รับเรื่องโดย ร.ต.อ. อนันต์'), 'the officer who acknowledged');
      await expectSeen(card.getByText('รับเรื่องแล้ว', { exact: true }), 'the new state');
      await f.settle();
    }, 30_000);

    it('when a case is past its target or reached no station group, then its row on the Now page is marked so', async () => {
      // HYI wants noise acknowledged within a second; a new station SDO has a zone but no LINE group.
      const put = await request(f.hub.app)
        .put('/admin/stations/HYI/targets')
        .set('authorization', SUPER)
        .send({ acknowledgeMinutes: { noise: 0.01 } });
      expect(put.status).toBe(200);
      await request(f.hub.app)
        .put('/admin/stations/SDO')
        .set('authorization', SUPER)
        .send({
          name: { th: 'สถานีตำรวจภูธรสะเดา', en: 'Sadao Police Station', ms: 'Balai Polis Sadao' },
          phone: '074-411-222',
          location: { lat: 6.64, lng: 100.42 },
        })
        .expect(201);
      const square = [
        [100.41, 6.63],
        [100.43, 6.63],
        [100.43, 6.65],
        [100.41, 6.65],
        [100.41, 6.63],
      ];
      await request(f.hub.app)
        .post('/admin/zones')
        .set('authorization', SUPER)
        .send({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: {
                id: 'sadao-market',
                stationCode: 'SDO',
                name_th: 'ตลาดสะเดา',
                name_en: 'Sadao market',
                name_ms: 'Pasar Sadao',
              },
              geometry: { type: 'Polygon', coordinates: [square] },
            },
          ],
        })
        .expect(200);
      const loud = await freshResident(f, 'กัญญา');
      await fileReport(f, loud, { category: 'noise', words: 'เสียงดังจากงานเลี้ยง' });
      const far = await freshResident(f, 'ธนากร');
      await fileReport(f, far, {
        category: 'suspicious',
        words: 'มีคนเดินดูรถหลายคัน',
        location: { latitude: 6.64, longitude: 100.42, address: 'ตลาดสะเดา' },
      });
      const [noisy] = await f.hub.repos.cases.byReporter(loud, 1);
      const [waiting] = await f.hub.repos.cases.byReporter(far, 1);
      expect(waiting!.groupId).toBeUndefined();

      // The super-admin sees every station, so the case of Sadao is on the same screen.
      const page = await newPage();
      await page.goto(`${f.hubUrl}/dashboard/`);
      await page.getByLabel('รหัสผู้ดูแล (token)').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
      const overdueRow = page.locator(`[data-case-id="${noisy!._id}"]`);
      await expectSeen(overdueRow.getByText(/^⚠ เกินเวลารับเรื่อง/), 'the overdue mark');
      expect(await overdueRow.getAttribute('class')).toContain('overdue');
      const waitingRow = page.locator(`[data-case-id="${waiting!._id}"]`);
      await expectSeen(waitingRow.getByText(/ยังไม่ถึงกลุ่ม LINE ของสถานีใด/), 'the unrouted flag');
      await expectSeen(waitingRow.getByText('สถานีตำรวจภูธรสะเดา', { exact: false }), 'its station');
      await request(f.hub.app).put('/admin/stations/HYI/targets').set('authorization', SUPER).send({}).expect(200);
    }, 40_000);

    it('when the officer opens the figures, then the latest week of their station shows, per category, what the hub counted, in charts and a table', async () => {
      // A drugs report acknowledged in LINE, and one nobody has taken yet.
      const reporters = [await freshResident(f, 'มานพ'), await freshResident(f, 'วิไล')];
      for (const r of reporters) await fileReport(f, r, { category: 'drugs', words: 'มีการซื้อขายยาในซอย' });
      const [taken] = await f.hub.repos.cases.byReporter(reporters[0]!, 1);
      // Filed an hour and a half before an officer took it (this hub's clock runs on from a fixed start).
      await f.hub.repos.cases.update(taken!._id, { createdAt: taken!.createdAt - 90 * 60_000 });
      await f.emulator.driver.postback(
        { groupId: HYI_GROUP, userId: OFFICER_A },
        encodePostback({ a: 'case', id: taken!._id, to: 'acknowledged' }),
      );
      await f.settle();

      // The page asks for the weeks back from the browser's clock: the hub's clock, as in production.
      const page = await newPage();
      await page.clock.setFixedTime(f.clock.now());
      await page.goto(`${f.hubUrl}/dashboard/`);
      await page.getByLabel('รหัสผู้ดูแล (token)').fill(officerToken);
      await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
      await page.getByRole('link', { name: /สถิติ/ }).click();
      await expectSeen(page.getByRole('heading', { name: 'สถิติรายสัปดาห์' }), 'the figures page');

      const from = new Date(f.clock.now() - 8 * 7 * 24 * 60 * 60_000).toISOString();
      const figures = await request(f.hub.app)
        .get('/admin/figures')
        .query({ from })
        .set('authorization', `Bearer ${officerToken}`)
        .expect(200);
      type Row = { stationCode: string; category: string; reported: number; acknowledge: { p50?: number } };
      const weeks = figures.body.weeks as Array<{ cases: Row[] }>;
      const latest = [...weeks].reverse().find((w) => w.cases.some((c) => c.stationCode === 'HYI'))!;
      const ours = latest.cases.filter((c) => c.stationCode === 'HYI');
      const drugs = ours.find((c) => c.category === 'drugs')!;
      expect(drugs.reported).toBeGreaterThanOrEqual(2);
      expect(drugs.acknowledge.p50! / 60).toBeGreaterThanOrEqual(90);

      // The table: one row per category of the station, with the hub's counts and minutes.
      const rows = page.locator('.week-table tbody tr');
      await expectSeen(rows.first(), 'the week table');
      const cells = await rows.evaluateAll((trs: any[]) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td: any) => String(td.textContent))),
      );
      expect(cells.map((r) => Number(r[1]))).toEqual(ours.map((c) => c.reported));
      const drugsRow = cells.find((r) => r[0] === 'ยาเสพติด')!;
      expect(drugsRow[1]).toBe(String(drugs.reported));
      expect(drugsRow[2]).toBe((drugs.acknowledge.p50! / 60).toFixed(1));
      // The charts name what they show.
      await page.getByLabel('หมวด').selectOption('drugs');
      await expectSeen(page.getByText('เวลาถึงการรับเรื่อง: ยาเสพติด · ', { exact: false }), 'the acknowledge chart');
      await expectSeen(page.getByText('เวลาถึงการปิดเรื่อง: ยาเสพติด · ', { exact: false }), 'the resolve chart');
    }, 40_000);

    it('when the map opens, then every zone is drawn and named on it', async () => {
      const zones = await f.hub.repos.zones.all();
      const page = await signIn();
      await page.getByRole('link', { name: /แผนที่/ }).click();
      const map = page.getByRole('region', { name: 'แผนที่' });
      await expectSeen(map, 'the map');
      const hyiZones = zones.filter((z) => z.stationCode === 'HYI');
      expect(hyiZones.length).toBeGreaterThan(0);
      // A station admin sees its own station's zones: one outline and one name on the map each.
      await map
        .locator('path.zone-shape')
        .nth(hyiZones.length - 1)
        .waitFor({ state: 'attached', timeout: STEP_MS });
      expect(await map.locator('path.zone-shape').count()).toBe(hyiZones.length);
      // Zone names are drawn over the map and let clicks through to the points under them, so they
      // are checked by place rather than by what a click there would reach.
      const box = (await map.boundingBox())!;
      for (const z of hyiZones) {
        const name = map.getByText(z.name.th, { exact: true });
        expect(await name.isVisible()).toBe(true);
        const at = (await name.boundingBox())!;
        expect(at.x).toBeGreaterThanOrEqual(box.x);
        expect(at.y).toBeGreaterThanOrEqual(box.y);
        expect(at.x + at.width).toBeLessThanOrEqual(box.x + box.width);
        expect(at.y + at.height).toBeLessThanOrEqual(box.y + box.height);
      }
      const outline = await map.locator('path.zone-shape').first().boundingBox();
      expect(outline!.width).toBeGreaterThan(40);
      expect(outline!.height).toBeGreaterThan(40);
    }, 30_000);

    it('when the officer writes a zone broadcast, then the preview shows what Thai and English readers will get, and once sent a follower has it in LINE and the record counts them', async () => {
      const follower = await freshResident(f, 'ปิยะนุช');
      await f.emulator.driver.postback({ userId: follower }, `a=follow&z=${SANTISUK}&s=pin`);
      await f.settle();
      const page = await signIn();
      await page.getByRole('link', { name: /ประกาศ/ }).click();
      await page.getByRole('checkbox', { name: 'ชุมชนสันติสุข' }).check();
      await page.getByLabel('ข้อความภาษาไทย (ต้องมี)').fill('คืนนี้ 22:00 ตำรวจตั้งจุดตรวจที่ถนนสันติสุข ขออภัยในความไม่สะดวก');
      await page.getByLabel('ภาษาอังกฤษ').fill('Tonight at 22:00 police will run a checkpoint on Santisuk Road.');
      // English without Malay is refused before anything is sent, in words.
      await page.getByRole('button', { name: 'ดูตัวอย่าง' }).click();
      await expectSeen(
        page.getByRole('status').filter({ hasText: 'ใส่ภาษาอังกฤษและมลายูคู่กัน' }),
        'the both-or-neither rule',
      );
      await page
        .getByLabel('ภาษามลายู')
        .fill('Malam ini jam 22:00 polis akan mengadakan sekatan jalan di Jalan Santisuk.');
      await page.getByRole('button', { name: 'ดูตัวอย่าง' }).click();
      await expectSeen(page.getByText(/ตัวอย่างที่แต่ละภาษาจะได้รับ \(ผู้รับ 1 คน\)/), 'the number of people it reaches');
      await expectSeen(page.locator('.preview-bubble', { hasText: 'Tonight at 22:00' }).first(), 'the English preview');
      await page.getByRole('button', { name: 'ส่งเลย' }).click();
      await page.getByRole('button', { name: 'กดอีกครั้งเพื่อส่งถึง 1 คน' }).click();
      await expectSeen(page.getByRole('status').filter({ hasText: /เริ่มส่งประกาศ/ }), 'the sent notice');
      await f.settle();
      expect(JSON.stringify(f.seen(follower))).toContain('ตำรวจตั้งจุดตรวจที่ถนนสันติสุข');
      // The record: open the newest broadcast and read its run.
      await page.reload();
      await page.locator('.table button').first().click();
      await expectSeen(page.getByText(/LINE รับ 1\/1/), 'the accepted batch in the delivery record');
    }, 40_000);

    it('when an officer checks in on patrol, then the map shows the check-in in its patrol layer', async () => {
      await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol');
      await f.emulator.driver.location({ userId: OFFICER_A }, { ...PLACES.santisuk, address: 'หน้าวัดสันติสุข' });
      await f.settle();
      const page = await signIn();
      await page.getByRole('link', { name: /แผนที่/ }).click();
      const layer = page.getByRole('checkbox', { name: /จุดตรวจสายตรวจ \(1\)/ });
      await expectSeen(layer, 'the patrol layer with one check-in');
      const map = page.getByRole('region', { name: 'แผนที่' });
      const marks = map.locator('path.pt-patrol');
      await marks.first().waitFor({ state: 'attached', timeout: STEP_MS });
      expect(await marks.count()).toBe(1);
      await layer.uncheck();
      // The map redraws after the click has returned: wait for the mark to go, then count.
      await marks.first().waitFor({ state: 'detached', timeout: STEP_MS });
      expect(await marks.count()).toBe(0);
    }, 30_000);

    it('when switched to English and the dark theme, then the words and the colours change and stay after a reload', async () => {
      const page = await signIn();
      await page.getByTitle('ตั้งค่า').click();
      await page.getByLabel('ภาษา').selectOption('en');
      await page.getByLabel('Screen colours').selectOption('dark');
      await expectSeen(page.getByRole('link', { name: /Now/ }), 'the Now link in English');
      await page.reload();
      await expectSeen(page.getByRole('heading', { name: /Open cases/ }), 'the cases heading in English');
      const background = await page.evaluate(
        () => (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor as string,
      );
      const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
      expect(r! + g! + b!).toBeLessThan(100);
    }, 30_000);

    it('when opened on a 390 px phone, then nothing is wider than the screen and the pages are in a bar at the bottom', async () => {
      await fileReport(f, SOMCHAI, { category: 'accident', words: 'รถชนกันที่สี่แยก ไม่มีคนเจ็บ' });
      const page = await signIn(PHONE);
      await expectSeen(page.locator('[data-case-id]').first(), 'a case row');
      const width = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number);
      expect(width).toBeLessThanOrEqual(PHONE.width);
      const nav = await page.getByRole('navigation').boundingBox();
      expect(nav!.y + nav!.height).toBeGreaterThan(PHONE.height - 4);
      await expectSeen(page.getByRole('link', { name: /แผนที่/ }), 'the map link in the bottom bar');
    }, 30_000);
  });
}
