// The Google Geocoding stand-in the tests and the simulator use: Google's answers for what the hub
// may send it (a key, a point, an address, bounds), including the refusals Google gives.
import request from 'supertest';
import { createMapsFake } from '../../src/geo/maps-fake';

const GEOCODE = '/maps/api/geocode/json';

describe('Maps fake', () => {
  const fake = createMapsFake();
  const ask = (query: Record<string, string | string[]>) => request(fake.app).get(GEOCODE).query(query);

  it('when the request has no key, then Google denies it', async () => {
    const res = await ask({ address: 'ตลาดกิมหยง' });
    expect(res.body).toMatchObject({ status: 'REQUEST_DENIED', results: [] });
  });

  it.each([
    [{ key: 'k', latlng: '7.0' }, "Invalid request. Invalid 'latlng' parameter."],
    [{ key: 'k', latlng: '95,100' }, "Invalid request. Invalid 'latlng' parameter."],
    [{ key: 'k', latlng: 'seven,100' }, "Invalid request. Invalid 'latlng' parameter."],
    [{ key: 'k', address: '   ' }, "Invalid request. Missing the 'address' parameter."],
    [{ key: 'k' }, "Invalid request. Missing the 'address', 'components', 'latlng' or 'place_id' parameter."],
  ])('when the query is %j, then Google answers INVALID_REQUEST: %s', async (query, message) => {
    expect((await ask(query)).body).toEqual({ status: 'INVALID_REQUEST', results: [], error_message: message });
  });

  it('when a pin is at a known place, then its address comes back in the language asked; elsewhere a street address', async () => {
    const th = await ask({ key: 'k', latlng: '7.0069,100.4706', language: 'th' });
    expect(th.body.results[0].formatted_address).toMatch(/^ตลาดกิมหยง/);
    const en = await ask({ key: 'k', latlng: '7.0069,100.4706' });
    expect(en.body.results[0].formatted_address).toMatch(/^Kim Yong Market/);
    const far = await ask({ key: 'k', latlng: '6.5,100.1', language: 'th' });
    expect(far.body.results[0]).toMatchObject({ types: ['street_address'] });
    const again = await ask({ key: 'k', latlng: '6.5,100.1', language: 'th' });
    expect(again.body.results[0].formatted_address).toBe(far.body.results[0].formatted_address);
  });

  it('when an address matches several places and bounds are given, then the one nearest the centre comes first', async () => {
    const all = await ask({ key: 'k', address: 'หาดใหญ่' });
    expect(all.body.status).toBe('OK');
    expect(all.body.results.length).toBeGreaterThan(1);
    const last = all.body.results.at(-1).geometry.location;
    const near = `${last.lat - 0.001},${last.lng - 0.001}|${last.lat + 0.001},${last.lng + 0.001}`;
    const sorted = await ask({ key: 'k', address: 'หาดใหญ่', bounds: near });
    expect(sorted.body.results[0].geometry.location).toEqual(last);
    const badBounds = await ask({ key: 'k', address: 'หาดใหญ่', bounds: 'nowhere' });
    expect(badBounds.body.results.map((r: { place_id: string }) => r.place_id)).toEqual(
      all.body.results.map((r: { place_id: string }) => r.place_id),
    );
    const none = await ask({ key: 'k', address: 'Atlantis' });
    expect(none.body).toEqual({ status: 'ZERO_RESULTS', results: [] });
  });

  it('when a parameter is repeated, then the first is used; a path the fake does not serve is 404', async () => {
    const res = await ask({ key: 'k', address: ['ตลาดกิมหยง', 'Atlantis'] });
    expect(res.body.status).toBe('OK');
    const other = await request(fake.app).get('/maps/api/place/json');
    expect(other.status).toBe(404);
    expect(other.body.status).toBe('NOT_FOUND');
    expect(fake.calls.at(-1)).toEqual({ path: '/maps/api/place/json', query: {} });
  });

  it('when failures are injected, then the next answers are a server error and a denial, then normal again', async () => {
    fake.failNext(1, 'error');
    fake.failNext(1, 'denied');
    expect((await ask({ key: 'k', address: 'ตลาดกิมหยง' })).status).toBe(500);
    expect((await ask({ key: 'k', address: 'ตลาดกิมหยง' })).body.status).toBe('REQUEST_DENIED');
    expect((await ask({ key: 'k', address: 'ตลาดกิมหยง' })).body.status).toBe('OK');
  });
});
