// Two hub instances on one store, as behind a load balancer: two apps from createApp sharing one
// EmbeddedStore instance (and, for photos, one MongoStore over the wire double), one LINE emulator.
// What one instance learns (a zone import, a station's new phone, a photo) the other serves too, and
// start-up work that must run once (the demo seed, the rich menus) runs once.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Hub } from '../../src/app';
import { GridFsMediaStore } from '../../src/media/gridfs-media-store';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { MongoStore } from '../../src/store/mongo/mongo-store';
import { PLACES as PLACES_VERSION } from '../../src/store/repositories/version-repository';
import { FakeMongoWire } from '../support/fake-mongo-wire';
import { ADMIN_TOKEN, PLACES, startHub, testHub, uid, type HubFixture } from '../support/hub-fixture';
import { secondInstance } from '../support/second-instance';
import { SOMCHAI, setUpCity } from '../support/city';

const JOHN = uid('b');
/** Beside Hat Yai's market, outside both demo zones. */
const MARKET = { latitude: 7.0135, longitude: 100.4752, address: 'ตลาดกิมหยง หาดใหญ่' };

const marketZone = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: {
        id: 'KHH-market',
        stationCode: 'KHH',
        name_th: 'ย่านตลาดกิมหยง',
        name_en: 'Kim Yong Market',
        name_ms: 'Pasar Kim Yong',
      },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [100.473, 7.0115],
            [100.4775, 7.0115],
            [100.4775, 7.0155],
            [100.473, 7.0155],
            [100.473, 7.0115],
          ],
        ],
      },
    },
  ],
};

/** LINE's webhooks go to this instance from now on (a load balancer's choice). */
async function via(f: HubFixture, target: { webhookUrl: string }, send: () => Promise<unknown>, hub: Hub) {
  f.emulator.setWebhookUrl(target.webhookUrl);
  await send();
  await hub.drain();
}

const lastText = (f: HubFixture, chat: string) => f.seen(chat).at(-1)?.text ?? '';

describe('two hub instances on one embedded store', () => {
  let f: HubFixture;
  let b: Awaited<ReturnType<typeof secondInstance>>;
  beforeEach(async () => {
    f = await startHub({ seed: true });
    b = await secondInstance(f);
    await setUpCity(f);
  });
  afterEach(async () => {
    await b.close();
    await f.close();
  });

  it('when a zone is imported through one instance, then a pin sent to the other is placed in it after the other ticks', async () => {
    const imported = await request(f.hub.app)
      .post('/admin/zones')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send(marketZone);
    expect(imported.status).toBe(200);

    await via(f, b, () => f.emulator.driver.location({ userId: SOMCHAI }, MARKET), b.hub);
    expect(lastText(f, SOMCHAI)).not.toContain('ย่านตลาดกิมหยง'); // B still has the index it started with

    await b.hub.scheduler.refreshTick();
    await via(f, b, () => f.emulator.driver.location({ userId: SOMCHAI }, MARKET), b.hub);
    expect(lastText(f, SOMCHAI)).toContain('ย่านตลาดกิมหยง');
    expect(lastText(f, SOMCHAI)).toContain('สถานีตำรวจภูธรคลองแห');

    // Nothing changed since: the next tick keeps the index it has.
    expect(await b.hub.directory.refreshIfChanged()).toBe(false);
  });

  it("when a station's phone changes through one instance, then the other gives the new number after its tick", async () => {
    const station = await request(f.hub.app).get('/admin/stations').set('authorization', `Bearer ${ADMIN_TOKEN}`);
    const hyi = (station.body as Array<Record<string, unknown>>).find((s) => s._id === 'HYI')!;
    const { _id, createdAt: _c, updatedAt: _u, ...fields } = hyi;
    const changed = await request(f.hub.app)
      .put('/admin/stations/HYI')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ ...fields, phone: '074-200-191' });
    expect(changed.status).toBe(200);

    await b.hub.scheduler.refreshTick();
    await via(f, b, () => f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk), b.hub);
    expect(lastText(f, SOMCHAI)).toContain('074-200-191');
  });
});

describe('two hub instances starting together', () => {
  it('when both start on an empty store, then the demo data is loaded once and both route into its zones', async () => {
    const line = await startHub(); // LINE for both; its own hub and store stay idle
    const shared = new EmbeddedStore();
    const [a, b] = [
      testHub(line.emulatorUrl, shared, { seed: true }),
      testHub(line.emulatorUrl, shared, { seed: true }),
    ];
    try {
      await Promise.all([a.hub.start(), b.hub.start()]);
      await Promise.all([a.hub.scheduler.refreshTick(), b.hub.scheduler.refreshTick()]);
      expect(await a.hub.repos.stations.count()).toBe(2);
      expect(await a.hub.repos.zones.count()).toBe(2);
      // Seeded by one of them: two stations written and one zone import, each announced once.
      expect(await a.hub.repos.versions.current(PLACES_VERSION)).toBe(3);
      for (const { hub } of [a, b]) {
        expect(hub.directory.lookup({ lat: PLACES.santisuk.latitude, lng: PLACES.santisuk.longitude })).toMatchObject({
          inZone: true,
          station: { _id: 'HYI' },
        });
      }
    } finally {
      for (const started of [a, b]) {
        await started.hub.stop();
        await started.line.close();
      }
      await line.close();
    }
  });

  it('when both install the resident menus at once, then LINE gets one menu per language and either instance links an English speaker to the English one', async () => {
    const f = await startHub();
    const b = await secondInstance(f);
    try {
      await Promise.all([f.hub.installRichMenus(), b.hub.installRichMenus()]);
      // One menu per alias, none made twice: 3 resident menus and 12 officer menus (4 per language).
      expect(f.emulator.richMenus.ids()).toHaveLength(15);
      expect(Object.keys(f.emulator.richMenus.aliases())).toHaveLength(15);
      const english = f.emulator.richMenus.aliases()['ssz-resident-en'];

      f.emulator.users.add({ userId: JOHN, displayName: 'John', language: 'en' });
      f.emulator.users.add({ userId: uid('f'), displayName: 'Aminah', language: 'ms' });
      await via(f, b, () => f.emulator.driver.follow(JOHN), b.hub);
      await via(f, f, () => f.emulator.driver.follow(uid('f')), f.hub);
      expect(f.emulator.richMenus.shownTo(JOHN)?.richMenuId).toBe(english);
      expect(f.emulator.richMenus.shownTo(uid('f'))?.richMenuId).toBe(
        f.emulator.richMenus.aliases()['ssz-resident-ms'],
      );
    } finally {
      await b.close();
      await f.close();
    }
  });
});

describe('two hub instances on one MongoDB (wire double), photos in GridFS', () => {
  const double = new FakeMongoWire();
  beforeAll(() => double.start());
  afterAll(() => double.stop());

  it("when a resident's report photo reaches one instance, then the other serves it at its media URL", async () => {
    const db = `ssz_hub_${randomBytes(4).toString('hex')}`;
    const [storeA, storeB] = await Promise.all([
      MongoStore.connect(double.uri(db)),
      MongoStore.connect(double.uri(db)),
    ]);
    const f = await startHub({ store: storeA, seed: true, media: new GridFsMediaStore(storeA.gridFsBucket('media')) });
    const b = await secondInstance(f, storeB, { media: new GridFsMediaStore(storeB.gridFsBucket('media')) });
    try {
      await setUpCity(f);
      const d = f.emulator.driver;
      const u = { userId: SOMCHAI };
      for (const step of [
        () => d.postback(u, 'a=report'),
        () => d.postback(u, 'a=cat&v=theft'),
        () => d.text(u, 'มีคนงัดรถจักรยานยนต์หน้าร้านสะดวกซื้อ'),
        () => d.image(u),
      ])
        await via(f, f, step, f.hub);
      const session = await f.hub.repos.sessions.get(SOMCHAI);
      const [photo] = (session?.data as { photos: Array<{ token: string; contentType: string }> }).photos;
      expect(photo).toBeDefined();

      const fromA = await request(f.hub.app).get(`/media/${photo!.token}`);
      const fromB = await request(b.hub.app).get(`/media/${photo!.token}`);
      expect([fromA.status, fromB.status]).toEqual([200, 200]);
      expect(fromB.headers['content-type']).toBe(photo!.contentType);
      expect(Buffer.compare(fromB.body as Buffer, fromA.body as Buffer)).toBe(0);
      expect((await request(b.hub.app).get(`/media/${randomBytes(16).toString('hex')}`)).status).toBe(404);
    } finally {
      await b.close();
      await f.close();
      await storeB.close();
    }
  });
});
