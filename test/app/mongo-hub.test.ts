// The whole hub on the mongoose adapter, over the MongoDB wire double: a report with a photo, two
// officers tapping Acknowledge at once, an SOS, and the scheduler's ticks. It proves the hub's
// commands reach MongoDB as it expects them and its answers are read right; MongoDB's own semantics
// are not modelled beyond atomic single-document updates, unique indexes and E11000.
import { randomBytes } from 'node:crypto';
import { GridFsMediaStore } from '../../src/media/gridfs-media-store';
import { MongoStore } from '../../src/store/mongo/mongo-store';
import { FakeMongoWire } from '../support/fake-mongo-wire';
import { numbered } from '../support/admin';
import { HYI_GROUP, OFFICER_A, OFFICER_B, SOMCHAI, setUpCity } from '../support/city';
import { PLACES, startHub, type HubFixture } from '../support/hub-fixture';

const double = new FakeMongoWire();
beforeAll(() => double.start());
afterAll(() => double.stop());

describe('the hub on MongoDB (wire double)', () => {
  let f: HubFixture;
  let db: string;
  beforeEach(async () => {
    db = `ssz_hub_${randomBytes(4).toString('hex')}`;
    const store = await MongoStore.connect(double.uri(db));
    f = await startHub({ store, seed: true, media: new GridFsMediaStore(store.gridFsBucket('media')) });
    await setUpCity(f);
  });
  afterEach(async () => {
    await (f.store as MongoStore).dropDatabase();
    await f.close();
  });

  it('when a resident reports with a photo and two officers acknowledge at once, then one case, one owner, and each side hears it once', async () => {
    const d = f.emulator.driver;
    const u = { userId: SOMCHAI };
    await d.postback(u, 'a=report');
    await d.postback(u, 'a=cat&v=theft');
    await d.text(u, 'มีคนงัดรถจักรยานยนต์หน้าร้านสะดวกซื้อ');
    await d.image(u);
    await d.postback(u, 'a=photos-done');
    await d.location(u, PLACES.santisuk);
    await d.postback(u, 'a=anon&v=no');
    await d.postback(u, 'a=report-confirm');
    await f.settle();
    await Promise.all(
      [OFFICER_A, OFFICER_B].map((officer) =>
        d.postback({ groupId: HYI_GROUP, userId: officer }, `a=case&id=${numbered(f, 'HYI', 1)}&to=acknowledged`),
      ),
    );
    await f.settle();

    const c = await f.hub.repos.cases.get(numbered(f, 'HYI', 1));
    expect(c).toMatchObject({ status: 'acknowledged', stationCode: 'HYI', reporterId: SOMCHAI });
    expect(c!.photos).toHaveLength(1);
    expect(c!.audit.filter((a) => a.to === 'acknowledged')).toHaveLength(1);
    expect(f.seen(HYI_GROUP).filter((m) => m.text?.includes('รับเรื่องแล้ว โดย'))).toHaveLength(1);
    expect(f.seen(SOMCHAI).filter((m) => m.text?.includes('รับเรื่องแล้ว'))).toHaveLength(1);
    expect(await f.hub.repos.inbox.count('failed')).toBe(0);
    expect(double.stored(db, 'media.files')).toHaveLength(1);
  });

  it('when a resident who just shared a pin sends SOS, then the station group gets one alert card and the ladder and retention ticks run', async () => {
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.emulator.driver.text({ userId: SOMCHAI }, 'ช่วยด้วย');
    await f.settle();
    expect(await f.hub.repos.alerts.openFor(SOMCHAI)).toMatchObject({ status: 'new', stationCode: 'HYI' });
    expect(f.seen(HYI_GROUP).filter((m) => m.type === 'flex' && m.altText?.includes('SOS'))).toHaveLength(1);
    await expect(f.hub.scheduler.escalationTick()).resolves.toBeGreaterThanOrEqual(0);
    await expect(f.hub.scheduler.retentionTick()).resolves.toBe(0);
    // Every command the hub sent was one the double knows (an unknown one would be answered 59).
    expect(double.commands.filter((c) => !KNOWN.has(c.name.toLowerCase()))).toEqual([]);
  });
});

const KNOWN = new Set([
  'hello',
  'ismaster',
  'buildinfo',
  'ping',
  'endsessions',
  'dropdatabase',
  'createindexes',
  'listindexes',
  'dropindexes',
  'insert',
  'find',
  'getmore',
  'killcursors',
  'aggregate',
  'findandmodify',
  'update',
  'delete',
]);
