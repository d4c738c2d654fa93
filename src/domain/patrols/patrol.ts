import type { LatLng } from '../places';

/** An officer on patrol saying "I am here now", with a pin. */
export interface PatrolCheckIn extends LatLng {
  _id: string;
  officerId: string;
  officerName?: string;
  stationCode: string;
  /** The zone the pin falls in; none when the officer was outside every zone (still recorded). */
  zoneId?: string;
  /** What LINE sent with the pin (a place name or an address). */
  place?: string;
  at: number;
  source: 'pin' | 'last-pin';
}

/** One digest of a zone's check-ins, sent (or held for the quota) once per period. */
export interface PatrolDigest {
  /** `<zoneId>:<end of the periods it covers>`: two schedulers in the same period make one digest. */
  _id: string;
  zoneId: string;
  stationCode: string;
  /** The first check-in it counts. */
  from: number;
  /** It counts check-ins up to this time (the start of the period it was sent in); the next one after it. */
  to: number;
  count: number;
  places: string[];
  lastAt: number;
  state: 'sent' | 'held';
  people: number;
  groups: number;
  createdAt: number;
}

/** A station's choice of digest period and quiet hours (Bangkok time). */
export interface PatrolSettings {
  _id: string;
  periodMinutes: number;
  /** No digest inside this window; null = digests at any hour. */
  quietHours: { from: string; to: string } | null;
  updatedAt: number;
}

export const DEFAULT_PATROL_SETTINGS: Omit<PatrolSettings, '_id' | 'updatedAt'> = {
  periodMinutes: 60,
  quietHours: { from: '23:00', to: '06:00' },
};

/** A check-in may reuse the officer's last pin this fresh. */
export const CHECK_IN_PIN_MAX_AGE_MS = 10 * 60_000;
/** "Last patrol near me": within this distance of the person's last pin. */
export const NEAR_M = 500;
