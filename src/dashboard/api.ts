// The admin API as the dashboard calls it: same origin, the session cookie (HttpOnly, set by
// POST /admin/session) and the CSRF token on every change. The shapes are the ones the API
// validates and documents (src/entry-points/admin-schemas.ts), imported as types only.
import type { z } from 'zod';
import type {
  alertSchema,
  auditEntrySchema,
  caseDetailSchema,
  caseSchema,
  figuresSchema,
  sessionSchema,
  stationSchema,
  zoneCollectionSchema,
} from '../entry-points/admin-schemas';
import type { CaseStatus, RejectReason } from '../domain/reports/case';
import type { AlertStatus } from '../domain/sos/alert';

export type Session = z.infer<typeof sessionSchema>;
export type CaseItem = z.infer<typeof caseSchema> & { routedAt?: number; rejectReason?: RejectReason };
export type CaseDetail = z.infer<typeof caseDetailSchema> & { routedAt?: number; rejectReason?: RejectReason };
export type AlertItem = z.infer<typeof alertSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type Figures = z.infer<typeof figuresSchema>;
export type Station = z.infer<typeof stationSchema>;
export type ZoneCollection = z.infer<typeof zoneCollectionSchema>;
export type Page<T> = { items: T[]; next?: number };

/** An answer other than 2xx: its status and the API's message (English, for the log; people read our own words). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken = '';
let signedOut: () => void = () => undefined;

/** Called when an answer says the session is over (401): the app shows the sign-in page. */
export function onSignedOut(handler: () => void): void {
  signedOut = handler;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const message = (json as { message?: string } | undefined)?.message ?? res.statusText;
    if (res.status === 401 && !headers.authorization) signedOut();
    throw new ApiError(res.status, message);
  }
  return json as T;
}

function remember(session: Session): Session {
  csrfToken = session.csrfToken ?? '';
  return session;
}

const OPEN_CASES = 'new,acknowledged,en_route,on_scene';

export const api = {
  /** Who is signed in, or an ApiError 401. */
  session: () => call<Session>('GET', '/admin/session').then(remember),
  /** Exchanges the token for the session cookie; the token itself is not kept anywhere. */
  signIn: (token: string) =>
    call<Session>('POST', '/admin/session', undefined, { authorization: `Bearer ${token}` }).then(remember),
  signOut: () => call<void>('DELETE', '/admin/session').finally(() => (csrfToken = '')),

  openCases: () => call<Page<CaseItem>>('GET', `/admin/cases${query({ status: OPEN_CASES, limit: 500 })}`),
  unroutedCases: () => call<Page<CaseItem>>('GET', '/admin/cases?routed=false'),
  recentCases: (from: number) =>
    call<Page<CaseItem>>('GET', `/admin/cases${query({ from: new Date(from).toISOString(), limit: 500 })}`),
  case: (id: string) => call<CaseDetail>('GET', `/admin/cases/${encodeURIComponent(id)}`),
  moveCase: (id: string, to: CaseStatus, reason?: RejectReason) =>
    call<CaseItem>('POST', `/admin/cases/${encodeURIComponent(id)}/status`, { to, ...(reason ? { reason } : {}) }),

  openAlerts: () => call<Page<AlertItem>>('GET', `/admin/alerts${query({ status: OPEN_CASES, limit: 200 })}`),
  recentAlerts: (from: number) =>
    call<Page<AlertItem>>('GET', `/admin/alerts${query({ from: new Date(from).toISOString(), limit: 500 })}`),
  alert: (id: string) => call<AlertItem>('GET', `/admin/alerts/${encodeURIComponent(id)}`),
  moveAlert: (id: string, to: AlertStatus) =>
    call<AlertItem>('POST', `/admin/alerts/${encodeURIComponent(id)}/status`, { to }),
  audit: (type: string, target: string) => call<AuditEntry[]>('GET', `/admin/audit${query({ type, target })}`),

  stations: () => call<Station[]>('GET', '/admin/stations'),
  zones: () => call<ZoneCollection>('GET', '/admin/zones'),
  figures: (params: { from?: string; to?: string; station?: string }) =>
    call<Figures>('GET', `/admin/figures${query(params)}`),

  /** What the hub says about the map (a tile server, if one is configured). */
  config: () => call<{ tileUrl?: string; tileAttribution?: string }>('GET', '/dashboard/config.json'),
};

/** For modules of features that may not be deployed (broadcasts): the same session and CSRF handling. */
export const rawCall = call;
