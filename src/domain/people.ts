export type Language = 'th' | 'en' | 'ms';
export const LANGUAGES: readonly Language[] = ['th', 'en', 'ms'];

export function toLanguage(value: string | undefined | null): Language | undefined {
  if (!value) return undefined;
  const base = value.toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Language) : undefined;
}

export type Consent = 'pending' | 'accepted' | 'declined';
export type Role = 'resident' | 'officer';

/**
 * A LINE user as the hub knows them. Under PDPA a user who declines keeps only `_id` plus what they
 * explicitly chose (`chosenLanguage`, `consent` itself): no name, no profile language.
 */
export interface User {
  _id: string;
  consent: Consent;
  consentAt?: number;
  role: Role;
  displayName?: string;
  profileLanguage?: Language;
  chosenLanguage?: Language;
  stationCode?: string;
  onDuty?: boolean;
  /** An officer's name as residents and groups see it (rank and name), set with /name. */
  publicName?: string;
  /** The zone the person chose as home: an SOS without a recent pin alerts its station first. */
  homeZoneId?: string;
  following: boolean;
  createdAt: number;
  updatedAt: number;
}

export function languageOf(user: Pick<User, 'chosenLanguage' | 'profileLanguage'> | null | undefined): Language {
  return user?.chosenLanguage ?? user?.profileLanguage ?? 'th';
}

export type GroupKind = 'unbound' | 'station' | 'community';

export interface Group {
  _id: string;
  kind: GroupKind;
  stationCode?: string;
  zoneId?: string;
  active: boolean;
  joinedAt: number;
  updatedAt: number;
}
