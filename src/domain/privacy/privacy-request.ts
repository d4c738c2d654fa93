import type { Language } from '../people';

/** Access: "what do you hold about me"; erasure: "delete what you hold about me" (PDPA s.30, s.33). */
export type PrivacyRequestKind = 'access' | 'erasure';
export type PrivacyOutcome = 'exported' | 'erased' | 'refused' | 'withdrawn';

/** A person's request about their personal data, recorded for the station (or the super-admin) to act on. */
export interface PrivacyRequest {
  /** PDPA-69-000001: per Buddhist-era year, the number the person is given. */
  _id: string;
  /** The person's LINE user id; "erased" once their data was erased. */
  userId: string;
  kind: PrivacyRequestKind;
  /** The language they asked in: what they are answered in when it is closed. */
  lang: Language;
  /** The station expected to act (home zone, else their latest case or alert); none: the super-admin. */
  stationCode?: string;
  via: 'line' | 'admin';
  status: 'open' | 'closed';
  createdAt: number;
  closedAt?: number;
  closedBy?: string;
  outcome?: PrivacyOutcome;
  /** For the person, in their language, when refused (why) or exported (how to collect the copy). */
  note?: string;
}

/** The text that replaces personal data in records the police keep. */
export const ERASED = 'erased';
