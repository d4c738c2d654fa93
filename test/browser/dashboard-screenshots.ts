// `npm run screenshots:dashboard`: the README's pictures of the station dashboard, light and dark,
// on a 1440 px desktop and a 390 px phone, in Debian's Chromium. The hub gets eight weeks of Hat Yai
// demo life through the real flows, on a clock moved by hand: residents report in their chats (the
// emulator's webhook driver, as the chat simulator sends them), officers tap the cards' buttons in
// the station group, residents press SOS and send a pin. Khlong Hae's station has no LINE group, so
// its cases wait. Writes docs/screenshots/dashboard-*.png.
import fs from 'node:fs';
import path from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { encodePostback } from '../../src/bot/postback';
import { ManualClock } from '../../src/util/clock';
import { issueCode } from '../support/city';
import { ADMIN_TOKEN, TEST_EPOCH, gid, startHub, uid, type HubFixture } from '../support/hub-fixture';
import { CHROMIUM, LAUNCH_ARGS, drawPhoto } from './browser-support';
import { buildDashboard, removeBuild } from './dashboard-build';

const OUT = path.join(__dirname, '..', '..', 'docs', 'screenshots');
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = TEST_EPOCH;

const GROUP = gid('7');
const OFFICERS = [
  { id: uid('71'), line: 'Anan S.', name: 'ร.ต.อ. อนันต์ ศรีวงศ์' },
  { id: uid('72'), line: 'Boonmee', name: 'ด.ต. บุญมี แสงทอง' },
  { id: uid('73'), line: 'Siriporn', name: 'ส.ต.ท.หญิง ศิริพร ใจงาม' },
];
const RESIDENTS = [
  { name: 'สมหญิง รักดี', lang: 'th' },
  { name: 'ประเสริฐ ทองดี', lang: 'th' },
  { name: 'วิภาวรรณ แก้วมณี', lang: 'th' },
  { name: 'ชยพล ศรีสุข', lang: 'th' },
  { name: 'กัญญา บุญมา', lang: 'th' },
  { name: 'ธนากร จันทร์แก้ว', lang: 'th' },
  { name: 'ปิยะนุช สายทอง', lang: 'th' },
  { name: 'Ahmad Ismail', lang: 'ms' },
  { name: 'Nurul Aina', lang: 'ms' },
  { name: 'Emily Carter', lang: 'en' },
  { name: 'Daniel Lee', lang: 'en' },
  { name: 'มานพ ดวงดี', lang: 'th' },
] as const;
const residentId = (i: number) => uid(`a${i.toString(16)}`);

const WORDS: Record<string, string[]> = {
  theft: ['รถจักรยานยนต์หายหน้าหอพัก', 'กระเป๋าสตางค์ถูกล้วงในตลาดกิมหยง', 'มีคนงัดกุญแจร้านตอนตีสอง'],
  suspicious: ['ชายสวมหมวกดำเดินดูรถหลายคันหน้าร้านสะดวกซื้อ', 'รถกระบะไม่มีป้ายจอดนานหน้าโรงเรียน'],
  assault: ['มีการทะเลาะวิวาทหน้าร้านเหล้า มีคนบาดเจ็บ', 'ชายเมาสุราข่มขู่คนเดินผ่าน'],
  accident: ['รถจักรยานยนต์ชนกันที่สี่แยกสันติสุข มีคนเจ็บ 1 คน', 'รถเก๋งชนเสาไฟ ไม่มีคนเจ็บ'],
  noise: ['ร้านคาราโอเกะเปิดเพลงเสียงดังเกินเที่ยงคืน', 'กลุ่มวัยรุ่นขับรถเสียงดังวนไปมา'],
  infrastructure: ['ไฟทางดับทั้งซอย มืดมาก', 'กล้อง CCTV หน้าโรงเรียนไม่ทำงาน'],
  other: ['สุนัขจรจัดไล่กัดเด็กนักเรียน', 'มีคนนอนหมดสติข้างถนน'],
};
/** Minutes to acknowledge and to resolve: how the station has been doing, by kind of report. */
const PACE: Record<string, { ack: [number, number]; resolve: [number, number] }> = {
  theft: { ack: [4, 30], resolve: [6 * 60, 60 * 60] },
  suspicious: { ack: [3, 14], resolve: [40, 240] },
  assault: { ack: [1, 6], resolve: [40, 200] },
  accident: { ack: [1, 7], resolve: [30, 150] },
  noise: { ack: [8, 45], resolve: [30, 200] },
  infrastructure: { ack: [60, 900], resolve: [(2 * DAY) / MINUTE, (9 * DAY) / MINUTE] },
  other: { ack: [10, 80], resolve: [60, 600] },
};
const CATEGORIES = [
  'theft',
  'theft',
  'suspicious',
  'suspicious',
  'noise',
  'accident',
  'assault',
  'infrastructure',
  'other',
];

/** A fixed sequence of numbers in [0, 1): the same pictures every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}
const rnd = random(2569);
const between = ([a, b]: [number, number]) => a + (b - a) * rnd() ** 1.6;
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

type Action = { at: number; run: () => Promise<void> };

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const built = await buildDashboard();
  const clock = new ManualClock(NOW - 8 * 7 * DAY);
  const f = await startHub({ seed: true, clock, dashboard: { dir: built } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  try {
    const photoPage = await browser.newPage();
    const photos = [
      await drawPhoto(photoPage, 800, 600, 'image/jpeg'),
      await drawPhoto(photoPage, 600, 800, 'image/jpeg'),
    ];
    await photoPage.close();
    await seed(f, clock, photos);
    await shoot(f, browser);
  } catch (error) {
    for (const [i, p] of browser
      .contexts()
      .flatMap((c) => c.pages())
      .entries())
      await p.screenshot({ path: `/tmp/dashboard-failure-${i}.png` }).catch(() => undefined);
    throw error;
  } finally {
    await browser.close();
    await f.close();
    removeBuild(built);
  }
  console.log(`screenshots in ${OUT}`);
}

/** Eight weeks of reports and SOS in Hat Yai, then tonight's open ones. */
async function seed(f: HubFixture, clock: ManualClock, photos: Buffer[]): Promise<void> {
  const d = f.emulator.driver;
  const zones = await f.hub.repos.zones.all();
  const santisuk = zones.find((z) => z.stationCode === 'HYI')!;
  const khlongHae = zones.find((z) => z.stationCode === 'KHH')!;
  const placeIn = (zone: typeof santisuk) => {
    const ring = (zone.geometry.type === 'Polygon' ? zone.geometry.coordinates[0] : zone.geometry.coordinates[0]![0])!;
    const lngs = ring.map((p) => p[0]!);
    const lats = ring.map((p) => p[1]!);
    for (;;) {
      const lng = Math.min(...lngs) + rnd() * (Math.max(...lngs) - Math.min(...lngs));
      const lat = Math.min(...lats) + rnd() * (Math.max(...lats) - Math.min(...lats));
      if (booleanPointInPolygon([lng, lat], zone.geometry))
        return {
          latitude: Number(lat.toFixed(5)),
          longitude: Number(lng.toFixed(5)),
          address: `${zone.name.th} หาดใหญ่ สงขลา`,
        };
    }
  };

  // The station's group, its officers with the names residents read, and the residents.
  for (const o of OFFICERS) f.emulator.users.add({ userId: o.id, displayName: o.line, language: 'th' });
  f.emulator.groups.add({ groupId: GROUP, groupName: 'สภ.หาดใหญ่ ศูนย์วิทยุ', memberIds: OFFICERS.map((o) => o.id) });
  await d.join(GROUP);
  await d.text(
    { groupId: GROUP, userId: OFFICERS[0]!.id },
    `/bind ${await issueCode(f, { kind: 'station', stationCode: 'HYI' })}`,
  );
  for (const o of OFFICERS) {
    await d.text({ userId: o.id }, `/bind ${await issueCode(f, { kind: 'officer', stationCode: 'HYI' })}`);
    await d.text({ userId: o.id }, `/name ${o.name}`);
  }
  for (const [i, r] of RESIDENTS.entries()) {
    f.emulator.users.add({ userId: residentId(i), displayName: r.name, language: r.lang });
    await d.follow(residentId(i));
    await d.postback({ userId: residentId(i) }, 'a=consent&v=accept');
  }
  await f.settle();

  const actions: Action[] = [];
  const lastCase = async (who: string) => (await f.hub.repos.cases.byReporter(who, 1))[0]!._id;
  const tap = (officer: number, data: Record<string, string>) => () =>
    d.postback({ groupId: GROUP, userId: OFFICERS[officer]!.id }, encodePostback(data)).then(() => undefined);

  /** A report at `at` and what the officers did with it, `steps` minutes after it came. */
  const report = (
    at: number,
    spec: { who: number; category: string; zone?: typeof santisuk; photo?: Buffer },
    steps: Array<{ after: number; to: string; officer: number }>,
  ) => {
    const who = residentId(spec.who);
    const ids: { id?: string } = {};
    actions.push({
      at,
      run: async () => {
        await d.postback({ userId: who }, 'a=report');
        await d.postback({ userId: who }, `a=cat&v=${spec.category}`);
        await d.text({ userId: who }, pick(WORDS[spec.category]!));
        if (spec.photo) await d.image({ userId: who }, spec.photo, 'image/jpeg');
        await d.postback({ userId: who }, 'a=photos-done');
        await d.location({ userId: who }, placeIn(spec.zone ?? santisuk));
        await d.postback({ userId: who }, `a=anon&v=${rnd() < 0.2 ? 'yes' : 'no'}`);
        await d.postback({ userId: who }, 'a=report-confirm');
        await f.settle();
        ids.id = await lastCase(who);
      },
    });
    for (const s of steps)
      actions.push({
        at: at + s.after * MINUTE,
        run: async () => tap(s.officer, { a: 'case', id: ids.id!, to: s.to })(),
      });
  };

  /** An SOS at `at`, the pin 20 s later, acknowledged `ackAfter` seconds in and closed later. */
  const sos = (at: number, who: number, ackAfter: number | undefined, then: Array<{ after: number; to: string }>) => {
    const userId = residentId(who);
    const ids: { id?: string } = {};
    actions.push({
      at,
      run: async () => {
        await d.postback({ userId }, encodePostback({ a: 'sos' }), undefined, '🆘 SOS');
        await f.settle();
        ids.id = (await f.hub.repos.alerts.openFor(userId))!._id;
      },
    });
    actions.push({ at: at + 20_000, run: async () => void (await d.location({ userId }, placeIn(santisuk))) });
    if (ackAfter !== undefined)
      actions.push({
        at: at + ackAfter * 1000,
        run: () => tap(0, { a: 'sos-act', id: ids.id!, to: 'acknowledged' })(),
      });
    for (const s of then)
      actions.push({ at: at + s.after * MINUTE, run: () => tap(0, { a: 'sos-act', id: ids.id!, to: s.to })() });
  };

  // Eight weeks: five to eight reports a week, mostly in the evening, and an SOS or two.
  const start = NOW - 8 * 7 * DAY;
  for (let week = 0; week < 8; week++) {
    const count = 5 + Math.floor(rnd() * 4);
    for (let n = 0; n < count; n++) {
      const at = start + week * 7 * DAY + Math.floor(rnd() * 7) * DAY + (17 + rnd() * 6) * HOUR;
      if (at > NOW - 2 * DAY) continue;
      const category = pick(CATEGORIES);
      const pace = PACE[category]!;
      const ack = between(pace.ack);
      const done = ack + between(pace.resolve);
      const officer = Math.floor(rnd() * OFFICERS.length);
      const steps = [{ after: ack, to: 'acknowledged', officer }];
      if (category !== 'infrastructure') steps.push({ after: ack + 4, to: 'en_route', officer });
      if (['assault', 'accident', 'suspicious', 'noise'].includes(category))
        steps.push({ after: ack + 12, to: 'on_scene', officer });
      steps.push({ after: done, to: rnd() < 0.1 ? 'referred' : 'resolved', officer });
      report(at, { who: Math.floor(rnd() * RESIDENTS.length), category }, steps);
    }
    for (let n = 0; n < 1 + Math.floor(rnd() * 2); n++) {
      const at = start + week * 7 * DAY + Math.floor(rnd() * 7) * DAY + (19 + rnd() * 4) * HOUR;
      sos(at, Math.floor(rnd() * RESIDENTS.length), 25 + rnd() * 150, [{ after: 20 + rnd() * 20, to: 'resolved' }]);
    }
  }

  // Tonight: what is open at 20:00.
  report(NOW - 2 * DAY, { who: 3, category: 'infrastructure' }, [{ after: 200, to: 'acknowledged', officer: 1 }]);
  report(NOW - 3 * HOUR, { who: 4, category: 'assault' }, [
    { after: 3, to: 'acknowledged', officer: 0 },
    { after: 6, to: 'en_route', officer: 0 },
    { after: 14, to: 'on_scene', officer: 0 },
  ]);
  report(NOW - 52 * MINUTE, { who: 1, category: 'theft', photo: photos[0] }, []);
  report(NOW - 35 * MINUTE, { who: 8, category: 'suspicious', zone: khlongHae }, []);
  report(NOW - 26 * MINUTE, { who: 6, category: 'noise' }, [{ after: 9, to: 'acknowledged', officer: 2 }]);
  report(NOW - 14 * MINUTE, { who: 10, category: 'accident', photo: photos[1] }, [
    { after: 2, to: 'acknowledged', officer: 1 },
    { after: 5, to: 'en_route', officer: 1 },
  ]);
  report(NOW - 5 * MINUTE, { who: 2, category: 'suspicious', photo: photos[0] }, []);
  sos(NOW - 9 * MINUTE, 0, 70, [{ after: 3, to: 'en_route' }]);
  // Patrol check-ins this evening: the officer's patrol button, then a pin.
  for (const [i, minutesAgo] of [95, 62, 31, 12].entries())
    actions.push({
      at: NOW - minutesAgo * MINUTE,
      run: async () => {
        const officer = { userId: OFFICERS[i % 2]!.id };
        await d.postback(officer, 'a=patrol');
        await d.location(officer, placeIn(santisuk));
      },
    });
  sos(NOW - 70_000, 9, undefined, []);

  actions.sort((a, b) => a.at - b.at);
  for (const a of actions) {
    if (a.at > clock.now()) clock.set(a.at);
    await a.run();
  }
  clock.set(NOW);
  await f.settle();
  console.log(`seeded ${actions.length} steps`);
}

async function shoot(f: HubFixture, browser: Browser): Promise<void> {
  const contexts: BrowserContext[] = [];
  let cookies: Awaited<ReturnType<BrowserContext['cookies']>> = [];
  const open = async (viewport: typeof DESKTOP, dark: boolean, at: string): Promise<Page> => {
    const context = await browser.newContext({
      viewport,
      deviceScaleFactor: viewport === PHONE ? 2 : 1,
      colorScheme: dark ? 'dark' : 'light',
      reducedMotion: 'reduce',
    });
    contexts.push(context);
    if (cookies.length) await context.addCookies(cookies);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(`${f.hubUrl}/dashboard${at}`);
    return page;
  };
  const settle = async (page: Page) => {
    await page
      .getByRole('status')
      .filter({ hasText: /อัปเดตสด|Live/ })
      .waitFor();
    await page.waitForTimeout(900);
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(OUT, `dashboard-${name}.png`) });

  const signIn = await open(PHONE, false, '/');
  await signIn.getByLabel('รหัสผู้ดูแล (token)').fill(ADMIN_TOKEN.slice(0, 12));
  await shot(signIn, 'phone-sign-in-light');
  await signIn.getByLabel('รหัสผู้ดูแล (token)').fill(ADMIN_TOKEN);
  await signIn.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
  await settle(signIn);
  cookies = await signIn.context().cookies();

  const theft = (await f.hub.repos.cases.search({ category: ['theft'], limit: 1 }))[0]!;
  for (const dark of [false, true]) {
    const theme = dark ? 'dark' : 'light';
    const desk = await open(DESKTOP, dark, '/');
    await settle(desk);
    await shot(desk, `desktop-now-${theme}`);
    const phone = await open(PHONE, dark, '/');
    await settle(phone);
    await shot(phone, `phone-now-${theme}`);

    await desk.goto(`${f.hubUrl}/dashboard/cases/${theft._id}`);
    await settle(desk);
    await shot(desk, `desktop-case-${theme}`);
    await phone.goto(`${f.hubUrl}/dashboard/map`);
    await settle(phone);
    await shot(phone, `phone-map-${theme}`);
    await desk.goto(`${f.hubUrl}/dashboard/map`);
    await settle(desk);
    await shot(desk, `desktop-map-${theme}`);
    await desk.goto(`${f.hubUrl}/dashboard/figures`);
    await settle(desk);
    await shot(desk, `desktop-figures-${theme}`);
    await desk.goto(`${f.hubUrl}/dashboard/broadcasts`);
    await settle(desk);
    await desk.getByRole('checkbox', { name: 'ชุมชนสันติสุข' }).check();
    await desk.getByLabel('ข้อความภาษาไทย (ต้องมี)').fill('คืนนี้ 22:00 ตำรวจตั้งจุดตรวจที่ถนนสันติสุข ขออภัยในความไม่สะดวกค่ะ');
    await desk
      .getByLabel('ภาษาอังกฤษ')
      .fill('Tonight at 22:00 police will run a checkpoint on Santisuk Road. Sorry for the trouble.');
    await desk
      .getByLabel('ภาษามลายู')
      .fill('Malam ini jam 22:00 polis akan mengadakan sekatan jalan di Jalan Santisuk.');
    await desk.getByRole('button', { name: 'ดูตัวอย่าง' }).click();
    await desk.locator('.preview-bubble').first().waitFor();
    await desk.waitForTimeout(300);
    await shot(desk, `desktop-broadcasts-${theme}`);
  }
  for (const c of contexts) await c.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
