// What residents read along the report flow, the pin reply and the help menu, in Thai, English and
// Malay: prompts that do not contradict themselves, labels that are not cut, dates and phone numbers
// a visitor can use, and Thai words matched however they are spaced.
import { PLACES, startHubWithMaps, uid, type HubFixture } from '../support/hub-fixture';
import { HYI_GROUP, JOHN, OFFICER_A, SOMCHAI, setUpCity } from '../support/city';
import { cityForEachTest } from '../support/city-per-test';

const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
/** "Label: value" rows of a card, as the person reads them. */
function rowsOf(message: any): Record<string, string> {
  const rows: Record<string, string> = {};
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'box' && node.layout === 'baseline' && node.contents?.length === 2)
      rows[node.contents[0].text] = node.contents[1].text;
    Object.values(node).forEach(walk);
  };
  walk(message.contents);
  return rows;
}

async function toLocationStep(f: HubFixture, userId: string, words: string): Promise<void> {
  const u = { userId };
  await f.emulator.driver.postback(u, 'a=report');
  await f.emulator.driver.postback(u, 'a=cat&v=theft');
  await f.emulator.driver.text(u, words);
  await f.emulator.driver.postback(u, 'a=photos-done');
}

describe('what residents read in a small city', () => {
  const city = cityForEachTest();
  let f: HubFixture;
  beforeEach(() => {
    f = city();
  });

  it('when no address search is configured, then the location prompt asks only for a pin, and a typed address gets one clear answer', async () => {
    await toLocationStep(f, JOHN, 'Bag snatched');
    await f.settle();
    const prompt = last(f, JOHN);
    expect(prompt.text).toBe('Where did it happen? Tap "Send location" below to drop a pin on the spot.');
    expect(prompt.quickReply).toEqual(['Send location', 'Cancel']);
    await f.emulator.driver.text({ userId: JOHN }, 'Kim Yong market');
    await f.settle();
    // Not "typing does not work" followed by "or type an address".
    expect(last(f, JOHN).text).toBe(
      'We can\'t look up typed addresses right now. Please tap "Send location" to drop a pin.',
    );
    expect(last(f, JOHN).quickReply).toEqual(['Send location', 'Cancel']);
  });

  it('when a Malay resident reports, then the category buttons are whole words, not cut with "…"', async () => {
    const aisyah = uid('f');
    f.emulator.users.add({ userId: aisyah, displayName: 'Aisyah', language: 'ms' });
    await f.emulator.driver.follow(aisyah);
    await f.emulator.driver.postback({ userId: aisyah }, 'a=consent&v=accept');
    await f.emulator.driver.postback({ userId: aisyah }, 'a=report');
    await f.settle();
    const ask = last(f, aisyah);
    expect(ask.text).toContain('(Taip "batal" untuk membatalkan pada bila-bila masa.)');
    expect(ask.quickReply).toEqual([
      'Kecurian/kehilangan',
      'Orang mencurigakan',
      'Serangan / ugutan',
      'Dadah',
      'Kemalangan',
      'Bising / gangguan',
      'Lampu/CCTV rosak',
      'Lain-lain',
      'Batal',
    ]);
  });

  it('when a Thai resident reports, then "เสียงดัง/ก่อความวุ่นวาย" is shown whole (18 grapheme clusters, within LINE\'s 20)', async () => {
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=report');
    await f.settle();
    expect(last(f, SOMCHAI).quickReply).toContain('เสียงดัง/ก่อความวุ่นวาย');
    expect(last(f, SOMCHAI).quickReply).toContain('ทำร้ายร่างกาย/ข่มขู่');
    expect(last(f, SOMCHAI).quickReply).toContain('ไฟถนนดับ/CCTV เสีย');
  });

  it('when the confirm card is shown, then the reporter row says the name is shown, and the time says "เวลา … น." or Thai time', async () => {
    for (const who of [SOMCHAI, JOHN]) {
      await toLocationStep(f, who, 'กระเป๋าถูกกระชาก');
      await f.emulator.driver.location({ userId: who }, PLACES.santisuk);
      await f.emulator.driver.postback({ userId: who }, 'a=anon&v=no');
    }
    await f.settle();
    const thai = rowsOf(last(f, SOMCHAI).message);
    expect(thai['ผู้แจ้ง']).toBe('แสดงชื่อ LINE ของคุณ');
    // The test clock stands at 25 November 2026, 20:00 in Bangkok (Buddhist year 2569).
    expect(thai['เวลา']).toBe('25 พ.ย. 2569 เวลา 20:00 น.');
    const english = rowsOf(last(f, JOHN).message);
    expect(english['Reporter']).toBe('your LINE name is shown');
    expect(english['Time']).toBe('25 Nov 2026, 20:00 (Thai time)');
  });

  it('when the Thai resident is asked about their name, then the question reads as Thai, not as translated English', async () => {
    await toLocationStep(f, SOMCHAI, 'มีคนงัดรถ');
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.settle();
    expect(last(f, SOMCHAI).text).toBe('ต้องการให้เจ้าหน้าที่เห็นชื่อ LINE ของคุณไหมคะ');
    expect(last(f, SOMCHAI).quickReply).toEqual(['แสดงชื่อ', 'ไม่แสดงชื่อ', 'ยกเลิก']);
  });

  it('when "my cases" is opened in English, then the alt text reads naturally for one case and the date says Thai time', async () => {
    await toLocationStep(f, JOHN, 'Bag snatched');
    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=anon&v=no');
    await f.emulator.driver.postback({ userId: JOHN }, 'a=report-confirm');
    await f.emulator.driver.postback({ userId: JOHN }, 'a=my-cases');
    await f.settle();
    const carousel = last(f, JOHN);
    expect(carousel.altText).toBe('Your reported cases (1)');
    expect(JSON.stringify(carousel.message)).toContain('25 Nov 2026, 20:00 (Thai time)');
  });

  it('when an English visitor sends a pin in a zone, then the station number is one a foreign phone can dial', async () => {
    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.settle();
    expect(last(f, JOHN).text).toBe(
      '📍 This spot is in the Santisuk Community zone.\nPolice: Hat Yai Police Station, tel. +66 74 243 333',
    );
    expect(last(f, JOHN).quickReply).toContain('Set as my area');
    expect(last(f, SOMCHAI).text).toContain('โทร 074-243-333');
    expect(last(f, SOMCHAI).quickReply).toContain('ใช้เป็นพื้นที่หลัก');
  });

  it.each([
    ['ช่วยด้วย ค่ะ', 'a space inside'],
    ['ช่วย ด้วย', 'a space between the words'],
  ])('when a Thai resident types "%s" (%s), then an SOS is raised', async (words) => {
    await f.emulator.driver.text({ userId: SOMCHAI }, words);
    await f.settle();
    expect(await f.hub.repos.alerts.openFor(SOMCHAI)).toBeTruthy();
  });

  it('when a Thai resident types "ช่วย หน่อย", then they get the one-tap "emergency now?" question, not an alert', async () => {
    await f.emulator.driver.text({ userId: SOMCHAI }, 'ช่วย หน่อย');
    await f.settle();
    expect(await f.hub.repos.alerts.openFor(SOMCHAI)).toBeNull();
    // Its first button raises the SOS (its words are the SOS texts').
    expect(last(f, SOMCHAI).message.quickReply.items[0].action.data).toBe('a=sos');
  });

  it('when a group member types an unknown command, then the group help is Thai only and points officers to their commands', async () => {
    await f.emulator.driver.text({ groupId: HYI_GROUP, userId: OFFICER_A }, '/help');
    await f.settle();
    const help = last(f, HYI_GROUP).text!;
    expect(help).toContain('/bind');
    expect(help).toContain('/duty on');
    expect(help).not.toContain('Group commands');
  });

  it('when the welcome is read, then it gives 191, and the news tile tells a person with no zones how to follow one', async () => {
    const nok = uid('9');
    f.emulator.users.add({ userId: nok, displayName: 'นก', language: 'th' });
    await f.emulator.driver.follow(nok);
    await f.emulator.driver.postback({ userId: nok }, 'a=news');
    await f.settle();
    const [welcome] = f.seen(nok);
    expect(welcome!.text).toContain('โทร 191');
    // Zone news exists now: a person who follows no zone is told how to follow one, not "coming soon".
    expect(last(f, nok).text).toContain('คุณยังไม่ได้ติดตามข่าวพื้นที่ไหนค่ะ');
    expect(last(f, nok).text).not.toContain('เร็ว ๆ นี้');
  });
});

describe('a typed address with address search on', () => {
  it('when an English resident types a place, then their confirm card shows it in English and the officers read it in Thai', async () => {
    const f = await startHubWithMaps({ seed: true });
    try {
      await setUpCity(f);
      await toLocationStep(f, JOHN, 'Bag snatched');
      await f.emulator.driver.text({ userId: JOHN }, 'Kim Yong Market');
      await f.emulator.driver.postback({ userId: JOHN }, 'a=anon&v=no');
      await f.settle();
      expect(rowsOf(last(f, JOHN).message)['Place']).toContain('Kim Yong Market, Supasarnrangsan Rd');
      await f.emulator.driver.postback({ userId: JOHN }, 'a=report-confirm');
      await f.settle();
      const card = JSON.stringify(last(f, HYI_GROUP).message);
      expect(card).toContain('ตลาดกิมหยง ถนนศุภสารรังสรรค์');
      expect(card).not.toContain('Supasarnrangsan');
    } finally {
      await f.close();
    }
  });
});
