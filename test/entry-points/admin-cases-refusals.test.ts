// The dashboard's case and SOS routes asked for what is not there, or for a period that makes no
// sense: 404 and 400 with words that say why; a refused SOS step is 409 and nothing moves.
import request from 'supertest';
import { SOMCHAI, setUpCity } from '../support/city';
import { ADMIN_TOKEN, PLACES, startHub, type HubFixture } from '../support/hub-fixture';

const SUPER = `Bearer ${ADMIN_TOKEN}`;
const DAY = 24 * 60 * 60_000;

describe('admin cases and alerts: refusals', () => {
  let f: HubFixture;
  const get = (path: string) => request(f.hub.app).get(path).set('authorization', SUPER);
  const post = (path: string, body: object) => request(f.hub.app).post(path).set('authorization', SUPER).send(body);
  beforeAll(async () => {
    f = await startHub({ seed: true });
    await setUpCity(f);
  });
  afterAll(async () => {
    await f.close();
  });

  it.each([
    ['/admin/cases/HYI-00-999999', 'no such case'],
    ['/admin/alerts/SOS-HYI-00-999999', 'no such alert'],
    ['/admin/stations/NOPE/targets', 'no such station'],
  ])('when %s is asked for, then the answer is 404: %s', async (path, message) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(message);
  });

  it.each([
    ['/admin/cases/HYI-00-999999/status', { to: 'acknowledged' }, 'no such case'],
    ['/admin/alerts/SOS-HYI-00-999999/status', { to: 'acknowledged' }, 'no such alert'],
  ])('when %s is posted %j, then the answer is 404: %s', async (path, body, message) => {
    const res = await post(path, body);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(message);
  });

  it('when targets are set for a station that does not exist, then the answer is 404', async () => {
    const res = await request(f.hub.app)
      .put('/admin/stations/NOPE/targets')
      .set('authorization', SUPER)
      .send({ sosAcknowledgeMinutes: 2 });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('no such station');
  });

  it('when a period ends before it starts, or spans more than 366 days, then the CSV export says so', async () => {
    const now = f.clock.now();
    const iso = (at: number) => encodeURIComponent(new Date(at).toISOString());
    const backwards = await get(`/admin/cases.csv?from=${iso(now)}&to=${iso(now - DAY)}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.message).toBe('from: must come before to');
    const long = await get(`/admin/cases.csv?from=${iso(now - 400 * DAY)}&to=${iso(now)}`);
    expect(long.status).toBe(400);
    expect(long.body.message).toBe('from: the period may cover at most 366 days');
  });

  it('when the web resolves an SOS nobody has acknowledged, then 409 says from where to where, and the alert stays new', async () => {
    await f.emulator.driver.location({ userId: SOMCHAI }, PLACES.santisuk);
    await f.emulator.driver.postback({ userId: SOMCHAI }, 'a=sos');
    await f.settle();
    const alert = (await f.hub.repos.alerts.openFor(SOMCHAI))!;
    const res = await post(`/admin/alerts/${alert._id}/status`, { to: 'resolved' });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('cannot move from new to resolved');
    expect(await f.hub.repos.alerts.get(alert._id)).toMatchObject({ status: 'new', audit: [] });
  });
});
