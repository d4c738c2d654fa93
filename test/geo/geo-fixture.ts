// Shared set-up for the geo tests: an in-memory store seeded with the Hat Yai demo, and small
// builders for GeoJSON features near Hat Yai.
import { seedIfEmpty } from '../../src/geo/seed';
import { ZoneDirectory } from '../../src/geo/zone-index';
import type { Station } from '../../src/domain/places';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { StationRepository } from '../../src/store/repositories/station-repository';
import { ZoneRepository } from '../../src/store/repositories/zone-repository';
import { ManualClock } from '../../src/util/clock';

export async function setup(options: { seed?: boolean } = {}) {
  const store = new EmbeddedStore();
  const stations = new StationRepository(store);
  const zones = new ZoneRepository(store);
  await Promise.all([stations.init(), zones.init()]);
  const clock = new ManualClock();
  if (options.seed !== false) await seedIfEmpty({ stations, zones, clock });
  const directory = new ZoneDirectory({ zones, stations });
  await directory.rebuild();
  return { store, stations, zones, clock, directory };
}

export const SANTISUK_INSIDE = { lat: 7.005, lng: 100.47 };
export const KHLONG_HAE_INSIDE = { lat: 7.0415, lng: 100.488 };
/** Between the two demo zones, closer to Khlong Hae station (about 1.8 km) than to Hat Yai (about 2.6 km). */
export const BETWEEN_ZONES = { lat: 7.03, lng: 100.485 };

type Ring = Array<[number, number]>;

/** A square ring of `sizeDeg` with its south-west corner at (lng, lat). */
export function square(lng: number, lat: number, sizeDeg = 0.004): Ring {
  return [
    [lng, lat],
    [lng + sizeDeg, lat],
    [lng + sizeDeg, lat + sizeDeg],
    [lng, lat + sizeDeg],
    [lng, lat],
  ];
}

/** Two edges that cross in the middle: the classic invalid polygon. */
export function bowTie(lng: number, lat: number, sizeDeg = 0.004): Ring {
  return [
    [lng, lat],
    [lng + sizeDeg, lat + sizeDeg],
    [lng + sizeDeg, lat],
    [lng, lat + sizeDeg],
    [lng, lat],
  ];
}

export function feature(
  id: string,
  rings: Ring[] | Ring[][],
  properties: Record<string, unknown> = {},
  type: 'Polygon' | 'MultiPolygon' = 'Polygon',
) {
  return {
    type: 'Feature',
    properties: {
      id,
      stationCode: 'HYI',
      name_th: `โซน ${id}`,
      name_en: `Zone ${id}`,
      name_ms: `Zon ${id}`,
      ...properties,
    },
    geometry: { type, coordinates: rings },
  };
}

export function collection(...features: unknown[]) {
  return { type: 'FeatureCollection', features };
}

export function station(code: string, lat: number, lng: number): Station {
  return {
    _id: code,
    name: { th: code, en: code, ms: code },
    phone: '191',
    location: { lat, lng },
    createdAt: 0,
    updatedAt: 0,
  };
}
