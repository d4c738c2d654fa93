import type { Language } from '../people';
import type { LatLng } from '../places';

export const CASE_STATUSES = [
  'new',
  'acknowledged',
  'en_route',
  'on_scene',
  'resolved',
  'referred',
  'rejected',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const OPEN_STATUSES: readonly CaseStatus[] = ['new', 'acknowledged', 'en_route', 'on_scene'];

export type RejectReason = 'duplicate' | 'false_report';

export interface CasePhoto {
  messageId: string;
  /** Path relative to DATA_DIR/media. */
  file: string;
  contentType: string;
  /** Unguessable id used in media URLs. */
  token: string;
}

export interface CaseLocation extends LatLng {
  /** What LINE sent with the pin, or the geocoded address of a typed place. */
  address?: string;
  /** Reverse-geocoded Thai address (Google Maps), when a key is set. */
  geocodedAddress?: string;
  source: 'pin' | 'last-pin' | 'typed';
  typed?: string;
}

export interface AuditEntry {
  at: number;
  by: string;
  byName?: string;
  from: CaseStatus;
  to: CaseStatus;
  reason?: RejectReason;
  /** 'web': done through the admin API (`by` is then `admin:<token id>`, `byName` the token's name). */
  via?: 'web';
}

/** An incident report (a case): what the resident said, where it went, and what happened to it. */
export interface Case {
  /** The case number, per station and Buddhist-era year: HYI-69-000042. */
  _id: string;
  kind: 'report';
  stationCode: string;
  zoneId?: string;
  inZone: boolean;
  /**
   * The group the card went to (the station's group, or the command centre). Missing while the case
   * waits for one: it is posted when its station's group is bound (or at start to the command centre).
   */
  groupId?: string;
  /** When a waiting case was posted, late. */
  routedAt?: number;
  category: string;
  description: string;
  photos: CasePhoto[];
  location: CaseLocation;
  reporterId: string;
  reporterName?: string;
  anonymous: boolean;
  reporterLanguage: Language;
  status: CaseStatus;
  ownerId?: string;
  ownerName?: string;
  rejectReason?: RejectReason;
  audit: AuditEntry[];
  createdAt: number;
  updatedAt: number;
  acknowledgedAt?: number;
  closedAt?: number;
  /** When the reporter's personal data was erased (PDPA): the record stays, without them. */
  erasedAt?: number;
  /**
   * The report conversation's step that sent it (session, run and revision): unique, so the step run
   * twice, or two taps on "Send report" handled at once by two instances, make one case.
   */
  submissionKey?: string;
}

const FORWARD: CaseStatus[] = ['new', 'acknowledged', 'en_route', 'on_scene', 'resolved'];

/**
 * The lifecycle: new -> acknowledged -> en_route -> on_scene -> resolved, moving forward only
 * (an officer may skip en route and mark on scene), a new case must be acknowledged first, and
 * referred / rejected are possible from any open state. Closed cases do not move.
 */
export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  if (!OPEN_STATUSES.includes(from)) return false;
  if (to === 'referred' || to === 'rejected') return true;
  const a = FORWARD.indexOf(from);
  const b = FORWARD.indexOf(to);
  if (a < 0 || b < 0 || b <= a) return false;
  return from !== 'new' || to === 'acknowledged';
}

export function isOpen(status: CaseStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** Thai Buddhist-era year of a moment, in Bangkok time: 2026 -> 2569. */
const bangkokYear = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Bangkok', year: 'numeric' });

export function buddhistYear(at: number): number {
  return Number(bangkokYear.format(at)) + 543;
}
