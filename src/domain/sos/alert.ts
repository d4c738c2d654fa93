import type { Language } from '../people';

export const ALERT_STATUSES = ['new', 'acknowledged', 'en_route', 'on_scene', 'resolved', 'false_alarm'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
const OPEN: readonly AlertStatus[] = ['new', 'acknowledged', 'en_route', 'on_scene'];
const FORWARD: readonly AlertStatus[] = ['new', 'acknowledged', 'en_route', 'on_scene', 'resolved'];

export interface AlertPosition {
  lat: number;
  lng: number;
  address?: string;
  at: number;
}

export interface AlertAudit {
  at: number;
  by: string;
  byName?: string;
  from: AlertStatus;
  to: AlertStatus;
}

/** One person's SOS: who, where (as it becomes known), who was alerted, and who answered. */
/** The station code of an alert that no station has taken yet (no pin, no home zone). */
export const NO_STATION = 'CC';

export interface SosAlert {
  /** SOS-HYI-69-000001 */
  _id: string;
  userId: string;
  userName?: string;
  lang: Language;
  stationCode: string;
  /** The group responsible now (the station's group, or the command centre). */
  groupId?: string;
  /**
   * Groups alerted before the alert found its station (the command centre, when the first pin came
   * later): they keep getting its positions.
   */
  alsoAlerted?: string[];
  routedBy: 'pin' | 'home-zone' | 'command-centre' | 'fallback';
  /** The webhook event that raised it: re-handling that event re-sends, never re-raises. */
  sourceEventId: string;
  status: AlertStatus;
  position?: AlertPosition;
  positions: AlertPosition[];
  /** Ladder steps done so far (0 = only the first alert) and when the next one is due. */
  escalationStep: number;
  nextEscalationAt?: number;
  ownerId?: string;
  ownerName?: string;
  acknowledgedAt?: number;
  closedAt?: number;
  audit: AlertAudit[];
  createdAt: number;
  updatedAt: number;
}

export function isOpenAlert(status: AlertStatus): boolean {
  return OPEN.includes(status);
}

/** Forward only; the first step must be acknowledge; a false alarm closes any open alert. */
export function canMoveAlert(from: AlertStatus, to: AlertStatus): boolean {
  if (!OPEN.includes(from)) return false;
  if (to === 'false_alarm') return true;
  const a = FORWARD.indexOf(from);
  const b = FORWARD.indexOf(to);
  if (b <= a) return false;
  return from !== 'new' || to === 'acknowledged';
}

export const DEFAULT_LADDER_MINUTES = [2, 5];
export const SOS_PIN_MAX_AGE_MS = 15 * 60_000;
export const FALSE_ALARM_WINDOW_MS = 90 * 24 * 60 * 60_000;
