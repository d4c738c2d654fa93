// The admin API on the mongoose adapter, over the MongoDB wire double: two hub instances on one
// database, a station token made on one and used on the other, a case moved from the web on one and
// heard on the other's dashboard feed, filtered lists, and an erasure with its GridFS photo. It
// proves the admin queries reach MongoDB as the adapter sends them (not MongoDB's own semantics).
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { GridFsMediaStore } from '../../src/media/gridfs-media-store';
import { MongoStore } from '../../src/store/mongo/mongo-store';
import { FakeMongoWire } from '../support/fake-mongo-wire';
import { SOMCHAI, setUpCity } from '../support/city';
import { startHub, testHub, type HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';
import { SUPER, numbered, stationToken } from '../support/admin';

const double = new FakeMongoWire();
beforeAll(() => double.start());
afterAll(() => double.stop());

describe('the admin API on MongoDB (wire double), two instances', () => {
  let f: HubFixture;
  let db: string;
  let other: ReturnType<typeof testHub>;
  let otherStore: MongoStore;
  beforeEach(async () => {
    db = `ssz_admin_${randomBytes(4).toString('hex')}`;
    const store = await MongoStore.connect(double.uri(db));
    f = await startHub({
      store,
      seed: true,
      media: new GridFsMediaStore(store.gridFsBucket('media')),
      adminFeedTicker: { every: () => () => undefined },
    });
    await setUpCity(f);
    otherStore = await MongoStore.connect(double.uri(db));
    other = testHub(f.emulatorUrl, otherStore, { media: new GridFsMediaStore(otherStore.gridFsBucket('media')) });
  });
  afterEach(async () => {
    await other.hub.drain();
    await other.hub.stop();
    await other.line.close();
    await otherStore.close();
    await (f.store as MongoStore).dropDatabase();
    await f.close();
  });

  it('when a case is filed, moved from the web on one instance and read on the other, then lists, audit and the other instance’s feed all agree', async () => {
    await fileReport(f, SOMCHAI, { category: 'theft', words: 'มีคนงัดรถจักรยานยนต์หน้าร้าน', photos: 1 });
    const id = numbered(f, 'HYI', 1);

    // A dashboard on the first instance; the token is made there and used on the second.
    const token = await stationToken(f, 'HYI', 'ศูนย์สั่งการ');
    const base = f.webhookUrl.replace(/\/webhook$/, '');
    const events: string[] = [];
    const stream = await new Promise<http.IncomingMessage>((resolve) =>
      http.get(`${base}/admin/events`, { headers: { authorization: `Bearer ${token}` } }, resolve),
    );
    stream.on('data', (chunk: Buffer) => events.push(chunk.toString()));

    const moved = await request(other.hub.app)
      .post(`/admin/cases/${id}/status`)
      .set('authorization', `Bearer ${token}`)
      .send({ to: 'acknowledged' });
    expect(moved.status).toBe(200);
    await f.hub.adminFeed.poll();
    // The event is written during the read; it may still be on its way through the socket.
    while (!events.join('').includes('event: case')) await new Promise((resolve) => stream.once('data', resolve));
    expect(events.join('')).toMatch(
      new RegExp(`event: case\nid: \\d+\ndata: \\{"_id":"${id}".*"status":"acknowledged"`),
    );
    stream.destroy();

    const listed = await request(f.hub.app)
      .get('/admin/cases?category=theft&status=acknowledged&from=2026-01-01')
      .set('authorization', `Bearer ${token}`);
    expect(listed.body.items.map((c: { _id: string }) => c._id)).toEqual([id]);
    const audit = await request(f.hub.app).get(`/admin/audit?type=case&target=${id}`).set('authorization', SUPER);
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(['case.status']);

    // An erasure on the second instance removes the photo from GridFS for both.
    const erased = await request(other.hub.app)
      .post(`/admin/privacy/users/${SOMCHAI}/erase`)
      .set('authorization', SUPER)
      .send({});
    expect(erased.status).toBe(200);
    expect(erased.body.removed).toEqual(expect.objectContaining({ profile: 1, cases: 1, media: 1 }));
    expect(double.stored(db, 'media.files')).toHaveLength(0);
    expect(await f.hub.repos.cases.get(id)).toMatchObject({ reporterId: 'erased', description: 'erased', photos: [] });
  });
});
