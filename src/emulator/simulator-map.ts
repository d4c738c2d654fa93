import type { SimulatorMap } from './types';

/** The shapes the map needs from a hub's zones and stations (structural: the emulator imports no hub code). */
export interface MapZone {
  _id: string;
  stationCode: string;
  name: { th: string; en?: string };
  geometry: unknown;
}
export interface MapStation {
  _id: string;
  name: { th: string; en?: string };
  location: { lat: number; lng: number };
}

/** Zones as GeoJSON features labelled with their Thai names, and stations as named places to jump to. */
export function simulatorMapOf(zones: MapZone[], stations: MapStation[]): SimulatorMap {
  return {
    zones: {
      type: 'FeatureCollection',
      features: zones.map((z) => ({
        type: 'Feature',
        id: z._id,
        properties: { name: z.name.th, stationCode: z.stationCode },
        geometry: z.geometry,
      })),
    },
    places: stations.map((s) => ({ name: s.name.th, latitude: s.location.lat, longitude: s.location.lng })),
  };
}
