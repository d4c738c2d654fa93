// The chat simulator (GET / on the emulator) driven in a real Chromium, the way a person uses it to
// try the bot. Assertions are on what is on screen, in the viewport and not covered, because a
// message the person has to hunt for by scrolling is a bug in a chat window even when it is in the
// DOM. Every test makes its own people and page, so each runs alone (`-t`) or in any order.
//
// Chromium comes from Debian (`apt-get install chromium`; .ci/run installs it). Machines without it
// skip this file by name instead of failing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createEmulator, simulatorMapOf } from '../../src/emulator';
import { encodePostback } from '../../src/bot/postback';
import { HYI_GROUP, KHH_GROUP, setUpCity } from '../support/city';
import { TOKEN, startHub, uid, type HubFixture } from '../support/hub-fixture';
import { CHROMIUM, LAUNCH_ARGS, VIEWPORT, drawPhoto, expectSeen, screenshotPath, until } from './browser-support';

let counter = 0;
/** A user id no other test uses. */
const freshUser = () => uid((++counter).toString(16).padStart(2, '0'));

if (!fs.existsSync(CHROMIUM)) {
  describe('chat simulator in a real browser', () => {
    it.skip(`skipped: chromium not installed at ${CHROMIUM}`, () => undefined);
  });
} else {
  describe('chat simulator in a real browser', () => {
    let f: HubFixture;
    let browser: Browser;
    let page: Page;
    let pageErrors: string[] = [];

    const push = async (to: string, messages: object[]) => {
      const res = await fetch(`${f.emulatorUrl}/v2/bot/message/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ to, messages }),
      });
      expect(res.status).toBe(200);
    };

    /** The chat as the emulator recorded it (what the simulator draws from). */
    const transcript = async (chatId: string): Promise<any[]> =>
      (await (await fetch(`${f.emulatorUrl}/_emulator/chats/${chatId}/transcript`)).json()) as any[];

    /** Opens a chat from the chat list (on a phone-sized window the list is behind the back arrow). */
    const openChat = async (chatId: string, on = page) => {
      if (await on.locator('#back').isVisible()) await on.locator('#back').click();
      await on.locator(`[data-chat-id="${chatId}"]`).click();
      await on.locator('#chatHead').waitFor();
    };

    /** In a chat with a rich menu the input bar is one tap away (LINE swaps the menu and the keyboard). */
    const showInputBar = async () => {
      if (await page.getByRole('button', { name: 'Keyboard' }).isVisible())
        await page.getByRole('button', { name: 'Keyboard' }).click();
    };

    /** Types into the chat as a person would. */
    const type = async (text: string) => {
      await showInputBar();
      await page.getByLabel('Message').fill(text);
      await page.getByLabel('Message').press('Enter');
    };

    const newPage = async (viewport = VIEWPORT) => {
      const p = await browser.newPage({ viewport });
      p.on('pageerror', (err) => pageErrors.push(err.message));
      p.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
      await p.goto(`${f.emulatorUrl}/`);
      await expectSeen(p.getByText('live', { exact: true }), 'the live indicator (event stream connected)');
      return p;
    };

    beforeAll(async () => {
      f = await startHub({ seed: true });
      // Behind the scenes, as the station would have done it: station groups bound, officers registered.
      await setUpCity(f);
      f.emulator.setMap(simulatorMapOf(await f.hub.repos.zones.all(), await f.hub.repos.stations.all()));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    }, 30_000);

    afterAll(async () => {
      await browser?.close();
      await f?.close();
    });

    beforeEach(async () => {
      pageErrors = [];
      page = await newPage();
    });

    afterEach(async () => {
      await page.close();
      // A script error on the page is a failure even when the visible outcome happened to be right.
      expect(pageErrors).toEqual([]);
    });

    it('when a Thai resident follows, accepts the notice, types something unknown and taps SOS, then each answer shows on screen', async () => {
      const log = page.locator('#log');
      const chips = page.locator('#chips');

      // The empty chat pane says what to do first.
      await page.getByRole('button', { name: 'New user', exact: true }).click();
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
      // The same two choices as quick-reply chips above the input bar.
      await expectSeen(chips.getByRole('button', { name: 'ยินยอม', exact: true }), 'the Accept chip');
      await page.screenshot({ path: screenshotPath('1-welcome') });
      // The greeting sits just above it: one scroll up.
      const greeting = log.getByText('สวัสดีค่ะ คุณสมหญิง', { exact: false });
      await greeting.scrollIntoViewIfNeeded();
      await expectSeen(greeting, 'the Thai greeting');

      // Accept: the tap shows as the person's own words (the button's displayText), then the thanks.
      await accept.click();
      await expectSeen(
        log.locator('.entry.own .bubble', { hasText: 'ยินยอม' }),
        'the tapped "ยินยอม" as the person\'s message',
      );
      await expectSeen(log.getByText('บันทึกความยินยอมเรียบร้อยแล้ว', { exact: false }), 'the consent confirmation');

      // Something the bot does not understand: an apology and the main menu as chips.
      await type('พรุ่งนี้ฝนตกไหมคะ');
      await expectSeen(log.locator('.entry.own .bubble', { hasText: 'พรุ่งนี้ฝนตกไหมคะ' }), 'the typed message');
      await expectSeen(log.getByText('ยังไม่เข้าใจข้อความนี้', { exact: false }), 'the "not understood" answer');
      const sosChip = chips.getByRole('button', { name: '🆘 SOS', exact: true });
      await expectSeen(sosChip, 'the SOS chip');
      for (const label of ['แจ้งเหตุ', 'เรื่องของฉัน'])
        await expectSeen(chips.getByRole('button', { name: label, exact: true }), `the ${label} chip`);

      // SOS: the alert is confirmed, and the chips change to "send location" and "call 191".
      await sosChip.click();
      await expectSeen(log.getByText('แจ้งเหตุฉุกเฉินถึง', { exact: false }), 'the SOS confirmation');
      await expectSeen(chips.getByRole('button', { name: 'ส่งตำแหน่ง', exact: true }), 'the send-location chip');
      await expectSeen(chips.getByRole('button', { name: '📞 โทร 191', exact: true }), 'the call-191 chip');
      await page.screenshot({ path: screenshotPath('3-sos') });

      // The alert really went out: one of the station groups holds the SOS card naming her.
      await f.settle();
      const cards = [HYI_GROUP, KHH_GROUP]
        .flatMap((g) => f.seen(g))
        .filter((m) => m.type === 'flex' && m.altText?.includes('SOS') && JSON.stringify(m.message).includes('สมหญิง'));
      expect(cards).toHaveLength(1);
    }, 30_000);

    it('when the station group is opened after an SOS, then its SOS card shows with the officer buttons and the group tools', async () => {
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'มานะ', language: 'th' });
      await f.emulator.driver.follow(resident);
      await f.emulator.driver.postback({ userId: resident }, 'a=consent&v=accept');
      await f.emulator.driver.postback({ userId: resident }, encodePostback({ a: 'sos' }), undefined, '🆘 SOS');
      await f.settle();
      const group = [HYI_GROUP, KHH_GROUP].find((g) => JSON.stringify(f.seen(g)).includes('มานะ'))!;
      expect(group).toBeDefined();

      await openChat(group);
      const card = page.locator('#log .f-bubble', { hasText: 'มานะ' }).last();
      // The heading is white on the card's red header strip: unreadable if the page drops the colour.
      await expectSeen(card.getByText('SOS ฉุกเฉิน', { exact: false }).first(), 'the SOS card heading');
      await expectSeen(card.getByText('มานะ', { exact: true }), "the resident's name on the card");
      await expectSeen(card.getByRole('button', { name: 'รับเรื่อง', exact: true }), 'the acknowledge button');
      // In a group the page acts as one member; the tools for that are shown, the 1:1 ones are not.
      expect(await page.getByLabel('Acting as').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Chat options' }).click();
      expect(await page.getByRole('button', { name: 'Bot leaves' }).isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: 'Unfollow (block)' }).isVisible()).toBe(false);
      await page.screenshot({ path: screenshotPath('4-group') });
    }, 20_000);

    it('when the bot sends text that looks like HTML, then the page shows it as text and runs none of it', async () => {
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'Mallory', language: 'en' });
      await expect(page.locator(`[data-chat-id="${resident}"]`)).toBeDefined();
      await page.locator(`[data-chat-id="${resident}"]`).waitFor();
      await openChat(resident);
      const payload = '<img src=x onerror="document.title=\'pwned\'"><b>bold?</b>';
      // Straight to the emulator's push endpoint, as a bot with a careless template would send it.
      await push(resident, [{ type: 'text', text: payload }]);

      const shown = page.locator('#log .bubble', { hasText: payload });
      await expectSeen(shown, 'the markup, shown literally');
      // Once: the push lands while the page may still be loading the chat's transcript.
      expect(await shown.count()).toBe(1);
      expect(await page.locator('#log b').count()).toBe(0);
      expect(await page.title()).toBe('Chat simulator · LINE emulator');
    }, 20_000);

    it('when the resident menus are installed, then a resident sees the menu under the chat, and tapping its SOS area raises an alert', async () => {
      expect(await f.hub.richMenus.install()).toBeDefined();
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'มานี', language: 'th' });
      await page.locator(`[data-chat-id="${resident}"]`).waitFor();
      await openChat(resident);

      const bar = page.locator('#richmenuBar');
      await expectSeen(bar, 'the chat-bar text under the chat');
      expect(await bar.textContent()).toContain('เมนู · SOS');
      const image = page.locator('#richmenuImage');
      await until(() => image.evaluate((img: any) => img.naturalWidth), 2500, 'the menu image');
      // The area's label is what a screen reader says: what SOS does, not just the word.
      const sosArea = page.locator('#richmenuAreas').getByRole('button', { name: 'SOS ขอความช่วยเหลือด่วน', exact: true });
      await expectSeen(sosArea, 'the SOS area of the rich menu');
      await page.screenshot({ path: screenshotPath('5-rich-menu') });

      await sosArea.click();
      const log = page.locator('#log');
      await expectSeen(log.getByText('แจ้งเหตุฉุกเฉินถึง', { exact: false }), 'the SOS confirmation');
      // The tap shows as the area's displayText, the person's own message.
      await expectSeen(
        log.locator('.entry.own .bubble', { hasText: 'SOS' }).first(),
        "the tap, shown as the person's message",
      );
      await f.settle();
      expect((await f.hub.repos.alerts.openFor(resident))?.userId).toBe(resident);

      // The bar folds the menu away and back, and the keyboard button swaps it for the input bar, as in LINE.
      await bar.click();
      expect(await sosArea.isVisible()).toBe(false);
      await bar.click();
      await expectSeen(sosArea, 'the SOS area after unfolding');
      await page.getByRole('button', { name: 'Keyboard' }).click();
      await expectSeen(page.getByLabel('Message'), 'the input bar');
      expect(await sosArea.isVisible()).toBe(false);
    }, 30_000);

    it('when a flex card has a 2:5 label and value row, then the page draws the boxes in that ratio with LINE sizes and spacing', async () => {
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'Ratio', language: 'th' });
      await push(resident, [
        {
          type: 'flex',
          altText: 'ratio',
          contents: {
            type: 'bubble',
            body: {
              type: 'box',
              layout: 'vertical',
              spacing: 'md',
              contents: [
                { type: 'text', text: 'หัวข้อ', weight: 'bold', size: 'xl' },
                {
                  type: 'box',
                  layout: 'baseline',
                  spacing: 'sm',
                  contents: [
                    { type: 'text', text: 'รายละเอียด', size: 'sm', flex: 2, wrap: true },
                    { type: 'text', text: 'ชายสวมหมวกดำเดินดูรถ', size: 'sm', flex: 5, wrap: true },
                  ],
                },
                { type: 'text', text: 'เลขที่ HYI-69-000001', size: 'xs', margin: 'xxl' },
              ],
            },
          },
        },
      ]);
      await page.locator(`[data-chat-id="${resident}"]`).waitFor();
      await openChat(resident);
      const label = page.locator('#log [data-flex="text"]', { hasText: 'รายละเอียด' });
      await expectSeen(label, 'the label');
      const m = await page.evaluate(() => {
        const doc = (globalThis as any).document;
        const box = (text: string) =>
          [...doc.querySelectorAll('#log [data-flex="text"]')].find((n: any) => n.textContent === text) as any;
        const rect = (n: any) => n.getBoundingClientRect();
        const label = box('รายละเอียด');
        const value = box('ชายสวมหมวกดำเดินดูรถ');
        const row = label.parentElement;
        const font = (n: any) => parseFloat((globalThis as any).getComputedStyle(n.querySelector('p')).fontSize);
        return {
          label: rect(label).width,
          value: rect(value).width,
          row: rect(row).width,
          gap: rect(value).left - rect(label).right,
          bubble: rect(doc.querySelector('#log .f-bubble')).width,
          bodyPadding: rect(row).left - rect(doc.querySelector('#log .f-bubble')).left,
          sizes: [font(box('หัวข้อ')), font(label), font(box('เลขที่ HYI-69-000001'))],
          marginBefore: rect(box('เลขที่ HYI-69-000001')).top - rect(row).bottom,
        };
      });
      // LINE: a mega bubble is 300 px wide with 20 px body padding; spacing sm is 4 px, and the row's
      // remaining width is shared 2:5 whatever the texts are.
      expect(m.bubble).toBeCloseTo(300, 0);
      expect(m.bodyPadding).toBeCloseTo(20, 0);
      expect(m.gap).toBeCloseTo(4, 0);
      expect(m.label + m.value + m.gap).toBeCloseTo(m.row, 0);
      expect(m.label / m.value).toBeCloseTo(2 / 5, 2);
      // Text sizes xl, sm and xs are 22, 14 and 13 px; margin xxl (20 px) replaces the box's spacing md.
      expect(m.sizes).toEqual([22, 14, 13]);
      expect(m.marginBefore).toBeCloseTo(20, 0);
    }, 20_000);

    it('when a Thai chat is opened on a machine without a Thai font, then the page draws it with the Noto Sans Thai web font it ships', async () => {
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'ฟอนต์', language: 'th' });
      await push(resident, [{ type: 'text', text: 'ตำแหน่งรายละเอียด' }]);
      await page.locator(`[data-chat-id="${resident}"]`).waitFor();
      await openChat(resident);
      await expectSeen(page.locator('#log .bubble', { hasText: 'ตำแหน่งรายละเอียด' }), 'the Thai message');
      const fonts = await page.evaluate(async () => {
        const doc = (globalThis as any).document;
        await doc.fonts.ready;
        const faces: string[] = [];
        doc.fonts.forEach((face: any) => {
          if (face.status === 'loaded') faces.push(`${face.family} ${face.unicodeRange}`);
        });
        return { faces, check: doc.fonts.check('16px "Noto Sans Thai"', 'ตำแหน่ง') };
      });
      // The face covering the Thai block (U+0E01–0E5B) was fetched from the emulator and is in use.
      expect(fonts.faces).toEqual(expect.arrayContaining([expect.stringMatching(/^"?Noto Sans Thai"? .*U\+E01-E5B/)]));
      expect(fonts.check).toBe(true);
    }, 20_000);

    it('when a long chat with a rich menu is opened, then the newest message is in view once the menu image has loaded', async () => {
      await f.hub.richMenus.install();
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'ยาว', language: 'th' });
      for (let i = 1; i <= 30; i += 1) await push(resident, [{ type: 'text', text: `ข้อความที่ ${i}` }]);
      await push(resident, [{ type: 'text', text: 'ข้อความล่าสุด' }]);
      await page.locator(`[data-chat-id="${resident}"]`).waitFor();
      await openChat(resident);
      // The menu image arrives after the messages are drawn and takes its height from the log.
      await until(
        () => page.locator('#richmenuImage').evaluate((img: any) => img.naturalWidth),
        2500,
        'the menu image',
      );
      await expectSeen(page.locator('#log .bubble', { hasText: 'ข้อความล่าสุด' }), 'the newest message');
      const gap = await page
        .locator('#log')
        .evaluate((log: any) => log.scrollHeight - log.scrollTop - log.clientHeight);
      expect(gap).toBeLessThanOrEqual(2);
    }, 30_000);

    it("when a card button with a displayText and one without are tapped, then only the displayText shows as the person's message", async () => {
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'Tapper', language: 'en' });
      const withText = encodePostback({ a: 'probe', v: 'with' });
      const withoutText = encodePostback({ a: 'probe', v: 'without' });
      await push(resident, [
        {
          type: 'flex',
          altText: 'choices',
          contents: {
            type: 'bubble',
            body: {
              type: 'box',
              layout: 'vertical',
              contents: [
                {
                  type: 'button',
                  action: { type: 'postback', label: 'Say it', data: withText, displayText: 'I choose A' },
                },
                { type: 'button', action: { type: 'postback', label: 'Quietly', data: withoutText } },
              ],
            },
          },
        },
      ]);
      await page.locator(`[data-chat-id="${resident}"]`).waitFor();
      await openChat(resident);
      const log = page.locator('#log');
      await log.getByRole('button', { name: 'Quietly' }).click();
      await log.getByRole('button', { name: 'Say it' }).click();
      await expectSeen(log.locator('.entry.own .bubble', { hasText: 'I choose A' }), 'the displayText');
      await f.settle();
      // Both postbacks reached the bot, but the chat shows one message from the person, and no data.
      const postbacks = (await transcript(resident))
        .filter((e: any) => e.event?.type === 'postback')
        .map((e: any) => e.event.postback.data);
      expect(postbacks).toEqual([withoutText, withText]);
      expect(await log.locator('.entry.own').count()).toBe(1);
      expect(await log.getByText(withoutText).count()).toBe(0);
    }, 20_000);

    it('when the resident uploads a photo in a report, then the chat shows it and the hub fetches it through the content API', async () => {
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'ช่างภาพ', language: 'th' });
      await f.emulator.driver.follow(resident);
      await f.emulator.driver.postback({ userId: resident }, 'a=consent&v=accept');
      await f.emulator.driver.postback({ userId: resident }, 'a=report');
      await f.emulator.driver.postback({ userId: resident }, 'a=cat&v=theft');
      await f.emulator.driver.text({ userId: resident }, 'กระเป๋าหายที่ตลาด');
      await f.settle();
      await openChat(resident);

      const bytes = await drawPhoto(page, 64, 48, 'image/png');
      await showInputBar();
      await page.getByRole('button', { name: 'More: photo, location, sticker' }).click();
      await page.locator('#photoInput').setInputFiles({ name: 'bag.png', mimeType: 'image/png', buffer: bytes });

      const shown = page.locator('#log .entry.own img');
      await expectSeen(shown, 'the photo in the chat');
      await until(() => shown.evaluate((img: any) => img.naturalWidth), 64, 'the photo');
      await f.settle();
      const event = (await transcript(resident)).find((e: any) => e.event?.message?.type === 'image');
      const id = event.event.message.id as string;
      const fetched = f.emulator.calls({ endpoint: 'content' }).filter((c) => c.path.includes(id));
      expect(fetched.map((c) => c.status)).toEqual([200]);
      // What the emulator served the hub is the file the person picked.
      const served = await fetch(`${f.emulatorUrl}/_emulator/content/${id}`);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);
      await expectSeen(page.locator('#log').getByText('ได้รับรูปที่ 1', { exact: false }), "the bot's thanks for the photo");
    }, 30_000);

    it('when the resident drops a pin on the map picker, then the bot gets a location event with those coordinates', async () => {
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'Pinner', language: 'en' });
      await page.locator(`[data-chat-id="${resident}"]`).waitFor();
      await openChat(resident);
      await showInputBar();
      await page.getByRole('button', { name: 'More: photo, location, sticker' }).click();
      await page.getByRole('button', { name: '📍 Location' }).click();
      // The hub's zones are drawn, labelled; no tile server is needed. (Map labels let clicks
      // through to the map, so they are checked for visibility, not for being on top.)
      await page.locator('#map').getByText('ชุมชนสันติสุข').waitFor({ state: 'visible' });
      expect(await page.locator('#map path.leaflet-interactive, #map svg path').count()).toBeGreaterThanOrEqual(2);
      await page.locator('#map').click({ position: { x: 200, y: 150 } });
      const lat = Number(await page.getByLabel('Latitude').inputValue());
      const lng = Number(await page.getByLabel('Longitude').inputValue());
      expect(Number.isFinite(lat) && lat !== 0 && Number.isFinite(lng) && lng !== 0).toBe(true);
      await page.getByRole('button', { name: 'Send this location' }).click();
      await expectSeen(page.locator('#log .entry.own .place'), 'the pin in the chat');
      const location = (await transcript(resident)).find((e: any) => e.event?.message?.type === 'location').event
        .message;
      expect([location.latitude, location.longitude]).toEqual([lat, lng]);
    }, 20_000);

    it('when the chat is on a 390 px phone with the rich menu open, then the log keeps most of the screen and nothing falls off it', async () => {
      await f.hub.richMenus.install();
      const resident = freshUser();
      f.emulator.users.add({ userId: resident, displayName: 'โทรศัพท์', language: 'th' });
      await push(resident, [{ type: 'text', text: 'สวัสดีค่ะ' }]);
      const phone = await newPage({ width: 390, height: 844 });
      try {
        await openChat(resident, phone);
        await until(
          () => phone.locator('#richmenuImage').evaluate((img: any) => img.naturalWidth),
          2500,
          'the menu image',
        );
        await expectSeen(phone.locator('#richmenuBar'), 'the chat bar');
        await expectSeen(phone.locator('#log .bubble', { hasText: 'สวัสดีค่ะ' }), 'the message');
        const layout = await phone.evaluate(() => {
          const doc = (globalThis as any).document;
          return {
            log: doc.getElementById('log').getBoundingClientRect().height,
            page: doc.scrollingElement.scrollHeight,
            height: (globalThis as any).innerHeight,
          };
        });
        expect(layout.page).toBeLessThanOrEqual(layout.height);
        expect(layout.log).toBeGreaterThan(layout.height * 0.4);
        await phone.getByRole('button', { name: 'Keyboard' }).click();
        await expectSeen(phone.getByLabel('Message'), 'the input bar at the bottom');
      } finally {
        await phone.close();
      }
    }, 30_000);

    it('when an empty emulator restarts with the same state file, then the page first hints where to start, then reconnects and shows the same chats', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulator-state-'));
      const stateFile = path.join(dir, 'line-emulator.json');
      let emulator = createEmulator({ channelSecret: 'restart-secret', stateFile });
      let server = await emulator.listen(0);
      const port = Number(new URL(server.url).port);
      const p = await browser.newPage({ viewport: VIEWPORT });
      p.on('pageerror', (err) => pageErrors.push(err.message));
      try {
        await p.goto(`${server.url}/`);
        await expectSeen(p.getByText('live', { exact: true }), 'the live indicator');
        // A first visit to an empty emulator says where to start.
        await expectSeen(p.getByText('No chats yet.', { exact: true }), 'the first-screen hint');
        await expectSeen(p.getByRole('button', { name: 'New user', exact: true }), 'the New user button');
        emulator.users.add({ userId: uid('7'), displayName: 'คงอยู่', language: 'th' });
        await p.locator(`[data-chat-id="${uid('7')}"]`).waitFor();
        await server.close();
        await expectSeen(p.getByText('reconnecting…', { exact: true }), 'the reconnecting notice');

        emulator = createEmulator({ channelSecret: 'restart-secret', stateFile });
        server = await emulator.listen(port);
        await expectSeen(p.getByText('live', { exact: true }), 'the live indicator after the restart');
        await expectSeen(p.locator(`[data-chat-id="${uid('7')}"]`), 'the chat kept across the restart');
      } finally {
        await p.close();
        await server.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 30_000);
  });
}
