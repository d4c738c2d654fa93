import fs from 'node:fs';
import path from 'node:path';
import { area } from '@turf/area';
import { MAX_VERTICES_PER_ZONE, validateFeatureCollection, validateZones } from '../../src/geo/geojson-import';
import { bowTie, collection, feature, square } from './geo-fixture';

const KNOWN = new Set(['HYI', 'KHH']);
const NOW = Date.UTC(2026, 10, 25);
const validate = (input: unknown) => validateFeatureCollection(input, KNOWN, NOW);

describe('GeoJSON zone validation', () => {
  it('when every feature is good, then each becomes a zone with its names, station and times', () => {
    const { zones, errors } = validate(
      collection(
        feature('HYI-a', [square(100.47, 7.0)], { illustrative: true }),
        feature('KHH-b', [square(100.49, 7.04)], { stationCode: 'KHH' }),
      ),
    );
    expect(errors).toEqual([]);
    expect(zones).toHaveLength(2);
    expect(zones[0]).toEqual({
      _id: 'HYI-a',
      stationCode: 'HYI',
      name: { th: 'โซน HYI-a', en: 'Zone HYI-a', ms: 'Zon HYI-a' },
      geometry: { type: 'Polygon', coordinates: [square(100.47, 7.0)] },
      illustrative: true,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(zones[1]).not.toHaveProperty('illustrative');
  });

  it('when one feature is a self-intersecting bow-tie among good ones, then the error names that feature and where it crosses', async () => {
    const { zones, errors } = await validateZones(
      collection(
        feature('good-1', [square(100.47, 7.0)]),
        feature('bow-tie', [bowTie(100.48, 7.0)]),
        feature('good-2', [square(100.49, 7.0)]),
      ),
      KNOWN,
      NOW,
    );
    expect(errors).toEqual([{ feature: 'bow-tie', message: 'self-intersects at 100.482,7.002' }]);
    expect(zones.map((z) => z._id)).toEqual(['good-1', 'good-2']);
  });

  it('when a zone has 40,001 vertices, then it is refused for its size, without a self-intersection check', async () => {
    const ring: Array<[number, number]> = [];
    for (let i = 0; i < 40_000; i++) {
      const a = (2 * Math.PI * i) / 40_000;
      ring.push([100.47 + 0.005 * Math.cos(a), 7.0 + 0.005 * Math.sin(a)]);
    }
    ring.push(ring[0]!);
    const { zones, errors } = await validateZones(collection(feature('survey-export', [ring])), KNOWN, NOW);
    expect(zones).toEqual([]);
    expect(errors).toEqual([
      {
        feature: 'survey-export',
        message: `has 40001 vertices; at most ${MAX_VERTICES_PER_ZONE} per zone (simplify the shape)`,
      },
    ]);
  });

  it('when a zone is a star of 3,001 points (millions of crossings), then the file is refused with a reason and the hub lives on', async () => {
    const n = 3_000;
    const k = Math.floor(n / 2) - 1;
    const ring: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * ((i * k) % n)) / n;
      ring.push([100.47 + 0.005 * Math.cos(a), 7.0 + 0.005 * Math.sin(a)]);
    }
    ring.push(ring[0]!);
    const { zones, errors } = await validateZones(collection(feature('star', [ring])), KNOWN, NOW, { maxHeapMb: 32 });
    expect(zones).toEqual([]);
    expect(errors).toEqual([
      {
        feature: '(file)',
        message: expect.stringMatching(/^the shapes could not be checked for self-intersections: too many crossings/),
      },
    ]);
  });

  it('when a feature names a station the store does not know, then the error names the feature and the station', () => {
    const { errors } = validate(collection(feature('far-away', [square(100.47, 7.0)], { stationCode: 'BKK' })));
    expect(errors).toEqual([{ feature: 'far-away', message: 'unknown station "BKK"' }]);
  });

  it('when a ring is not closed, then the error says which ring and shows both ends', () => {
    const open = square(100.47, 7.0).slice(0, 4);
    open.push([100.47, 7.001]);
    const { errors } = validate(collection(feature('open-ring', [open])));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.feature).toBe('open-ring');
    expect(errors[0]!.message).toBe('ring 1 is not closed: first position 100.47,7 differs from last 100.47,7.001');
  });

  it('when the input is not a FeatureCollection, then there is one error for the file', () => {
    expect(validate({ type: 'Feature', properties: {}, geometry: null }).errors).toEqual([
      { feature: '(file)', message: 'expected a GeoJSON FeatureCollection, found a Feature' },
    ]);
    expect(validate([1, 2]).errors).toEqual([
      { feature: '(file)', message: 'expected a GeoJSON FeatureCollection, found an array' },
    ]);
    expect(validate({ type: 'FeatureCollection' }).errors[0]!.feature).toBe('(file)');
    expect(validate(collection()).errors).toEqual([
      { feature: '(file)', message: 'the FeatureCollection has no features' },
    ]);
  });

  it('when two features share an id, then the later one is an error pointing at the first', () => {
    const { zones, errors } = validate(
      collection(feature('twin', [square(100.47, 7.0)]), feature('twin', [square(100.48, 7.0)])),
    );
    expect(errors).toEqual([{ feature: 'twin', message: 'duplicate id "twin" (first used by feature #0)' }]);
    expect(zones).toHaveLength(1);
  });

  it('when a feature has several problems, then they share one line, and a feature without an id is named by its index', () => {
    const { errors } = validate(
      collection(
        feature('ok', [square(100.47, 7.0)]),
        feature('', [square(100.48, 7.0)], { name_ms: ' ', stationCode: 'XXX' }),
      ),
    );
    expect(errors).toEqual([
      {
        feature: '#1',
        message:
          'property "id" must be a non-empty string; unknown station "XXX"; property "name_ms" must be a non-empty string',
      },
    ]);
  });

  it('when geometry is malformed, then each kind of mistake gets a plain message', () => {
    const cases: Array<[unknown, string]> = [
      [{ type: 'Point', coordinates: [100.47, 7.0] }, 'geometry must be a Polygon or MultiPolygon, not "Point"'],
      [null, 'has no geometry'],
      [{ type: 'Polygon', coordinates: [] }, 'Polygon has no coordinates (expected an array of rings)'],
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [100.47, 7.0],
              [100.48, 7.0],
              [100.47, 7.0],
            ],
          ],
        },
        'ring 1 has 3 positions; a closed ring needs at least 4',
      ],
      [
        { type: 'Polygon', coordinates: [square(7.0, 100.47)] },
        'ring 1 position 1 has latitude 100.47 outside [-90, 90] (GeoJSON order is [lng, lat])',
      ],
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [200, 7],
              [201, 7],
              [201, 8],
              [200, 7],
            ],
          ],
        },
        'ring 1 position 1 has longitude 200 outside [-180, 180]',
      ],
      [{ type: 'Polygon', coordinates: [[['100.47', 7.0]]] }, 'ring 1 position 1 is not a [lng, lat] pair of numbers'],
      [
        { type: 'MultiPolygon', coordinates: [[square(100.47, 7.0)], [bowTie(100.49, 7.0).slice(0, 4)]] },
        'ring 1 of polygon 2 is not closed: first position 100.49,7 differs from last 100.49,7.004',
      ],
    ];
    for (const [geometry, message] of cases) {
      const input = collection({ ...feature('z', []), geometry });
      expect(validate(input).errors).toEqual([{ feature: 'z', message }]);
    }
  });

  it('when a MultiPolygon has two separate parts, then it is accepted and altitudes and bboxes are dropped', () => {
    const withAltitude = square(100.47, 7.0).map(([x, y]) => [x, y, 12]);
    const input = collection({
      ...feature('multi', []),
      geometry: { type: 'MultiPolygon', bbox: [0, 0, 1, 1], coordinates: [[withAltitude], [square(100.48, 7.0)]] },
    });
    const { zones, errors } = validate(input);
    expect(errors).toEqual([]);
    expect(zones[0]!.geometry).toEqual({
      type: 'MultiPolygon',
      coordinates: [[square(100.47, 7.0)], [square(100.48, 7.0)]],
    });
  });
});

describe('the Hat Yai seed file', () => {
  const file = path.join(__dirname, '..', '..', 'scripts', 'seed', 'hat-yai-zones.geojson');
  const seed = JSON.parse(fs.readFileSync(file, 'utf8'));

  it('when validated, then it is clean, every zone is marked illustrative, and the collection says so plainly', () => {
    const { zones, errors } = validate(seed);
    expect(errors).toEqual([]);
    expect(zones.map((z) => z._id)).toEqual(['HYI-santisuk', 'KHH-khlong-hae']);
    expect(zones.every((z) => z.illustrative === true)).toBe(true);
    expect(seed.name).toBe('Illustrative demo boundaries, not official police zones');
  });

  it('when measured, then Santisuk is 0.47 km² within 10%', () => {
    const santisuk = validate(seed).zones.find((z) => z.name.th === 'ชุมชนสันติสุข')!;
    const km2 = area(santisuk.geometry) / 1e6;
    expect(km2).toBeGreaterThan(0.47 * 0.9);
    expect(km2).toBeLessThan(0.47 * 1.1);
  });
});
