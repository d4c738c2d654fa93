// GET /admin/patrols: where officers checked in, for the dashboard's map. Check-ins are made the way
// an officer makes them (the patrol button, then a pin), on a clock the test moves.
import request from 'supertest';
import type { ManualClock } from '../../src/util/clock';
import { OFFICER_A, setUpCity } from '../support/city';
import { PLACES, startHub, type HubFixture } from '../support/hub-fixture';
import { SUPER, stationToken } from '../support/admin';

const HOUR = 60 * 60_000;

describe('admin patrols', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await startHub({ seed: true, clock: 'manual' });
    await setUpCity(f);
  });
  afterEach(async () => {
    await f.close();
  });

  async function checkIn(spot: { latitude: number; longitude: number; address: string }): Promise<void> {
    await f.emulator.driver.postback({ userId: OFFICER_A }, 'a=patrol');
    await f.emulator.driver.location({ userId: OFFICER_A }, spot);
    await f.settle();
  }

  it('when officers checked in, then the check-ins since the given time come newest first, and a station admin gets only their station’s', async () => {
    const clock = f.clock as ManualClock;
    await checkIn(PLACES.santisuk);
    clock.advance(2 * HOUR);
    await checkIn({ latitude: 7.0042, longitude: 100.4712, address: 'วัดสันติสุข' });
    clock.advance(HOUR);

    const all = await request(f.hub.app).get('/admin/patrols').set('authorization', SUPER);
    expect(all.status).toBe(200);
    expect(all.body.items.map((c: any) => c.place)).toEqual(['วัดสันติสุข', PLACES.santisuk.address]);
    expect(all.body.items[0]).toMatchObject({ officerId: OFFICER_A, stationCode: 'HYI', lat: 7.0042, lng: 100.4712 });

    const since = new Date(clock.now() - 2 * HOUR).toISOString();
    const recent = await request(f.hub.app)
      .get(`/admin/patrols?from=${encodeURIComponent(since)}`)
      .set('authorization', SUPER);
    expect(recent.body.items.map((c: any) => c.place)).toEqual(['วัดสันติสุข']);

    const khk = await stationToken(f, 'KHH', 'คลองแห');
    const other = await request(f.hub.app).get('/admin/patrols').set('authorization', `Bearer ${khk}`);
    expect(other.status).toBe(200);
    expect(other.body.items).toEqual([]);
    const refused = await request(f.hub.app).get('/admin/patrols?station=HYI').set('authorization', `Bearer ${khk}`);
    expect(refused.status).toBe(403);
  });

  it('when the admin API is described, then /admin/patrols is in it', async () => {
    const doc = await request(f.hub.app).get('/admin/openapi.json');
    expect(Object.keys(doc.body.paths)).toContain('/admin/patrols');
  });
});
