import { importZonesFromGeoJson } from '../../src/geo/zone-importer';
import { bowTie, collection, feature, setup, square } from './geo-fixture';

describe('importing zones from GeoJSON', () => {
  it('when one feature of a file self-intersects, then nothing at all is imported and the error names it', async () => {
    const { zones, stations, clock } = await setup();
    const before = await zones.count();
    const file = collection(
      feature('good-1', [square(100.5, 7.0)]),
      feature('bow-tie', [bowTie(100.51, 7.0)]),
      feature('good-2', [square(100.52, 7.0)]),
    );

    const result = await importZonesFromGeoJson(JSON.stringify(file), { zones, stations, clock });

    expect(result.imported).toBe(0);
    expect(result.errors.map((e) => e.feature)).toEqual(['bow-tie']);
    expect(result.errors[0]!.message).toMatch(/^self-intersects at /);
    expect(await zones.count()).toBe(before);
    expect(await zones.get('good-1')).toBeNull();
  });

  it('when a feature names an unknown station, then nothing is imported and the error names the feature', async () => {
    const { zones, stations, clock } = await setup();
    const file = collection(
      feature('good', [square(100.5, 7.0)]),
      feature('stray', [square(100.52, 7.0)], { stationCode: 'NOPE' }),
    );
    const result = await importZonesFromGeoJson(JSON.stringify(file), { zones, stations, clock });
    expect(result).toEqual({ imported: 0, errors: [{ feature: 'stray', message: 'unknown station "NOPE"' }] });
    expect(await zones.count()).toBe(2);
  });

  it('when the text is not JSON, then one file-level error comes back', async () => {
    const { zones, stations, clock } = await setup();
    const result = await importZonesFromGeoJson('{"type": "FeatureCollection", ', { zones, stations, clock });
    expect(result.imported).toBe(0);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ feature: '(file)', message: expect.stringMatching(/^not valid JSON: /) });
  });

  it('when a good file is imported twice, then zones are updated in place, keep their creation time, and progress is reported', async () => {
    const { zones, stations, clock } = await setup();
    const file = (name: string, illustrative?: boolean) =>
      JSON.stringify(
        collection(
          feature('HYI-a', [square(100.5, 7.0)], {
            name_en: name,
            ...(illustrative === undefined ? {} : { illustrative }),
          }),
          feature('KHH-b', [square(100.52, 7.0)], { stationCode: 'KHH' }),
        ),
      );
    const progress: Array<[number, number]> = [];
    const first = await importZonesFromGeoJson(file('First', true), { zones, stations, clock }, (done, total) =>
      progress.push([done, total]),
    );
    expect(first).toEqual({ imported: 2, errors: [] });
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
    const createdAt = clock.now();

    clock.advance(60_000);
    await importZonesFromGeoJson(file('Second'), { zones, stations, clock });
    const zone = await zones.get('HYI-a');
    expect(zone).toMatchObject({ name: { en: 'Second' }, createdAt, updatedAt: createdAt + 60_000 });
    // The new file no longer calls it illustrative, so the flag is gone rather than left stale.
    expect(zone).not.toHaveProperty('illustrative');
    expect(await zones.count()).toBe(4);
    expect((await zones.byStation('KHH')).map((z) => z._id)).toEqual(['KHH-b', 'KHH-khlong-hae']);
  });
});
