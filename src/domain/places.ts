import type { MultiPolygon, Polygon } from 'geojson';
import type { Language } from './people';

export type LocalizedName = Record<Language, string>;

export interface LatLng {
  lat: number;
  lng: number;
}

/** A police station. `_id` is its short code, such as HYI for Hat Yai. */
export interface Station {
  _id: string;
  name: LocalizedName;
  /** Phone number people can call, shown on cards (for example 074-243-333). */
  phone: string;
  location: LatLng;
  /** District or provincial command-centre group that SOS escalates to at the last step. */
  escalationGroupId?: string;
  /** SOS escalation ladder in minutes after the alert; default [2, 5]. */
  sosLadderMinutes?: number[];
  createdAt: number;
  updatedAt: number;
}

/** A Smart Safety Zone: an area of about half a square kilometre looked after by one station. */
export interface Zone {
  _id: string;
  stationCode: string;
  name: LocalizedName;
  geometry: Polygon | MultiPolygon;
  /** True for demo data that is not an official boundary. */
  illustrative?: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Where a point falls: the zone(s) containing it and the station responsible. */
export interface ZoneLookup {
  /** Zones containing the point (usually one; overlaps are possible at borders). */
  zones: Zone[];
  /** The station of the first containing zone, or the nearest station when outside every zone. */
  station?: Station;
  inZone: boolean;
  /** Metres from the point to `station.location` (always set when a station was found). */
  distanceM?: number;
}
