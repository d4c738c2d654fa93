export type MapsLanguage = 'th' | 'en' | 'ms';

export interface LatLng {
  lat: number;
  lng: number;
}

export interface GeocodedPlace {
  lat: number;
  lng: number;
  formattedAddress: string;
}

/**
 * Addresses for points and points for typed addresses. Every answer is optional: a missing key, a
 * slow or failing provider, or an unknown place all look the same to callers (undefined), because
 * an address only decorates a report or a zone reply and must never hold one up.
 */
export interface Geocoder {
  /** Address for a point in the given language ('th' default), or undefined when unknown/unavailable. Never throws. */
  reverse(point: LatLng, language?: MapsLanguage): Promise<string | undefined>;
  /** A typed address to a point, biased to a region/area; undefined when not found/unavailable. Never throws. */
  geocode(address: string, opts?: { language?: MapsLanguage; near?: LatLng }): Promise<GeocodedPlace | undefined>;
  /** False when no provider is configured, so callers can fall back to LINE's own address without asking. */
  readonly enabled: boolean;
}

/**
 * The adapter used when no Maps key is configured: the hub runs the same flows and simply has no
 * address to add, so nothing has to branch on configuration except through `enabled`.
 */
export const disabledGeocoder: Geocoder = Object.freeze({
  enabled: false,
  reverse: async () => undefined,
  geocode: async () => undefined,
});
