// Cases for city platforms (Traffy Fondue, FixMyStreet) over Open311 GeoReport v2: readable by
// anyone, so nothing personal goes out.
import request from 'supertest';
import { HYI_GROUP, JOHN, OFFICER_A, SOMCHAI, setUpCity } from '../support/city';
import { PLACES, startHub, type HubFixture } from '../support/hub-fixture';
import { fileReport } from '../support/report';
import { numbered } from '../support/admin';
import { loadTexts } from '../../src/i18n/i18n';

// Category names come from the locale files (another helper owns their wording).
const th = loadTexts().t('th');
const THEFT_TH = th('report:categories.theft');

describe('Open311 GeoReport v2', () => {
  let f: HubFixture;
  const theftWords = 'นายสมศักดิ์ บ้านเลขที่ 12 ถูกขโมยรถ โทร 089-999-1234';
  beforeAll(async () => {
    f = await startHub({ seed: true });
    await setUpCity(f);
    await fileReport(f, SOMCHAI, { category: 'theft', words: theftWords });
    await fileReport(f, JOHN, { category: 'assault', words: 'A man hit my friend' });
    await fileReport(f, JOHN, { category: 'noise', words: 'Karaoke all night', location: PLACES.khlongHae });
    await f.emulator.driver.postback(
      { groupId: HYI_GROUP, userId: OFFICER_A },
      `a=case&id=${numbered(f, 'HYI', 1)}&to=acknowledged`,
    );
    await f.settle();
  });
  afterAll(async () => {
    await f.close();
  });

  const get = (path: string) => request(f.hub.app).get(`/open311/v2${path}`);

  it('when the services are read, then they are the published categories, named in Thai or in the locale asked', async () => {
    const th = await get('/services.json');
    expect(th.status).toBe(200);
    expect(th.body.map((s: { service_code: string }) => s.service_code)).toEqual([
      'theft',
      'suspicious',
      'accident',
      'noise',
      'infrastructure',
      'other',
    ]);
    expect(th.body[0]).toEqual({
      service_code: 'theft',
      service_name: THEFT_TH,
      description: THEFT_TH,
      metadata: false,
      type: 'realtime',
      keywords: '',
      group: 'police',
    });
    const en = await get('/services.json?locale=en');
    expect(en.body[0].service_name).toBe(loadTexts().t('en')('report:categories.theft'));
    expect(en.body[0].service_name).not.toBe(THEFT_TH);
  });

  it('when requests are read, then each has its status, place rounded to about 110 m and its zone, and no name, LINE id, words or photos', async () => {
    const res = await get('/requests.json');
    expect(res.status).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const theft = (await f.hub.repos.cases.get(numbered(f, 'HYI', 1)))!;
    const ids = res.body.map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids).toContain(theft._id);
    expect(ids).not.toContain(numbered(f, 'HYI', 2)); // assault is not published
    const [served] = res.body.filter((r: { service_request_id: string }) => r.service_request_id === theft._id);
    expect(served).toEqual({
      service_request_id: theft._id,
      status: 'open',
      status_notes: 'acknowledged by the police',
      service_name: THEFT_TH,
      service_code: 'theft',
      agency_responsible: 'สถานีตำรวจภูธรหาดใหญ่',
      requested_datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/),
      updated_datetime: expect.stringMatching(/\+07:00$/),
      address: (await f.hub.repos.zones.get(theft.zoneId!))!.name.th,
      lat: Number(PLACES.santisuk.latitude.toFixed(3)),
      long: Number(PLACES.santisuk.longitude.toFixed(3)),
    });
    expect(Date.parse(served.requested_datetime)).toBe(Math.floor(theft.createdAt / 1000) * 1000);
    const everything = JSON.stringify(res.body);
    for (const personal of [SOMCHAI, JOHN, 'สมชาย', 'John', theftWords, '089-999-1234', 'Karaoke', '/media/'])
      expect(everything).not.toContain(personal);
  });

  it('when the standard filters are used, then they narrow the list, and bad ones get an Open311 error', async () => {
    const theft = numbered(f, 'HYI', 1);
    const noise = (await get('/requests.json?service_code=noise')).body;
    expect(noise.map((r: { service_code: string }) => r.service_code)).toEqual(['noise']);
    expect((await get('/requests.json?status=closed')).body).toEqual([]);
    expect((await get(`/requests.json?service_request_id=${theft},${numbered(f, 'HYI', 2)}`)).body).toHaveLength(1);
    expect((await get('/requests.json?start_date=2030-01-01T00:00:00Z&end_date=2030-01-02T00:00:00Z')).body).toEqual(
      [],
    );
    const wide = await get('/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z');
    expect(wide.status).toBe(400);
    expect(wide.body).toEqual([{ code: 400, description: 'start_date: the range may span at most 90 days' }]);
    expect((await get('/requests.json?service_code=assault')).status).toBe(404);
    expect((await get('/requests.json?status=pending')).status).toBe(400);
  });

  it('when one request is read, then it comes as a one-item list; an unpublished one is not found', async () => {
    const theft = numbered(f, 'HYI', 1);
    const one = await get(`/requests/${theft}.json`);
    expect(one.body).toHaveLength(1);
    expect(one.body[0].service_request_id).toBe(theft);
    const hidden = await get(`/requests/${numbered(f, 'HYI', 2)}.json`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual([{ code: 404, description: `service_request_id: ${numbered(f, 'HYI', 2)} not found` }]);
    expect((await get(`/requests/${theft}.xml`)).status).toBe(400);
  });
});
