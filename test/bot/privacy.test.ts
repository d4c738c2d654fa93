// The PDPA notice as a resident reads it, and withdrawing consent: what they are told, in their
// language, and what the hub keeps afterwards.
import { LANGUAGES } from '../../src/domain/people';
import { loadTexts, normalizeText } from '../../src/i18n/i18n';
import { PLACES, startHub, uid, type HubFixture } from '../support/hub-fixture';
import { HYI_GROUP, JOHN, SOMCHAI } from '../support/city';
import { cityForEachTest } from '../support/city-per-test';

const last = (f: HubFixture, chat: string) => f.seen(chat).at(-1)!;
/** The words of a flex message's body (the notice card), as the person reads them. */
const bodyOf = (message: any): string =>
  (message.contents.body.contents as any[])
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
const buttonsOf = (message: any): string[] => {
  const found: string[] = [];
  const walk = (node: any) => {
    if (node && typeof node === 'object') {
      if (node.type === 'button') found.push(node.action.label);
      Object.values(node).forEach(walk);
    }
  };
  walk(message.contents);
  return found;
};

describe('the PDPA notice', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await startHub({ seed: true });
  });
  afterEach(async () => {
    await f.close();
  });

  it.each([
    ['th', 'พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562', 'กลุ่ม LINE ของสถานีตำรวจ', '7 วัน', 'พิมพ์ “ถอนความยินยอม”', 'อ่านรายละเอียด'],
    [
      'en',
      "Thailand's Personal Data Protection Act B.E. 2562 (2019)",
      'LINE group of the responsible police station',
      '7 days',
      'typing "withdraw consent"',
      'Read the details',
    ],
    [
      'ms',
      'Akta Perlindungan Data Peribadi Thailand B.E. 2562 (2019)',
      'kumpulan LINE balai polis',
      '7 hari',
      'menaip "tarik balik persetujuan"',
      'Baca butiran',
    ],
  ])(
    'when a %s resident adds the OA, then the notice names the law, the station group, retention and how to withdraw',
    async (language, law, group, days, howToWithdraw, details) => {
      const who = uid('a');
      f.emulator.users.add({ userId: who, displayName: 'Somsri', language });
      await f.emulator.driver.follow(who);
      await f.settle();
      const notice = f.seen(who)[1]!;
      const body = bodyOf(notice.message);
      for (const fact of [law, group, days, howToWithdraw]) expect(body).toContain(fact);
      // The name, the photos and the place go to the station's group: the notice says so.
      expect(body).toMatch(/ชื่อ|name|nama/);
      expect(body).toMatch(/SOS/);
      expect(buttonsOf(notice.message)).toEqual([
        details,
        ...{ th: ['ยินยอม', 'ไม่ยินยอม'], en: ['Accept', 'Decline'], ms: ['Setuju', 'Tolak'] }[language]!,
      ]);
      // The old notice promised that a person who declines leaves nothing but an id: not true.
      expect(body).not.toMatch(/only your LINE user ID|แค่รหัสผู้ใช้|ID pengguna LINE anda sahaja/);
    },
  );

  it('when a Malay reader sees the notice, then it says the law is Thailand’s, not Malaysia’s PDPA', async () => {
    const aisyah = uid('d');
    f.emulator.users.add({ userId: aisyah, displayName: 'Aisyah', language: 'ms' });
    await f.emulator.driver.follow(aisyah);
    await f.settle();
    const notice = f.seen(aisyah)[1]!;
    expect(notice.altText).toContain('Data peribadi anda (PDPA Thailand)');
    expect(bodyOf(notice.message)).toContain('Thailand');
  });

  it('when the resident taps "Read the details", then the full notice comes in their language with Accept / Decline', async () => {
    f.emulator.users.add({ userId: JOHN, displayName: 'John', language: 'en' });
    await f.emulator.driver.follow(JOHN);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=privacy');
    await f.settle();
    const full = last(f, JOHN);
    expect(full.type).toBe('text');
    for (const part of [
      'Data controller: the Royal Thai Police',
      'Why we use it',
      'on-duty officers',
      'messages to and from this account: up to 7 days',
      'location pins you send: 1 day',
      'unfinished reports: until they time out (30 minutes)',
      'kept as police records',
      'Your rights',
      'type "my data"',
      'type "delete my data"',
      'Contact',
      "Thailand's Personal Data Protection Act B.E. 2562 (2019)",
    ])
      expect(full.text).toContain(part);
    expect(full.quickReply).toEqual(['Accept', 'Decline']);
  });

  it('when the user accepts, then they are told they can withdraw and how', async () => {
    f.emulator.users.add({ userId: SOMCHAI, displayName: 'สมชาย', language: 'th' });
    await f.emulator.driver.follow(SOMCHAI);
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=consent&v=accept');
    await f.settle();
    const [accepted] = f.seen(SOMCHAI).slice(-2);
    expect(accepted!.text).toContain('บันทึกความยินยอมเรียบร้อยแล้ว');
    expect(accepted!.text).toContain('ถอนความยินยอมได้ทุกเมื่อ โดยพิมพ์ “ถอนความยินยอม”');
  });

  it('when the user declines, then they hear what is still kept (id, their settings, what an SOS needs) and how to change their mind', async () => {
    f.emulator.users.add({ userId: JOHN, displayName: 'John', language: 'en' });
    await f.emulator.driver.follow(JOHN);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=consent&v=decline');
    await f.settle();
    const [declined, help] = f.seen(JOHN).slice(-2);
    expect(declined!.text).toContain('We will not keep your name or LINE profile');
    expect(declined!.text).toContain('only your LINE user ID and the settings you choose');
    expect(declined!.text).toContain('During an SOS we keep what you send and your location');
    expect(declined!.text).toContain('tap "Report" to give consent');
    expect(help!.quickReply).toContain('🆘 SOS');
    // Nothing to withdraw: the help offers no "withdraw consent".
    expect(help!.quickReply).not.toContain('Withdraw consent');
  });
});

describe('the words the notices tell people to type', () => {
  it.each(LANGUAGES)(
    'when a %s privacy text says to type something, then the hub understands exactly those words',
    (lang) => {
      // "type “ถอนความยินยอม”", "type \"delete my data\"": a word the hub does not know would leave
      // the person with "sorry, we didn't understand" when they try to use a right.
      const texts = loadTexts();
      const t = texts.t(lang);
      const known = new Set(
        ['keywords.withdraw', 'keywords.help', 'privacy:keywords.myData', 'privacy:keywords.eraseMyData'].flatMap((k) =>
          texts.keywords(k),
        ),
      );
      const said = ['body', 'accepted', 'declined', 'withdrawn', 'full.rights']
        .map((key) => t(`privacy.${key}`))
        .join('\n');
      const typed = [...said.matchAll(/(?:พิมพ์|type|typing|taip|menaip)\s*[“"]([^”"]+)[”"]/gu)].map((m) => m[1]!);
      expect(typed.length).toBeGreaterThanOrEqual(4);
      expect(typed.filter((words) => !known.has(normalizeText(words)))).toEqual([]);
    },
  );
});

describe('withdrawing consent', () => {
  const city = cityForEachTest();
  let f: HubFixture;
  beforeEach(() => {
    f = city();
  });

  it.each([
    ['a Thai resident', SOMCHAI, 'ถอนความยินยอม', 'ถอนความยินยอมเรียบร้อยแล้วค่ะ', 'เรื่องที่คุณแจ้งไว้ก่อนหน้านี้ยังเก็บเป็นบันทึกของตำรวจ'],
    [
      'an English resident',
      JOHN,
      '  Withdraw Consent ',
      'Your consent is withdrawn.',
      'Reports you already sent stay with the police',
    ],
  ])(
    'when %s types the withdrawal words, then name and profile language are dropped and they are told what is kept',
    async (_who, who, words, confirmation, kept) => {
      expect(await f.hub.repos.users.get(who)).toHaveProperty('displayName');
      await f.emulator.driver.text({ userId: who }, words);
      await f.settle();
      const user = await f.hub.repos.users.get(who);
      expect(user).toMatchObject({ _id: who, consent: 'declined' });
      expect(user).not.toHaveProperty('displayName');
      expect(user).not.toHaveProperty('profileLanguage');
      const [said, help] = f.seen(who).slice(-2);
      expect(said!.text).toContain(confirmation);
      expect(said!.text).toContain(kept);
      expect(said!.text).toMatch(/SOS/);
      expect(help!.quickReply).toContain('🆘 SOS');
    },
  );

  it('when a Malay resident types "tarik balik persetujuan", then the confirmation is in Malay', async () => {
    const aisyah = uid('f');
    f.emulator.users.add({ userId: aisyah, displayName: 'Aisyah', language: 'ms' });
    await f.emulator.driver.follow(aisyah);
    await f.emulator.driver.postback({ userId: aisyah }, 'a=consent&v=accept');
    await f.emulator.driver.text({ userId: aisyah }, 'tarik balik persetujuan');
    await f.settle();
    expect(f.seen(aisyah).at(-2)!.text).toContain('Persetujuan anda telah ditarik balik');
    expect(await f.hub.repos.users.get(aisyah)).not.toHaveProperty('displayName');
  });

  it('when a consented resident asks for the menu, then "withdraw consent" is one tap away and works', async () => {
    await f.emulator.driver.text({ userId: JOHN }, 'menu');
    await f.settle();
    expect(last(f, JOHN).quickReply).toEqual([
      '🆘 SOS',
      'Report',
      'My cases',
      'Zone news',
      'Language / ภาษา',
      'Withdraw consent',
    ]);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=consent&v=withdraw');
    await f.settle();
    expect(f.seen(JOHN).at(-2)!.text).toContain('Your consent is withdrawn.');
    expect(await f.hub.repos.users.get(JOHN)).toMatchObject({ consent: 'declined' });
  });

  it('when the person chose a language and then withdraws, then the choice is kept and the answers stay in it', async () => {
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=lang&v=en');
    await f.emulator.driver.text({ userId: SOMCHAI }, 'ถอนความยินยอม');
    await f.settle();
    expect(await f.hub.repos.users.get(SOMCHAI)).toMatchObject({ consent: 'declined', chosenLanguage: 'en' });
    expect(f.seen(SOMCHAI).at(-2)!.text).toContain('Your consent is withdrawn.');
  });

  it('when a resident withdraws and then tries to report, then the notice is offered again and nothing is started', async () => {
    await f.emulator.driver.text({ userId: SOMCHAI }, 'ถอนความยินยอม');
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=report');
    await f.settle();
    const [needConsent, notice] = f.seen(SOMCHAI).slice(-2);
    expect(needConsent!.text).toContain('ขอความยินยอมก่อน');
    expect(notice!.type).toBe('flex');
    expect(notice!.quickReply).toEqual(['ยินยอม', 'ไม่ยินยอม']);
    expect(await f.hub.repos.sessions.get(SOMCHAI)).toBeNull();
    // Consenting again works as the first time: the name is stored again.
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=consent&v=accept');
    await f.settle();
    expect(await f.hub.repos.users.get(SOMCHAI)).toMatchObject({ consent: 'accepted', displayName: 'สมชาย' });
  });

  it('when a resident withdraws in the middle of a report, then the unfinished report is dropped and never sent', async () => {
    const u = { userId: JOHN };
    await f.emulator.driver.postback(u, 'a=report');
    await f.emulator.driver.postback(u, 'a=cat&v=theft');
    await f.emulator.driver.text(u, 'Bag snatched by two men on a red motorbike');
    await f.emulator.driver.text(u, 'withdraw consent');
    await f.emulator.driver.postback(u, 'a=photos-done');
    await f.emulator.driver.location(u, PLACES.santisuk);
    await f.emulator.driver.postback(u, 'a=anon&v=no');
    await f.emulator.driver.postback(u, 'a=report-confirm');
    await f.settle();
    expect(await f.hub.repos.sessions.get(JOHN)).toBeNull();
    expect(await f.hub.repos.cases.byReporter(JOHN)).toEqual([]);
    expect(f.seen(HYI_GROUP).some((m) => JSON.stringify(m.message).includes('Bag snatched'))).toBe(false);
  });

  it('when a resident who withdrew presses SOS, then the alert still goes out, without their name', async () => {
    await f.emulator.driver.text({ userId: JOHN }, 'withdraw consent');
    await f.emulator.driver.location({ userId: JOHN }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: JOHN }, 'a=sos');
    await f.settle();
    expect(await f.hub.repos.alerts.openFor(JOHN)).toBeTruthy();
    const card = f.seen(HYI_GROUP).at(-1)!;
    expect(card.type).toBe('flex');
    expect(JSON.stringify(card.message)).not.toContain('John');
  });
});
