// Zone broadcasts and patrol check-ins, kept apart from api.ts: they come from the broadcasts
// feature (issue #10), which is built on its own branch. The shapes follow that branch's admin
// routes (POST /admin/broadcasts/preview, POST /admin/broadcasts, GET /admin/broadcasts,
// GET /admin/broadcasts/:id, POST /admin/broadcasts/:id/cancel). Where the hub answers 404 (the
// feature is not deployed), the dashboard hides the page and the map's patrol layer.
import { ApiError, rawCall } from './api';
import type { Lang } from './i18n';

export type BroadcastStatus = 'scheduled' | 'recurring' | 'sending' | 'held' | 'sent' | 'cancelled';

export interface Broadcast {
  _id: string;
  audience: { kind: 'zones'; zoneIds: string[] } | { kind: 'all' };
  stationCode?: string;
  text: { th: string; en?: string; ms?: string };
  image?: { url: string; previewUrl?: string };
  origin: { kind: string; name?: string };
  schedule: { kind: 'now' } | { kind: 'at'; at: string } | { kind: 'cron'; cron: string };
  status: BroadcastStatus;
  nextRunAt?: string;
  lastSentAt?: string;
  createdAt: string;
}

export interface BroadcastRun {
  _id: string;
  dueAt: number;
  startedAt: number;
  state: 'sending' | 'held' | 'done';
  recipients: { people: number; byLanguage: Partial<Record<Lang, number>>; groups: number; skippedUnfollowed: number };
  quota?: { needed: number; remaining?: number };
  batches: { total: number; accepted: number; failed: number; held: number };
  finishedAt?: number;
}

export interface BroadcastDraft {
  zones?: string[];
  allFollowers?: true;
  text: { th: string; en?: string; ms?: string };
  /** Bangkok wall-clock time, 2026-12-24T18:00 (a one-off later), or a cron schedule. */
  at?: string;
  cron?: string;
}

/** LINE messages per language as residents would get them (text or flex), plus the groups' version. */
export interface BroadcastPreview {
  recipients: { people: number; groups: number; byLanguage?: Partial<Record<Lang, number>> } | number;
  messages: Partial<Record<Lang | 'groups', unknown[]>>;
}

export interface PatrolCheckIn {
  _id: string;
  lat: number;
  lng: number;
  officerName?: string;
  stationCode: string;
  zoneId?: string;
  at: number;
}

let available: Promise<boolean> | undefined;

/** Whether this hub has the broadcasts API (asked once per visit). */
export function broadcastsAvailable(): Promise<boolean> {
  available ??= rawCall('GET', '/admin/broadcasts?status=scheduled').then(
    () => true,
    (err: unknown) => !(err instanceof ApiError && (err.status === 404 || err.status === 405)),
  );
  return available;
}

export const broadcastsApi = {
  list: () => rawCall<Broadcast[]>('GET', '/admin/broadcasts'),
  record: (id: string) =>
    rawCall<{ broadcast: Broadcast; runs: BroadcastRun[] }>('GET', `/admin/broadcasts/${encodeURIComponent(id)}`),
  preview: (draft: BroadcastDraft) => rawCall<BroadcastPreview>('POST', '/admin/broadcasts/preview', draft),
  create: (draft: BroadcastDraft) =>
    rawCall<{ broadcast: Broadcast; run?: BroadcastRun }>('POST', '/admin/broadcasts', draft),
  cancel: (id: string) => rawCall<Broadcast>('POST', `/admin/broadcasts/${encodeURIComponent(id)}/cancel`),
};

/** Patrol check-ins since `from`, or undefined when the hub has no patrol API. */
export async function patrolCheckIns(from: number): Promise<PatrolCheckIn[] | undefined> {
  try {
    const page = await rawCall<{ items: PatrolCheckIn[] } | PatrolCheckIn[]>(
      'GET',
      `/admin/patrols?from=${encodeURIComponent(new Date(from).toISOString())}`,
    );
    return Array.isArray(page) ? page : page.items;
  } catch {
    return undefined;
  }
}
