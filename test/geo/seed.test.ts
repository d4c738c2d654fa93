import { seedIfEmpty } from '../../src/geo/seed';
import { setup, station } from './geo-fixture';

describe('seeding the Hat Yai demo', () => {
  it('when the store has no stations, then the demo stations and zones are seeded once and not a second time', async () => {
    const { stations, zones, clock } = await setup({ seed: false });

    expect(await seedIfEmpty({ stations, zones, clock })).toEqual({ seeded: true, stations: 2, zones: 2 });
    expect(await seedIfEmpty({ stations, zones, clock })).toEqual({ seeded: false, stations: 0, zones: 0 });

    expect(await stations.count()).toBe(2);
    expect(await zones.count()).toBe(2);
    expect(await stations.get('HYI')).toMatchObject({
      name: { th: 'สถานีตำรวจภูธรหาดใหญ่', en: 'Hat Yai Police Station', ms: 'Balai Polis Hat Yai' },
      location: { lat: 7.0086, lng: 100.4747 },
      createdAt: clock.now(),
    });
    expect((await zones.byStation('HYI')).map((z) => z.name.th)).toEqual(['ชุมชนสันติสุข']);
  });

  it('when an admin has already added a station, then the demo is not seeded', async () => {
    const { stations, zones, clock } = await setup({ seed: false });
    await stations.upsert(station('BKK', 13.75, 100.5));
    expect(await seedIfEmpty({ stations, zones, clock })).toEqual({ seeded: false, stations: 0, zones: 0 });
    expect(await zones.count()).toBe(0);
  });
});
