import type { Language } from './people';
import type { Station, Zone } from './places';
import type { PrivacyRequest } from './privacy/privacy-request';
import type { Case } from './reports/case';
import type { AlertMessage, SosAlert, SosCardVariant } from './sos/alert';

/**
 * Who a notice is for. A person reads it in their language at the moment it is sent (their record
 * is read then, so a language switch reaches every later message); groups read Thai.
 */
export type Recipient =
  | {
      kind: 'person';
      userId: string;
      /** Their language when they filed: used only while their record names none (no consent, no choice). */
      lang?: Language;
    }
  /** Many people at once (one multicast per language): officers, zone residents. */
  | { kind: 'people'; userIds: string[] }
  | { kind: 'group'; groupId: string };

/** Who holds an SOS alert, in words a person reads: a station, or the command centre. */
export type Holder = { kind: 'station'; station: Station } | { kind: 'command-centre' };

/**
 * What happened, for a recipient: the data, never the words. The notifier at the messaging edge turns
 * each kind into messages with flex-templates/ and locales/. A new kind of notice is a new member here
 * and a new case in the notifier's render (the compiler points at it).
 */
export type Notice =
  /** A report's card, for the station group (or the command centre). */
  | { kind: 'case-card'; c: Case; station?: Station; zone?: Zone }
  /** A case that waited for a group has now reached one. */
  | { kind: 'case-reached'; c: Case; station?: Station; to: 'station' | 'command-centre' }
  /** An officer moved a case: what the reporter reads. */
  | { kind: 'case-update'; c: Case; officer: string; station?: Station }
  /** A case moved from the admin API (the dashboard): the line its group reads, as if tapped there. */
  | { kind: 'case-group-update'; c: Case; officer: string }
  /** A request about the person's data was acted on: what they read. */
  | { kind: 'privacy-closed'; request: PrivacyRequest; station?: Station }
  /** The SOS card, for a group. */
  | { kind: 'sos-card'; alert: SosAlert; station?: Station; falseAlarms: number; variant: SosCardVariant }
  /** The SOS card with a line on top, for officers in their 1:1 chats. */
  | { kind: 'sos-officer-alert'; alert: SosAlert; station?: Station; falseAlarms: number; variant: SosCardVariant }
  /** A new position of an open alert. */
  | { kind: 'sos-position'; alert: SosAlert }
  /** Something the person sent during an open alert, for whoever holds it. */
  | {
      kind: 'sos-forward';
      alert: SosAlert;
      message: AlertMessage;
      /** Media as a real LINE message (the hub has a public https URL); otherwise a line saying it is kept. */
      asMedia: boolean;
    }
  /** An officer acted on an alert: the line the groups see. */
  | { kind: 'sos-group-update'; alert: SosAlert; officer: string; secondsToAck?: number }
  /** An officer acted on an alert: what the person reads. */
  | { kind: 'sos-person-update'; alert: SosAlert; officer: string; officerStation?: Station }
  /** A rung of the ladder, as the person hears it: exactly what that rung did. */
  | { kind: 'sos-ladder'; alert: SosAlert; did: 'realerted' | 'escalated' | 'nobody-more' };

/** How a notice travels: the outbox's purpose and keys (see SendRequest in messaging/outbox.ts). */
export interface Delivery {
  purpose: string;
  dedupeKey?: string;
  orderKey?: string;
  urgent?: boolean;
}

/** The one way domain services reach people and groups. */
export interface Notifier {
  /** True when media (photos, video, audio) can be sent on as real LINE messages (a public https URL). */
  readonly showsMedia: boolean;
  notify(to: Recipient, notice: Notice, delivery: Delivery): Promise<void>;
}
