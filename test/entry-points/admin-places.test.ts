// The admin API's stations, zones, officers and bind codes where the caller asks for what is not
// there, or for what cannot be done: 404, 409 and 400 with words that say why; a new station 201.
import request from 'supertest';
import { ADMIN_TOKEN, uid } from '../support/hub-fixture';
import { issueCode, SOMCHAI } from '../support/city';
import { cityForEachTest } from '../support/city-per-test';

const SUPER = `Bearer ${ADMIN_TOKEN}`;

describe('admin API: places, officers and codes that are not there', () => {
  const city = cityForEachTest();
  const get = (path: string) => request(city().hub.app).get(path).set('authorization', SUPER);

  it('when a station is asked for, then it comes back, an unknown one is 404, and a new one is created with 201 and audited', async () => {
    const f = city();
    expect((await get('/admin/stations/HYI')).body).toMatchObject({
      _id: 'HYI',
      name: { en: 'Hat Yai Police Station' },
    });
    const missing = await get('/admin/stations/NOPE');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('no such station');
    const created = await request(f.hub.app)
      .put('/admin/stations/SDO')
      .set('authorization', SUPER)
      .send({
        name: { th: 'สถานีตำรวจภูธรสะเดา', en: 'Sadao Police Station', ms: 'Balai Polis Sadao' },
        phone: '074-411-191',
        location: { lat: 6.6386, lng: 100.4238 },
      });
    expect(created.status).toBe(201);
    expect((await get('/admin/stations/SDO')).body).toMatchObject({ phone: '074-411-191' });
    const audit = await get('/admin/audit');
    expect(audit.body).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'station.create' })]));
  });

  it("when zones are listed for one station or asked for by id, then only that station's come back, and an unknown zone is 404", async () => {
    const hyi = await get('/admin/zones?station=HYI');
    expect(hyi.body.type).toBe('FeatureCollection');
    expect(hyi.body.features.map((z: { properties: { stationCode: string } }) => z.properties.stationCode)).toEqual(
      hyi.body.features.map(() => 'HYI'),
    );
    expect(hyi.body.features.length).toBeGreaterThan(0);
    const one = await get('/admin/zones/HYI-santisuk');
    expect(one.body).toMatchObject({ type: 'Feature', properties: { id: 'HYI-santisuk', stationCode: 'HYI' } });
    const missing = await get('/admin/zones/HYI-nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('no such zone');
  });

  it('when a resident is removed as an officer, then the answer is 404 and they stay a resident', async () => {
    const f = city();
    const res = await request(f.hub.app).delete(`/admin/officers/${SOMCHAI}`).set('authorization', SUPER);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('no such officer');
    expect(await f.hub.repos.users.get(SOMCHAI)).toMatchObject({ role: 'resident' });
  });

  it('when a community code names a zone of another station, or an unknown zone, then it is refused with 400 saying which', async () => {
    const f = city();
    const mismatch = await request(f.hub.app)
      .post('/admin/bind-codes')
      .set('authorization', SUPER)
      .send({ kind: 'community', stationCode: 'KHH', zoneId: 'HYI-santisuk' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.message).toBe('zone HYI-santisuk belongs to HYI');
    const unknown = await request(f.hub.app)
      .post('/admin/bind-codes')
      .set('authorization', SUPER)
      .send({ kind: 'community', stationCode: 'HYI', zoneId: 'HYI-nowhere' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('unknown zone HYI-nowhere');
  });

  it('when a code is revoked that does not exist, or was used already, then 404 and 409 say so', async () => {
    const f = city();
    const missing = await request(f.hub.app).delete('/admin/bind-codes/nope').set('authorization', SUPER);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('no such code');
    const code = await issueCode(f, { kind: 'officer', stationCode: 'HYI' });
    const listed = await get('/admin/bind-codes');
    expect(listed.body).toEqual([expect.objectContaining({ code, kind: 'officer', stationCode: 'HYI' })]);
    const officer = uid('9');
    f.emulator.users.add({ userId: officer, displayName: 'New officer', language: 'th' });
    await f.emulator.driver.text({ userId: officer }, `/bind ${code}`);
    await f.settle();
    const used = await request(f.hub.app).delete(`/admin/bind-codes/${code}`).set('authorization', SUPER);
    expect(used.status).toBe(409);
    expect(used.body.message).toBe('the code was used or has expired');
  });

  it('when LINE cannot say the quota, then the admin API still answers with what the hub counted', async () => {
    const f = city();
    f.emulator.faults.inject({ count: 5, status: 500, endpoint: 'quota' });
    f.emulator.faults.inject({ count: 5, status: 500, endpoint: 'quotaConsumption' });
    const res = await get('/admin/quota');
    expect(res.status).toBe(200);
    expect(res.body.counted).toMatchObject({ groupPushes: 0 });
    expect(res.body.line?.quota).toBeUndefined();
  });

  it('when a token that does not exist is revoked, then the answer is 404', async () => {
    const f = city();
    const res = await request(f.hub.app).delete('/admin/tokens/tok_nope').set('authorization', SUPER);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('no such token');
  });
});
