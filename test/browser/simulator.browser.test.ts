// The chat simulator (GET / on the emulator) driven in a real Chromium, the way a person uses it to
// try the bot: create a resident, accept the privacy notice, get lost, press SOS. Assertions are on
// what is on screen, in the viewport and not covered, because a message the person has to hunt
// for by scrolling is a bug in a chat window even when it is in the DOM.
//
// Chromium comes from Debian (`apt-get install chromium`; .ci/run installs it). Machines without it
// skip this file by name instead of failing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { HYI_GROUP, KHH_GROUP, setUpCity } from '../support/city';
import { TOKEN, startHub, uid, type HubFixture } from '../support/hub-fixture';

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  // Nothing but loopback: no update checks, no QUIC probes, no sync, no component downloads.
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
// A phone-sized window: where a cramped layout would push the newest message out of sight.
const VIEWPORT = { width: 420, height: 820 };
const STEP_MS = 5000;

// The few browser globals the in-page checks use. The project compiles without the DOM library
// (it is Node code), so the function handed to evaluate() reads them through these shapes.
interface PageElement {
  getBoundingClientRect(): { top: number; left: number; bottom: number; right: number; width: number; height: number };
  contains(other: PageElement): boolean;
  parentElement: PageElement | null;
}
interface PageWindow {
  innerHeight: number;
  innerWidth: number;
  document: { elementFromPoint(x: number, y: number): PageElement | null };
  getComputedStyle(node: PageElement): { color: string; backgroundColor: string };
}

/**
 * Whether a person looking at the window, without scrolling, can read the element: inside the
 * viewport, nothing drawn over its centre, and its text at least 3:1 against what is behind it
 * (WCAG's floor for large text; white text on a white card, say, is 1:1).
 */
async function readable(locator: Locator): Promise<{ ok: boolean; why: string }> {
  if (!(await locator.isVisible())) return { ok: false, why: 'not visible' };
  return locator.evaluate((element) => {
    const win = globalThis as unknown as PageWindow;
    const node = element as unknown as PageElement;
    const r = node.getBoundingClientRect();
    if (
      r.width === 0 ||
      r.height === 0 ||
      r.top < 0 ||
      r.left < 0 ||
      r.bottom > win.innerHeight ||
      r.right > win.innerWidth
    ) {
      return { ok: false, why: `outside the viewport (top ${Math.round(r.top)}, bottom ${Math.round(r.bottom)})` };
    }
    const top = win.document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (top === null || (top !== node && !node.contains(top))) return { ok: false, why: 'covered by another element' };
    const rgba = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([red, green, blue]: number[]) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(red!) + 0.7152 * lin(green!) + 0.0722 * lin(blue!);
    };
    let behind = [255, 255, 255];
    for (let at: PageElement | null = node; at; at = at.parentElement) {
      const bg = rgba(win.getComputedStyle(at).backgroundColor);
      if (bg.length >= 3 && (bg.length === 3 || bg[3]! > 0)) {
        behind = bg;
        break;
      }
    }
    const [a, b] = [luminance(rgba(win.getComputedStyle(node).color)), luminance(behind)];
    const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    return contrast >= 3
      ? { ok: true, why: '' }
      : { ok: false, why: `contrast ${contrast.toFixed(2)}:1 against its background` };
  });
}

/** Waits until a person looking at the window would see and be able to read the element. */
async function expectSeen(locator: Locator, what: string): Promise<void> {
  const deadline = Date.now() + STEP_MS;
  let last = { ok: false, why: 'never checked' };
  while (Date.now() < deadline) {
    last = await readable(locator);
    if (last.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not readable on screen within ${STEP_MS} ms (${last.why})`);
}

function screenshotPath(name: string): string {
  return path.join(os.tmpdir(), `simulator-${name}.png`);
}

if (!fs.existsSync(CHROMIUM)) {
  describe('chat simulator in a real browser', () => {
    it.skip(`skipped: chromium not installed at ${CHROMIUM}`, () => undefined);
  });
} else {
  describe('chat simulator in a real browser', () => {
    let f: HubFixture;
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      f = await startHub({ seed: true });
      // Behind the scenes, as the station would have done it: station groups bound, officers registered.
      await setUpCity(f);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
      page = await browser.newPage({ viewport: VIEWPORT });
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
      await page.goto(`${f.emulatorUrl}/`);
      await expectSeen(page.getByText('live', { exact: true }), 'the live indicator (event stream connected)');
    }, 20_000);

    afterAll(async () => {
      await browser?.close();
      await f?.close();
    });

    afterEach(() => {
      // A script error on the page is a failure even when the visible outcome happened to be right.
      expect(pageErrors).toEqual([]);
    });

    it('when a Thai resident follows, accepts the notice, types something unknown and taps SOS, then each answer shows on screen', async () => {
      const log = page.locator('#log');
      const chips = page.locator('#chips');

      // Create a user with Thai as the LINE language; the page follows the OA for them.
      await page.getByText('New user', { exact: true }).click();
      await page.getByLabel('Display name').fill('สมหญิง');
      await page.getByLabel('Language').selectOption('th');
      await page.getByRole('button', { name: 'Create and follow' }).click();

      // The Thai greeting by name, then the PDPA card with its Accept and Decline buttons. The chat
      // keeps the newest message in view, as LINE does, so the card's buttons are what the person
      // sees first; its title is above them (the notice is taller than the chat window).
      const accept = log.getByRole('button', { name: 'ยินยอม', exact: true });
      await expectSeen(accept, 'the Accept button on the PDPA card');
      const title = log.getByText('การคุ้มครองข้อมูลส่วนบุคคล (PDPA)', { exact: true });
      await title.scrollIntoViewIfNeeded();
      await expectSeen(title, 'the PDPA card title');
      await accept.scrollIntoViewIfNeeded();
      await expectSeen(
        log.getByRole('button', { name: 'ไม่ยินยอม', exact: true }),
        'the Decline button on the PDPA card',
      );
      // The same two choices as quick-reply chips above the composer.
      await expectSeen(chips.getByRole('button', { name: 'ยินยอม', exact: true }), 'the Accept chip');
      await page.screenshot({ path: screenshotPath('1-welcome') });
      // The greeting sits just above it: one scroll up.
      const greeting = log.getByText('สวัสดีค่ะ คุณสมหญิง', { exact: false });
      await greeting.scrollIntoViewIfNeeded();
      await expectSeen(greeting, 'the Thai greeting');

      // Accept: the tap shows as the person's own words (the button's displayText), then the thanks.
      await accept.click();
      await expectSeen(
        log.locator('.entry.user .bubble', { hasText: 'ยินยอม' }),
        'the tapped "ยินยอม" as the person\'s message',
      );
      await expectSeen(log.getByText('บันทึกความยินยอมเรียบร้อยแล้ว', { exact: false }), 'the consent confirmation');

      // Something the bot does not understand: an apology and the main menu as chips.
      await page.getByLabel('Message').fill('พรุ่งนี้ฝนตกไหมคะ');
      await page.getByLabel('Message').press('Enter');
      await expectSeen(log.locator('.entry.user .bubble', { hasText: 'พรุ่งนี้ฝนตกไหมคะ' }), 'the typed message');
      await expectSeen(log.getByText('ยังไม่เข้าใจข้อความนี้', { exact: false }), 'the "not understood" answer');
      const sosChip = chips.getByRole('button', { name: '🆘 SOS', exact: true });
      await expectSeen(sosChip, 'the SOS chip');
      for (const label of ['แจ้งเหตุ', 'เรื่องของฉัน'])
        await expectSeen(chips.getByRole('button', { name: label, exact: true }), `the ${label} chip`);
      await page.screenshot({ path: screenshotPath('2-help') });

      // SOS: the alert is confirmed, and the chips change to "send location" and "call 191".
      await sosChip.click();
      await expectSeen(log.getByText('แจ้งเหตุฉุกเฉินถึง', { exact: false }), 'the SOS confirmation');
      await expectSeen(chips.getByRole('button', { name: 'ส่งตำแหน่ง', exact: true }), 'the send-location chip');
      await expectSeen(chips.getByRole('button', { name: '📞 โทร 191', exact: true }), 'the call-191 chip');
      await page.screenshot({ path: screenshotPath('3-sos') });

      // The alert really went out: one of the station groups holds the SOS card.
      await f.settle();
      const cards = [HYI_GROUP, KHH_GROUP]
        .flatMap((g) => f.seen(g))
        .filter((m) => m.type === 'flex' && m.altText?.includes('SOS'));
      expect(cards).toHaveLength(1);
    }, 30_000);

    it('when the station group is picked in the chat list, then its SOS card shows with the officer buttons', async () => {
      const group = [HYI_GROUP, KHH_GROUP].find((g) =>
        f.seen(g).some((m) => m.type === 'flex' && m.altText?.includes('SOS')),
      )!;
      await page.getByLabel('Chat').selectOption(group);

      const log = page.locator('#log');
      const card = log.locator('.flex', { hasText: '🆘 SOS ฉุกเฉิน' }).last();
      await card.scrollIntoViewIfNeeded();
      // The heading is white on the card's red header strip: unreadable if the page drops the colour.
      await expectSeen(card.getByText('🆘 SOS ฉุกเฉิน', { exact: true }), 'the SOS card heading');
      await expectSeen(card.getByText('สมหญิง', { exact: true }), "the resident's name on the card");
      await expectSeen(card.getByRole('button', { name: 'รับเรื่อง', exact: true }), 'the acknowledge button');
      // In a group the page acts as one member; the tools for that are shown, the 1:1 ones are not.
      expect(await page.getByLabel('Acting as').isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: 'Unfollow (block)' }).isVisible()).toBe(false);
      await page.screenshot({ path: screenshotPath('4-group') });
    }, 20_000);

    it('when the bot sends text that looks like HTML, then the page shows it as text and runs none of it', async () => {
      const resident = uid('f');
      f.emulator.users.add({ userId: resident, displayName: 'Mallory', language: 'en' });
      await page.getByRole('button', { name: '↻' }).click();
      await page.getByLabel('Chat').selectOption(resident);
      const payload = '<img src=x onerror="document.title=\'pwned\'"><b>bold?</b>';
      // Straight to the emulator's push endpoint, as a bot with a careless template would send it.
      const res = await fetch(`${f.emulatorUrl}/v2/bot/message/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ to: resident, messages: [{ type: 'text', text: payload }] }),
      });
      expect(res.status).toBe(200);

      const shown = page.locator('#log .bubble', { hasText: payload });
      await expectSeen(shown, 'the markup, shown literally');
      // Once: the push lands while the page loads the chat's transcript, and must not show twice.
      expect(await shown.count()).toBe(1);
      expect(await page.locator('#log img, #log b').count()).toBe(0);
      expect(await page.title()).toBe('LINE emulator');
    }, 20_000);

    it('when the resident menus are installed, then a resident sees the menu under the chat, and tapping its SOS area raises an alert', async () => {
      expect(await f.hub.richMenus.install()).toBeDefined();
      const resident = uid('9');
      f.emulator.users.add({ userId: resident, displayName: 'มานี', language: 'th' });
      await page.getByRole('button', { name: '↻' }).click();
      await page.getByLabel('Chat').selectOption(resident);

      const bar = page.locator('#richmenuBar');
      await expectSeen(bar, 'the chat-bar text under the chat');
      expect(await bar.textContent()).toContain('เมนู · SOS');
      const image = page.locator('#richmenuImage');
      expect(await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(2500);
      // The area's label is what a screen reader says: what SOS does, not just the word.
      const sosArea = page.getByRole('button', { name: 'SOS ขอความช่วยเหลือด่วน', exact: true });
      await expectSeen(sosArea, 'the SOS area of the rich menu');
      await page.screenshot({ path: screenshotPath('5-rich-menu') });

      await sosArea.click();
      const log = page.locator('#log');
      await expectSeen(log.getByText('แจ้งเหตุฉุกเฉินถึง', { exact: false }), 'the SOS confirmation');
      // The chat keeps the newest answer in view; the tap itself is just above it.
      const tap = log.locator('.entry.user .bubble', { hasText: '🆘 SOS' });
      await tap.scrollIntoViewIfNeeded();
      await expectSeen(tap, "the tap, shown as the person's message");
      await f.settle();
      expect((await f.hub.repos.alerts.openFor(resident))?.userId).toBe(resident);

      // The bar folds the menu away and back, as in LINE.
      await bar.click();
      expect(await sosArea.isVisible()).toBe(false);
      await bar.click();
      await expectSeen(sosArea, 'the SOS area after unfolding');
    }, 30_000);
  });
}
