// The report conversation step by step, where the resident does something other than the happy
// path: too many photos, a photo LINE cannot hand over, words instead of buttons, their last pin,
// an address Maps does not know.
import request from 'supertest';
import { MemoryMediaStore } from '../../src/media/media-store';
import type { ManualClock } from '../../src/util/clock';
import { JOHN, SOMCHAI, setUpCity } from '../support/city';
import { PLACES, startHub, startHubWithMaps, type HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';

const u = { userId: JOHN };
const lastText = (f: HubFixture, chat: string) => f.seen(chat).at(-1)?.text;

async function toPhotos(f: HubFixture): Promise<void> {
  await f.emulator.driver.postback(u, 'a=report');
  await f.emulator.driver.postback(u, 'a=cat&v=theft');
  await f.emulator.driver.text(u, 'Bike stolen outside the shop');
  await f.settle();
}

async function finish(f: HubFixture): Promise<void> {
  await f.emulator.driver.postback(u, 'a=anon&v=no');
  await f.emulator.driver.postback(u, 'a=report-confirm');
  await f.settle();
}

describe('report steps off the happy path', () => {
  let f: HubFixture;
  let media: MemoryMediaStore;
  beforeEach(async () => {
    media = new MemoryMediaStore();
    f = await startHub({ seed: true, media, clock: 'manual' });
    await setUpCity(f);
  });
  afterEach(async () => {
    await f.close();
  });

  it('when a resident sends a fourth photo, then the third already moved on to the place, and the case keeps three', async () => {
    await toPhotos(f);
    for (let i = 0; i < 3; i++) await f.emulator.driver.image(u);
    await f.settle();
    expect(f.seen(JOHN).at(-1)).toMatchObject({
      text: 'All 3 photos received.',
      quickReply: ['Send location', 'Cancel'],
    });
    // A fourth photo at the place step is not kept: the resident is asked for the place again.
    await f.emulator.driver.image(u);
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Where did it happen? Tap "Send location" below to drop a pin on the spot.');
    await f.emulator.driver.location(u, PLACES.santisuk);
    await finish(f);
    const c = (await f.hub.repos.cases.byReporter(JOHN))[0]!;
    expect(c.photos).toHaveLength(3);
    expect(media.files.size).toBe(3);
  });

  it.each([
    ['taps Cancel on the confirm card', true, () => f.emulator.driver.postback(u, 'a=report-cancel')],
    ['types "cancel" at the photo step', false, () => f.emulator.driver.text(u, 'cancel')],
  ])(
    'when a resident who sent two photos %s, then the report ends unsent and the photos are deleted, not kept',
    async (_how, atConfirm, cancel) => {
      const other = await fileReport(f, SOMCHAI, { words: 'รถหาย', photos: 1 }).then(() => [...media.files.keys()]);
      expect(other).toHaveLength(1);
      await toPhotos(f);
      await f.emulator.driver.image(u);
      await f.emulator.driver.image(u);
      await f.settle();
      if (atConfirm) {
        await f.emulator.driver.postback(u, 'a=photos-done');
        await f.emulator.driver.location(u, PLACES.santisuk);
        await f.emulator.driver.postback(u, 'a=anon&v=no');
        await f.settle();
      }
      const drafted = ((await f.hub.repos.sessions.get(JOHN))?.data.photos as Array<{ token: string }>).map(
        (p) => p.token,
      );
      expect(drafted).toHaveLength(2);
      for (const token of drafted) await request(f.hub.app).get(`/media/${token}`).expect(200);

      await cancel();
      await f.settle();

      expect(lastText(f, JOHN)).toBe('Report cancelled. Nothing was sent.');
      expect(await f.hub.repos.cases.byReporter(JOHN)).toEqual([]);
      for (const token of drafted) await request(f.hub.app).get(`/media/${token}`).expect(404);
      // Someone else's filed report keeps its photo.
      expect([...media.files.keys()]).toEqual(other);
    },
  );
});

describe('the photos of a report that is never sent', () => {
  let f: HubFixture;
  let media: MemoryMediaStore;
  /** Someone else's filed report, whose photo must stay whatever happens to John's draft. */
  let filed: string[];
  beforeEach(async () => {
    media = new MemoryMediaStore();
    f = await startHub({ seed: true, media, clock: 'manual' });
    await setUpCity(f);
    await fileReport(f, SOMCHAI, { words: 'รถหาย', photos: 1 });
    filed = [...media.files.keys()];
    expect(filed).toHaveLength(1);
  });
  afterEach(async () => {
    await f.close();
  });

  /** John's draft with two photos; their tokens, each served until then. */
  async function draftWithPhotos(): Promise<string[]> {
    await toPhotos(f);
    await f.emulator.driver.image(u);
    await f.emulator.driver.image(u);
    await f.settle();
    const tokens = ((await f.hub.repos.sessions.get(JOHN))?.data.photos as Array<{ token: string }>).map(
      (p) => p.token,
    );
    expect(tokens).toHaveLength(2);
    for (const token of tokens) await request(f.hub.app).get(`/media/${token}`).expect(200);
    return tokens;
  }

  async function expectGone(tokens: string[]): Promise<void> {
    for (const token of tokens) await request(f.hub.app).get(`/media/${token}`).expect(404);
    expect([...media.files.keys()]).toEqual(filed);
  }

  it('when a resident leaves a draft with photos and comes back after it expired, then they hear it was not sent and the photos are deleted', async () => {
    const tokens = await draftWithPhotos();
    (f.clock as ManualClock).advance(31 * 60_000);
    await f.emulator.driver.text(u, 'hello?');
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Your unfinished report timed out (30 minutes) and was not sent. You can start again any time.');
    await expectGone(tokens);
  });

  it('when a resident never comes back to a draft with photos, then the hourly retention removes the draft and its photos', async () => {
    const tokens = await draftWithPhotos();
    (f.clock as ManualClock).advance(31 * 60_000);
    await f.hub.scheduler.retentionTick();
    expect(await f.hub.repos.sessions.get(JOHN)).toBeNull();
    await expectGone(tokens);
  });


  it('when a resident withdraws consent during a draft with photos, then the draft and its photos go at once', async () => {
    const tokens = await draftWithPhotos();
    await f.emulator.driver.postback(u, 'a=consent&v=withdraw');
    await f.settle();
    expect(await f.hub.repos.sessions.get(JOHN)).toBeNull();
    await expectGone(tokens);
  });

  it('when a draft with photos is sent, then the photos stay with the case', async () => {
    const tokens = await draftWithPhotos();
    await f.emulator.driver.postback(u, 'a=photos-done');
    await f.emulator.driver.location(u, PLACES.santisuk);
    await finish(f);
    const c = (await f.hub.repos.cases.byReporter(JOHN))[0]!;
    expect(c.photos.map((p) => p.token)).toEqual(tokens);
    for (const token of tokens) await request(f.hub.app).get(`/media/${token}`).expect(200);
  });
});

describe('report steps off the happy path (more)', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await startHub({ seed: true, clock: 'manual' });
    await setUpCity(f);
  });
  afterEach(async () => {
    await f.close();
  });

  it('when LINE cannot hand over a photo, then the resident is asked to try again and the next photo is kept', async () => {
    await toPhotos(f);
    f.emulator.faults.inject({ count: 1, status: 400, endpoint: 'content' });
    await f.emulator.driver.image(u);
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Sorry, that photo didn\'t come through. Try again, or tap "Skip".');
    await f.emulator.driver.image(u);
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Photo 1 received. You can send 2 more, or tap "Done".');
  });

  it('when a photo LINE cannot hand over comes before the words, then the resident hears it failed and is still asked for words', async () => {
    await f.emulator.driver.postback(u, 'a=report');
    await f.emulator.driver.postback(u, 'a=cat&v=theft');
    f.emulator.faults.inject({ count: 1, status: 400, endpoint: 'content' });
    await f.emulator.driver.image(u);
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Sorry, that photo didn\'t come through. Try again, or tap "Skip".');
    expect((await f.hub.repos.sessions.get(JOHN))?.step).toBe('description');
  });

  it('when the resident types a category name or sends a sticker at the category step, then the name is taken and the sticker asks again', async () => {
    await f.emulator.driver.postback(u, 'a=report');
    await f.emulator.driver.sticker(u);
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Please pick a category from the buttons below.');
    await f.emulator.driver.text(u, 'noise / disturbance');
    await f.settle();
    expect(await f.hub.repos.sessions.get(JOHN)).toMatchObject({ step: 'description', data: { category: 'noise' } });
  });

  it('when a photo and a pin come before the category, then both are kept and the category is asked again', async () => {
    await f.emulator.driver.postback(u, 'a=report');
    await f.emulator.driver.image(u);
    await f.emulator.driver.location(u, PLACES.khlongHae);
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Please pick a category from the buttons below.');
    const session = await f.hub.repos.sessions.get(JOHN);
    expect(session).toMatchObject({ step: 'category', data: { location: { lat: PLACES.khlongHae.latitude } } });
    expect((session!.data as { photos: unknown[] }).photos).toHaveLength(1);
  });

  it('when more words come while photos are awaited, then they are added to the description', async () => {
    await toPhotos(f);
    await f.emulator.driver.text(u, 'It was a red Honda Wave');
    await f.emulator.driver.sticker(u);
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Any photos? Send up to 3, or tap "Skip".');
    expect((await f.hub.repos.sessions.get(JOHN))?.data).toMatchObject({
      description: 'Bike stolen outside the shop\nIt was a red Honda Wave',
    });
  });

  it('when the resident shared a pin minutes ago, then "Use my last pin" files the report there', async () => {
    await f.emulator.driver.location(u, PLACES.khlongHae);
    await toPhotos(f);
    await f.emulator.driver.postback(u, 'a=photos-done');
    await f.settle();
    expect(f.seen(JOHN).at(-1)!.quickReply).toEqual(['Send location', 'Use my last pin', 'Cancel']);
    await f.emulator.driver.postback(u, 'a=last-pin');
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Should the officers see your LINE name?');
    await finish(f);
    const c = (await f.hub.repos.cases.byReporter(JOHN))[0]!;
    expect(c).toMatchObject({ stationCode: 'KHH', location: { source: 'last-pin', lat: PLACES.khlongHae.latitude } });
  });

  it('when the resident shared a pin minutes ago but taps an old button at the location question, then the pin is not taken for the report', async () => {
    await f.emulator.driver.location(u, PLACES.khlongHae);
    await toPhotos(f);
    await f.emulator.driver.postback(u, 'a=photos-done');
    await f.settle();
    await f.emulator.driver.postback(u, 'a=anon&v=yes'); // a button from an earlier message
    await f.settle();
    const session = await f.hub.repos.sessions.get(JOHN);
    expect(session?.step).toBe('location');
    expect(session?.data).not.toHaveProperty('location');
    expect(lastText(f, JOHN)).not.toBe('Should the officers see your LINE name?');
  });

  it('when the last pin is older than ten minutes by the time it is tapped, then the resident is asked for a new pin', async () => {
    await f.emulator.driver.location(u, PLACES.khlongHae);
    await toPhotos(f);
    await f.emulator.driver.postback(u, 'a=photos-done');
    await f.settle();
    (f.clock as ManualClock).advance(11 * 60_000);
    await f.emulator.driver.postback(u, 'a=last-pin');
    await f.settle();
    expect(f.seen(JOHN).at(-1)).toMatchObject({
      text: 'Where did it happen? Tap "Send location" below to drop a pin on the spot.',
      quickReply: ['Send location', 'Cancel'],
    });
    expect((await f.hub.repos.sessions.get(JOHN))?.step).toBe('location');
  });

  it('when the resident types at the name question or the confirm card, then each is asked again and nothing is sent', async () => {
    await toPhotos(f);
    await f.emulator.driver.location(u, PLACES.santisuk);
    await f.emulator.driver.text(u, 'yes');
    await f.settle();
    expect(lastText(f, JOHN)).toBe('Should the officers see your LINE name?');
    await f.emulator.driver.postback(u, 'a=anon&v=yes');
    await f.emulator.driver.text(u, 'ok send it');
    await f.settle();
    const [press, card] = f.seen(JOHN).slice(-2);
    expect(press!.text).toBe('Tap "Send report" to send it, or "Cancel".');
    expect(card!.type).toBe('flex');
    expect(await f.hub.repos.cases.byReporter(JOHN)).toHaveLength(0);
  });
});

describe('reports with no station set up', () => {
  it('when a resident confirms a report and no station exists, then they are told so and to call 191', async () => {
    const f = await startHub();
    try {
      f.emulator.users.add({ userId: SOMCHAI, displayName: 'สมชาย', language: 'en' });
      await f.emulator.driver.follow(SOMCHAI);
      await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=consent&v=accept');
      await fileReport(f, SOMCHAI, { words: 'Wallet gone' });
      expect(lastText(f, SOMCHAI)).toBe('Sorry, no police stations are set up yet. In an emergency, call 191.');
      expect(await f.hub.repos.cases.byReporter(SOMCHAI)).toHaveLength(0);
      expect(await f.hub.repos.sessions.get(SOMCHAI)).toBeNull();
    } finally {
      await f.close();
    }
  });
});

describe('typed addresses Maps does not know', () => {
  it('when the address is not found, then the resident is asked for a pin; an English reporter checks the place in English', async () => {
    const f = await startHubWithMaps({ seed: true });
    try {
      await setUpCity(f);
      await toPhotos(f);
      await f.emulator.driver.postback(u, 'a=photos-done');
      await f.emulator.driver.text(u, 'Nowhere Street 99');
      await f.settle();
      expect(lastText(f, JOHN)).toBe(
        'Sorry, we couldn\'t find "Nowhere Street 99". Please drop a pin with "Send location".\nWhere did it happen? Tap "Send location" to drop a pin, or type an address or place.',
      );
      await f.emulator.driver.text(u, 'ตลาดกิมหยง');
      await f.emulator.driver.postback(u, 'a=anon&v=no');
      await f.settle();
      const card = JSON.stringify(f.seen(JOHN).at(-1)!.message);
      const languages = f.maps.calls.filter((c) => c.query.address === 'ตลาดกิมหยง').map((c) => c.query.language);
      expect(languages).toEqual(['th', 'en']);
      expect(card).toContain('Kim Yong');
    } finally {
      await f.close();
    }
  });
});
