import type { Zone } from '../../src/domain/places';
import { haversineM, ZoneIndex } from '../../src/geo/zone-index';
import { importZonesFromGeoJson } from '../../src/geo/zone-importer';
import {
  BETWEEN_ZONES,
  collection,
  feature,
  KHLONG_HAE_INSIDE,
  SANTISUK_INSIDE,
  setup,
  square,
  station,
} from './geo-fixture';

describe('zone lookup over the Hat Yai demo', () => {
  it('when a pin falls inside Santisuk, then the zone and the Hat Yai station come back, in zone', async () => {
    const { directory } = await setup();
    const found = directory.lookup(SANTISUK_INSIDE);
    expect(found.inZone).toBe(true);
    expect(found.zones.map((z) => z._id)).toEqual(['HYI-santisuk']);
    expect(found.zones[0]!.name.th).toBe('ชุมชนสันติสุข');
    expect(found.station?._id).toBe('HYI');
    // The station sits about 650 m north-east of this point.
    expect(found.distanceM).toBeGreaterThan(500);
    expect(found.distanceM).toBeLessThan(800);
  });

  it('when a pin falls inside the Khlong Hae zone, then Khlong Hae station is responsible', async () => {
    const { directory } = await setup();
    const found = directory.lookup(KHLONG_HAE_INSIDE);
    expect(found).toMatchObject({ inZone: true, station: { _id: 'KHH' } });
    expect(found.zones.map((z) => z._id)).toEqual(['KHH-khlong-hae']);
  });

  it('when a pin is outside every zone, then the nearest station comes back with its distance, not in zone', async () => {
    const { directory } = await setup();
    const found = directory.lookup(BETWEEN_ZONES);
    expect(found.inZone).toBe(false);
    expect(found.zones).toEqual([]);
    expect(found.station?._id).toBe('KHH');
    expect(found.distanceM).toBeCloseTo(haversineM(BETWEEN_ZONES, { lat: 7.045, lng: 100.492 }), 6);
    expect(found.distanceM).toBeGreaterThan(1_500);
    expect(found.distanceM).toBeLessThan(2_200);
  });

  it('when the store is empty, then a lookup finds neither zone nor station and does not throw', async () => {
    const { directory } = await setup({ seed: false });
    expect(directory.lookup(SANTISUK_INSIDE)).toEqual({ zones: [], inZone: false });
    expect(ZoneIndex.empty().lookup({ lat: Number.NaN, lng: 100 })).toEqual({ zones: [], inZone: false });
  });

  it('when a zone is imported and the directory rebuilt, then pins in it resolve to it; before the rebuild they do not', async () => {
    const { directory, zones, stations, clock } = await setup();
    const pin = { lat: 7.021, lng: 100.521 };
    expect(directory.lookup(pin).inZone).toBe(false);

    const file = collection(feature('HYI-new', [square(100.519, 7.019)]));
    const result = await importZonesFromGeoJson(JSON.stringify(file), { zones, stations, clock });
    expect(result).toEqual({ imported: 1, errors: [] });
    expect(directory.lookup(pin).inZone).toBe(false);

    await directory.rebuild();
    expect(directory.lookup(pin)).toMatchObject({ inZone: true, station: { _id: 'HYI' }, zones: [{ _id: 'HYI-new' }] });
    expect(directory.index.zoneCount).toBe(3);
  });
});

describe('zone index geometry', () => {
  const hyi = station('HYI', 7.0086, 100.4747);
  const multi: Zone = {
    _id: 'HYI-two-parts',
    stationCode: 'HYI',
    name: { th: 'สองส่วน', en: 'Two parts', ms: 'Dua bahagian' },
    geometry: { type: 'MultiPolygon', coordinates: [[square(100.4, 7.0)], [square(100.42, 7.0)]] },
    createdAt: 0,
    updatedAt: 0,
  };

  it('when a zone is a MultiPolygon, then a pin in either part is in the zone and a pin in the gap is not', () => {
    const index = new ZoneIndex([multi], [hyi]);
    expect(index.lookup({ lat: 7.002, lng: 100.402 })).toMatchObject({
      inZone: true,
      zones: [{ _id: 'HYI-two-parts' }],
    });
    expect(index.lookup({ lat: 7.002, lng: 100.422 })).toMatchObject({
      inZone: true,
      zones: [{ _id: 'HYI-two-parts' }],
    });
    // Inside the one bounding box that covers both parts, but in neither polygon.
    expect(index.lookup({ lat: 7.002, lng: 100.412 })).toMatchObject({
      inZone: false,
      zones: [],
      station: { _id: 'HYI' },
    });
  });

  it('when two zones overlap at a pin, then both are listed in id order and the first one routes', () => {
    const a: Zone = {
      ...multi,
      _id: 'A',
      stationCode: 'KHH',
      geometry: { type: 'Polygon', coordinates: [square(100.4, 7.0)] },
    };
    const b: Zone = {
      ...multi,
      _id: 'B',
      stationCode: 'HYI',
      geometry: { type: 'Polygon', coordinates: [square(100.402, 7.0)] },
    };
    const index = new ZoneIndex([a, b], [hyi, station('KHH', 7.045, 100.492)]);
    const found = index.lookup({ lat: 7.002, lng: 100.403 });
    expect(found.zones.map((z) => z._id)).toEqual(['A', 'B']);
    expect(found.station?._id).toBe('KHH');
  });

  it("when a zone's station no longer exists, then the pin is still in the zone and the nearest station is offered", () => {
    const orphan: Zone = { ...multi, stationCode: 'GONE' };
    const found = new ZoneIndex([orphan], [hyi]).lookup({ lat: 7.002, lng: 100.402 });
    expect(found).toMatchObject({ inZone: true, station: { _id: 'HYI' }, zones: [{ _id: 'HYI-two-parts' }] });
  });

  it('when stations are spread over Thailand, then the nearest station always matches a brute-force haversine search', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const stations = Array.from({ length: 400 }, (_, i) =>
      station(`S${i}`, 5.6 + random() * 14.9, 97.4 + random() * 8.2),
    );
    const index = new ZoneIndex([], stations);
    for (let i = 0; i < 2_000; i++) {
      const p = { lat: 5 + random() * 16, lng: 97 + random() * 9 };
      let best = Infinity;
      for (const s of stations) best = Math.min(best, haversineM(p, s.location));
      expect(index.nearestStation(p)?.distanceM).toBe(best);
    }
  });

  it('when eight stations due north are nearer on the degree grid but one due east is nearer on the globe, then the one due east is found', () => {
    // At 20°N a degree of longitude is 6% shorter than one of latitude: the east station is 9th on
    // the grid (0.0108°) yet 1.13 km away, against 1.16 km and more for the eight to the north.
    const p = { lat: 20, lng: 100 };
    const north = Array.from({ length: 8 }, (_, i) => station(`N${i}`, 20.0104 + i * 0.00004, 100));
    const east = station('EAST', 20, 100.0108);
    const found = new ZoneIndex([], [...north, east]).nearestStation(p)!;
    expect(found.station._id).toBe('EAST');
    expect(found.distanceM).toBe(haversineM(p, east.location));
    expect(found.distanceM).toBeLessThan(haversineM(p, north[0]!.location));
  });

  it('when measuring one degree of latitude, then haversine gives about 111.2 km', () => {
    expect(haversineM({ lat: 7, lng: 100 }, { lat: 8, lng: 100 })).toBeCloseTo(111_195, -1);
  });
});
