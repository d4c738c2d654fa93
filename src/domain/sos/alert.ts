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
  /** 'web': done through the admin API (`by` is then `admin:<token id>`, `byName` the token's name). */
  via?: 'web';
}

/** The station code of an alert that no station has taken yet (no pin, no home zone). */
export const NO_STATION = 'CC';

/** Something the person sent while the alert was open (kept with the alert, passed on to who holds it). */
export interface AlertMessage {
  /** The webhook event it came in: forwards are keyed on it, so handling it again sends nothing twice. */
  eventId: string;
  at: number;
  type: 'text' | 'image' | 'video' | 'audio';
  text?: string;
  /** The stored file (served from /media/<token> when the hub has a public URL). */
  media?: { token: string; contentType: string; durationMs?: number };
}

/** What the person sent during an open alert, as the bot layer hands it over. */
export type ForwardInput =
  | { type: 'text'; text: string }
  | { type: 'image' | 'video' | 'audio'; messageId: string; durationMs?: number }
  | { type: 'other' };

/** What the person is told about what they sent during an SOS: exactly what reached the officers. */
export type ForwardOutcome =
  /** Passed on as it was (text; media as a real message). */
  | { said: 'sent'; type: AlertMessage['type'] }
  /** Media kept with the alert; the officers were told it came, but could not be shown it (no public URL). */
  | { said: 'noted'; type: Exclude<AlertMessage['type'], 'text'> }
  /** Kept with the alert; nobody holds it yet. */
  | { said: 'kept' }
  /** The file could not be fetched from LINE. */
  | { said: 'failed' }
  /** A kind of message that cannot be passed on (sticker, file). */
  | { said: 'unsupported' };

/** Which SOS card: the first alert, a re-alert of a rung, or an escalation to another group. */
export type SosCardVariant =
  { kind: 'first' } | { kind: 're-alert'; minutes: number } | { kind: 'escalated'; minutes: number };

/** One person's SOS: who, where (as it becomes known), who was alerted, and who answered. */

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
  /**
   * The person's id while the alert is open, gone once it is closed: a unique key, so that two SOS
   * presses handled at once (on two instances) raise one alert, the second joining it.
   */
  openFor?: string;
  status: AlertStatus;
  position?: AlertPosition;
  positions: AlertPosition[];
  /** What the person sent while it was open (text, photos, video, audio), oldest first. */
  messages?: AlertMessage[];
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
  /** When the person's personal data was erased (PDPA): the record stays, without them. */
  erasedAt?: number;
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
/** What a station may set as its ladder: each rung after 0 and at most an hour, each later than the last. */
export const LADDER_MAX_MINUTES = 60;
export const LADDER_MAX_RUNGS = 5;
/** Messages kept per alert: enough for any emergency, bounded against a runaway sender. */
export const ALERT_MESSAGES_MAX = 100;
export const SOS_PIN_MAX_AGE_MS = 15 * 60_000;
export const FALSE_ALARM_WINDOW_MS = 90 * 24 * 60 * 60_000;

/** Why a station's ladder cannot be used, or undefined when it can. */
export function ladderProblem(minutes: readonly number[]): string | undefined {
  if (minutes.length === 0 || minutes.length > LADDER_MAX_RUNGS) return `between 1 and ${LADDER_MAX_RUNGS} rungs`;
  for (const [i, m] of minutes.entries()) {
    if (!Number.isFinite(m) || m <= 0) return `rung ${i + 1} must be above 0 minutes`;
    if (m > LADDER_MAX_MINUTES) return `rung ${i + 1} must be at most ${LADDER_MAX_MINUTES} minutes`;
    if (i > 0 && m <= minutes[i - 1]!) return `rung ${i + 1} must come later than rung ${i}`;
  }
  return undefined;
}
