import pino from 'pino';
import { disabledGeocoder } from '../../src/geo/geocoder';
import { GoogleGeocoder } from '../../src/geo/google-geocoder';
import type { GoogleGeocoderOptions } from '../../src/geo/google-geocoder';
import { createMapsFake } from '../../src/geo/maps-fake';
import type { ListeningMapsFake, MapsFake } from '../../src/geo/maps-fake';

const KIM_YONG = { lat: 7.0069, lng: 100.4706 };
// Well away from every default landmark, so the fake makes up a street address.
const SIDE_STREET = { lat: 7.0205, lng: 100.4902 };
const API_KEY = 'test-maps-key-0123456789';
const TIMEOUT_MS = 200;
/** How long the fake holds an answer when a test makes Maps slow: far beyond the timeout. */
const MAPS_DELAY_MS = 5_000;

interface Setup {
  fake: MapsFake;
  geocoder: GoogleGeocoder;
  server: ListeningMapsFake;
  logs: Array<Record<string, unknown>>;
}

const open: ListeningMapsFake[] = [];

async function setup(opts: Partial<GoogleGeocoderOptions> = {}): Promise<Setup> {
  const fake = createMapsFake();
  const server = await fake.listen();
  open.push(server);
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const geocoder = new GoogleGeocoder({ apiKey: API_KEY, baseUrl: server.url, timeoutMs: TIMEOUT_MS, logger, ...opts });
  return { fake, geocoder, server, logs };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('GoogleGeocoder against the Maps fake', () => {
  test('when a pin is at a landmark and Thai is asked, then the Thai address comes back through the library client', async () => {
    const { fake, geocoder } = await setup();

    await expect(geocoder.reverse(KIM_YONG)).resolves.toBe(
      'ตลาดกิมหยง ถนนศุภสารรังสรรค์ ตำบลหาดใหญ่ อำเภอหาดใหญ่ สงขลา 90110',
    );
    expect(fake.calls).toEqual([
      {
        path: '/maps/api/geocode/json',
        query: expect.objectContaining({ latlng: '7.00690,100.47060', key: API_KEY, language: 'th' }),
      },
    ]);
  });

  test('when English is asked for a side street, then an English address comes back and Thai is a separate lookup', async () => {
    const { fake, geocoder } = await setup();

    const en = await geocoder.reverse(SIDE_STREET, 'en');
    const th = await geocoder.reverse(SIDE_STREET, 'th');

    expect(en).toMatch(/Tua Yang Rd, Hat Yai, Hat Yai District, Songkhla 90110, Thailand$/);
    expect(th).toMatch(/ถนนตัวอย่าง ตำบลหาดใหญ่ อำเภอหาดใหญ่ สงขลา 90110$/);
    expect(fake.calls.map((c) => c.query.language)).toEqual(['en', 'th']);
  });

  test('when a landmark is typed near Hat Yai, then its point and address come back, biased to the area', async () => {
    const { fake, geocoder } = await setup();

    const place = await geocoder.geocode('  สถานีรถไฟหาดใหญ่ ', { near: KIM_YONG });

    expect(place).toEqual({
      lat: 7.0037,
      lng: 100.4683,
      formattedAddress: 'สถานีรถไฟหาดใหญ่ ถนนรถไฟ ตำบลหาดใหญ่ อำเภอหาดใหญ่ สงขลา 90110',
    });
    expect(fake.calls[0]!.query).toEqual(
      expect.objectContaining({
        address: 'สถานีรถไฟหาดใหญ่',
        region: 'th',
        language: 'th',
        bounds: '6.96,100.42|7.06,100.52',
      }),
    );
  });

  test('when a landmark is typed in English, then the English address comes back', async () => {
    const { geocoder } = await setup();

    await expect(geocoder.geocode('central festival hat yai', { language: 'en' })).resolves.toEqual({
      lat: 7.0106,
      lng: 100.4759,
      formattedAddress:
        'Central Festival Hat Yai, Kanjanavanich Rd, Hat Yai, Hat Yai District, Songkhla 90110, Thailand',
    });
  });

  test('when an address is unknown, then geocode resolves undefined and the "nothing there" is remembered', async () => {
    const { fake, geocoder, logs } = await setup();

    await expect(geocoder.geocode('ซอยที่ไม่มีอยู่จริง 99')).resolves.toBeUndefined();
    await expect(geocoder.geocode('ซอยที่ไม่มีอยู่จริง  99')).resolves.toBeUndefined();

    expect(fake.calls).toHaveLength(1);
    expect(logs).toEqual([]); // not finding a place is an answer, not a failure
  });

  test('when the same point is asked twice, then the second answer comes from the cache', async () => {
    const { fake, geocoder } = await setup();

    const first = await geocoder.reverse(KIM_YONG);
    // Below the fifth decimal: the same pin as far as the cache is concerned.
    const second = await geocoder.reverse({ lat: KIM_YONG.lat + 0.000001, lng: KIM_YONG.lng });

    expect(second).toBe(first);
    expect(fake.calls).toHaveLength(1);
  });

  test('when identical lookups arrive together, then they share one HTTP call', async () => {
    const { fake, geocoder } = await setup();
    fake.setDelay(50);

    const answers = await Promise.all([
      geocoder.reverse(SIDE_STREET),
      geocoder.reverse(SIDE_STREET),
      geocoder.reverse(SIDE_STREET),
      geocoder.geocode('ตลาดกิมหยง'),
      geocoder.geocode('ตลาดกิมหยง'),
    ]);

    expect(new Set(answers.slice(0, 3)).size).toBe(1);
    expect(answers[3]).toEqual(answers[4]);
    expect(answers[3]).toEqual(expect.objectContaining({ lat: 7.0069, lng: 100.4706 }));
    expect(fake.calls).toHaveLength(2);
  });

  test('when Maps answers slower than the timeout, then undefined comes back after the timeout, before Maps answers, and is not cached', async () => {
    const { fake, geocoder } = await setup();
    fake.setDelay(MAPS_DELAY_MS);

    const started = Date.now();
    await expect(geocoder.reverse(KIM_YONG)).resolves.toBeUndefined();
    const elapsed = Date.now() - started;
    // Bounds a busy machine cannot break: not before the timeout, and not by waiting for Maps.
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(MAPS_DELAY_MS);

    fake.setDelay(0);
    await expect(geocoder.reverse(KIM_YONG)).resolves.toContain('ตลาดกิมหยง');
    expect(fake.calls).toHaveLength(2);
  });

  test('when Maps never answers, then undefined comes back all the same (the timeout, nothing else, ends the wait)', async () => {
    const { fake, geocoder } = await setup();
    fake.failNext(1, 'timeout');

    const started = Date.now();
    await expect(geocoder.geocode('ตลาดกิมหยง')).resolves.toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
  });

  test('when the key is refused, then undefined comes back, a warning names REQUEST_DENIED without the key, and the next call asks again', async () => {
    const { fake, geocoder, logs } = await setup();
    fake.failNext(1, 'denied');

    await expect(geocoder.reverse(KIM_YONG)).resolves.toBeUndefined();
    await expect(geocoder.reverse(KIM_YONG)).resolves.toContain('ตลาดกิมหยง');

    expect(fake.calls).toHaveLength(2);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toEqual(expect.objectContaining({ op: 'reverse', reason: 'REQUEST_DENIED' }));
    expect(JSON.stringify(logs)).not.toContain(API_KEY);
  });

  test('when no key is sent, then the fake denies like Google and the geocoder resolves undefined', async () => {
    const { fake, geocoder } = await setup({ apiKey: '' });

    await expect(geocoder.geocode('ตลาดกิมหยง')).resolves.toBeUndefined();
    expect(fake.calls).toHaveLength(1);
  });

  test('when Maps keeps failing, then only one warning is logged per minute', async () => {
    const { fake, geocoder, logs } = await setup();
    fake.failNext(3, 'error');

    await geocoder.reverse(KIM_YONG);
    await geocoder.reverse(SIDE_STREET);
    await geocoder.geocode('ตลาดกิมหยง');

    expect(fake.calls).toHaveLength(3);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toEqual(expect.objectContaining({ reason: 'UNKNOWN_ERROR', suppressedSinceLast: 0 }));
  });

  test('when the Maps host is unreachable, then undefined comes back without throwing', async () => {
    const { server } = await setup();
    const url = server.url;
    await server.close();
    const geocoder = new GoogleGeocoder({ apiKey: API_KEY, baseUrl: url, timeoutMs: TIMEOUT_MS });

    await expect(geocoder.reverse(KIM_YONG)).resolves.toBeUndefined();
    await expect(geocoder.geocode('ตลาดกิมหยง')).resolves.toBeUndefined();
  });
});

describe('disabledGeocoder', () => {
  test('when no key is configured, then lookups resolve undefined at once and nothing is called', async () => {
    const { fake } = await setup();

    expect(disabledGeocoder.enabled).toBe(false);
    await expect(disabledGeocoder.reverse(KIM_YONG, 'en')).resolves.toBeUndefined();
    await expect(disabledGeocoder.geocode('ตลาดกิมหยง', { near: KIM_YONG })).resolves.toBeUndefined();
    expect(fake.calls).toEqual([]);
  });
});

describe('Maps fake', () => {
  test('when a request has no key, then it answers REQUEST_DENIED with HTTP 200, as Google does', async () => {
    const { server } = await setup();

    const res = await fetch(`${server.url}/maps/api/geocode/json?latlng=7.0069,100.4706`);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(expect.objectContaining({ status: 'REQUEST_DENIED', results: [] }));
  });

  test('when a landmark is looked up in Malay with no Malay text, then the English address is the fallback', async () => {
    const { server } = await setup();

    const res = await fetch(`${server.url}/maps/api/geocode/json?key=k&language=ms&address=Kim%20Yong`);
    const body = (await res.json()) as any;

    expect(body.status).toBe('OK');
    expect(body.results[0]).toEqual({
      formatted_address: expect.stringMatching(/^Kim Yong Market/),
      geometry: { location: { lat: 7.0069, lng: 100.4706 }, location_type: 'ROOFTOP' },
      place_id: expect.any(String),
      types: ['point_of_interest', 'establishment'],
    });
  });
});
