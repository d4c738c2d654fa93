import { startHub, uid, gid, type HubFixture } from '../support/hub-fixture';

describe('onboarding: follow, consent, language, help', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await startHub();
  });
  afterEach(async () => {
    await f.close();
  });

  it('when a Thai user adds the OA, then they are greeted in Thai by name and shown the PDPA notice with Accept / Decline', async () => {
    const somchai = uid('a');
    f.emulator.users.add({ userId: somchai, displayName: 'สมชาย', language: 'th' });
    expect((await f.emulator.driver.follow(somchai)).status).toBe(200);
    await f.settle();
    const seen = f.seen(somchai);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.text).toContain('สวัสดีค่ะ คุณสมชาย');
    expect(seen[1]!.type).toBe('flex');
    expect(seen[1]!.altText).toContain('PDPA');
    expect(seen[1]!.quickReply).toEqual(['ยินยอม', 'ไม่ยินยอม']);
    // Both came in one reply call (free), not as pushes.
    expect(f.emulator.calls({ endpoint: 'reply' })).toHaveLength(1);
    expect(f.emulator.calls({ endpoint: 'push' })).toHaveLength(0);
    // Nothing but the id is stored before consent.
    expect(await f.hub.repos.users.get(somchai)).toMatchObject({ _id: somchai, consent: 'pending' });
    expect(await f.hub.repos.users.get(somchai)).not.toHaveProperty('displayName');
  });

  it('when an English-profile user adds the OA, then the greeting and notice are in English', async () => {
    const john = uid('b');
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    await f.emulator.driver.follow(john);
    await f.settle();
    const seen = f.seen(john);
    expect(seen[0]!.text).toContain('Hello John');
    expect(seen[1]!.quickReply).toEqual(['Accept', 'Decline']);
  });

  it.each([
    ['ja', 'en', 'Hello Kenji', ['Accept', 'Decline']],
    ['zh-TW', 'en', 'Hello Kenji', ['Accept', 'Decline']],
    ['ko', 'en', 'Hello Kenji', ['Accept', 'Decline']],
    ['id', 'ms', 'Helo Kenji', ['Setuju', 'Tolak']],
    [undefined, 'th', 'สวัสดีค่ะ คุณKenji', ['ยินยอม', 'ไม่ยินยอม']],
  ])(
    'when the LINE profile language is %s, then the greeting and the notice are in %s',
    async (language, lang, greeting, choices) => {
      // A visitor whose phone is set to a language the hub does not speak reads English better than
      // Thai; Indonesian readers get Malay; a profile without a language is LINE in Thailand.
      const kenji = uid('c');
      f.emulator.users.add({ userId: kenji, displayName: 'Kenji', ...(language ? { language } : {}) });
      await f.emulator.driver.follow(kenji);
      await f.emulator.driver.postback({ userId: kenji }, 'a=consent&v=accept');
      await f.settle();
      const seen = f.seen(kenji);
      expect(seen[0]!.text).toContain(greeting);
      expect(seen[1]!.quickReply).toEqual(choices);
      const user = await f.hub.repos.users.get(kenji);
      if (language) expect(user).toMatchObject({ profileLanguage: lang });
      else expect(user).not.toHaveProperty('profileLanguage');
    },
  );

  it('when a Thai-profile resident who consented picks English, then English wins over the profile from then on', async () => {
    const somchai = uid('a');
    f.emulator.users.add({ userId: somchai, displayName: 'สมชาย', language: 'th' });
    await f.emulator.driver.follow(somchai);
    await f.emulator.driver.postback({ userId: somchai }, 'a=consent&v=accept');
    await f.settle();
    expect(await f.hub.repos.users.get(somchai)).toMatchObject({ profileLanguage: 'th' });
    await f.emulator.driver.postback({ userId: somchai }, 'a=lang&v=en');
    await f.emulator.driver.text({ userId: somchai }, 'menu');
    await f.emulator.driver.postback({ userId: somchai }, 'a=report');
    await f.settle();
    const [changed, help, category] = f.seen(somchai).slice(-3);
    expect(changed!.text).toBe('Language changed to English.');
    expect(help!.text).toContain('How can we help?');
    expect(category!.text).toContain('What would you like to report?');
    expect(await f.hub.repos.users.get(somchai)).toMatchObject({ profileLanguage: 'th', chosenLanguage: 'en' });
  });

  it('when a Malay-profile user adds the OA, then the greeting is in Malay', async () => {
    const aisyah = uid('d');
    f.emulator.users.add({ userId: aisyah, displayName: 'Aisyah', language: 'ms' });
    await f.emulator.driver.follow(aisyah);
    await f.settle();
    expect(f.seen(aisyah)[0]!.text).toContain('Helo Aisyah');
  });

  it('when the user accepts, then consent and profile are stored and they are told how to get help', async () => {
    const somchai = uid('a');
    f.emulator.users.add({ userId: somchai, displayName: 'สมชาย', language: 'th' });
    await f.emulator.driver.follow(somchai);
    await f.emulator.driver.postback({ userId: somchai }, 'a=consent&v=accept');
    await f.settle();
    const user = await f.hub.repos.users.get(somchai);
    expect(user).toMatchObject({ consent: 'accepted', displayName: 'สมชาย', profileLanguage: 'th' });
    expect(user!.consentAt).toEqual(expect.any(Number));
    const last = f.seen(somchai).slice(-2);
    expect(last[0]!.text).toContain('บันทึกความยินยอม');
    expect(last[1]!.quickReply).toEqual(expect.arrayContaining(['🆘 SOS', 'แจ้งเหตุ']));
  });

  it('when a new user declines the notice, then no name or profile language is ever stored, and they are told SOS still works', async () => {
    const john = uid('b');
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    await f.emulator.driver.follow(john);
    await f.emulator.driver.postback({ userId: john }, 'a=consent&v=decline');
    await f.settle();
    const user = await f.hub.repos.users.get(john);
    expect(user).toMatchObject({ _id: john, consent: 'declined' });
    expect(user).not.toHaveProperty('displayName');
    expect(user).not.toHaveProperty('profileLanguage');
    const last = f.seen(john).slice(-2);
    expect(last[0]!.text).toMatch(/only your LINE user ID/);
    expect(last[0]!.text).toMatch(/SOS/);
    expect(last[1]!.quickReply).toContain('🆘 SOS');
  });

  it('when a user types something the bot does not understand, then help comes in their language with the main actions', async () => {
    const john = uid('b');
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    await f.emulator.driver.text({ userId: john }, 'what is the weather');
    const somchai = uid('a');
    f.emulator.users.add({ userId: somchai, displayName: 'สมชาย', language: 'th' });
    await f.emulator.driver.text({ userId: somchai }, 'อากาศเป็นไง');
    await f.settle();
    expect(f.seen(john)).toEqual([
      expect.objectContaining({
        text: expect.stringContaining("Sorry, we didn't understand"),
        quickReply: ['🆘 SOS', 'Report', 'My cases', 'Zone news', 'Language / ภาษา'],
      }),
    ]);
    expect(f.seen(somchai)[0]!.text).toContain('ยังไม่เข้าใจ');
  });

  it('when a sticker arrives, then the user gets help rather than silence', async () => {
    const john = uid('b');
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    await f.emulator.driver.sticker({ userId: john });
    await f.settle();
    expect(f.seen(john)[0]!.text).toContain("can't handle that kind of message");
  });

  it('when a user types "ภาษา" and picks English, then the bot answers in English from then on', async () => {
    const somchai = uid('a');
    f.emulator.users.add({ userId: somchai, displayName: 'สมชาย', language: 'th' });
    await f.emulator.driver.text({ userId: somchai }, 'ภาษา');
    await f.settle();
    expect(f.seen(somchai)[0]!.quickReply).toEqual(['ไทย', 'English', 'Bahasa Melayu']);
    await f.emulator.driver.postback({ userId: somchai }, 'a=lang&v=en');
    await f.emulator.driver.text({ userId: somchai }, '???');
    await f.settle();
    const seen = f.seen(somchai);
    expect(seen[1]!.text).toBe('Language changed to English.');
    expect(seen[2]!.text).toContain("Sorry, we didn't understand");
    expect(await f.hub.repos.users.get(somchai)).toMatchObject({ chosenLanguage: 'en' });
  });

  it('when "language" is typed in any case, then the picker is shown', async () => {
    const john = uid('b');
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    await f.emulator.driver.text({ userId: john }, '  Language ');
    await f.settle();
    // The picker is for people who cannot read the current language: it asks in all three.
    expect(f.seen(john)[0]!.text).toBe('เลือกภาษา · Choose a language · Pilih bahasa');
  });

  it('when "zone news" is tapped by someone who follows no zone, then they are told in their language how to start, not "coming soon"', async () => {
    const john = uid('b');
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    await f.emulator.driver.postback({ userId: john }, 'a=news');
    await f.settle();
    expect(f.seen(john)[0]!.text).toContain("You don't follow any zone's news yet.");
    expect(f.seen(john)[0]!.text).not.toContain('coming soon');
    expect(f.seen(john)[0]!.message.quickReply.items.map((i: any) => i.action.type)).toContain('location');
  });

  it('when the bot is added to a group, then it says hello in Thai, as everything it says in groups, and explains binding', async () => {
    const group = gid('1');
    f.emulator.groups.add({ groupId: group, groupName: 'สภ.หาดใหญ่', memberIds: [uid('a')] });
    await f.emulator.driver.join(group);
    await f.settle();
    const hello = f.seen(group)[0]!.text!;
    expect(hello.indexOf('สวัสดีค่ะ')).toBe(0);
    expect(hello).toContain('/bind');
    expect(hello).not.toContain('Hello');
    expect(await f.hub.repos.groups.get(group)).toMatchObject({ kind: 'unbound', active: true });
  });

  it('when people chat in a group, then the bot stays quiet unless given a command', async () => {
    const group = gid('2');
    f.emulator.groups.add({ groupId: group, groupName: 'ชุมชนสันติสุข', memberIds: [uid('a')] });
    await f.emulator.driver.text({ groupId: group, userId: uid('a') }, 'ใครเห็นแมวส้มบ้าง');
    await f.emulator.driver.text({ groupId: group, userId: uid('a') }, '/whatever');
    await f.settle();
    const seen = f.seen(group);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.text).toContain('/bind');
  });
});
