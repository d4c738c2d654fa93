import type { Language } from '../people';

/** Who a broadcast goes to: the followers of some zones (and their community groups), or every friend of the OA. */
export type BroadcastAudience = { kind: 'zones'; zoneIds: string[] } | { kind: 'all' };

/** The words of a broadcast per language. Thai is always there; English and Malay come together or not at all. */
export type BroadcastText = { th: string } & Partial<Record<Exclude<Language, 'th'>, string>>;

export interface BroadcastImage {
  /** https, JPEG or PNG (LINE's rule for image messages and flex images). */
  url: string;
  previewUrl?: string;
}

/** Where a broadcast came from, which also says whom to tell about it. */
export type BroadcastOrigin =
  | { kind: 'officer'; userId: string; name?: string }
  | { kind: 'admin' }
  | { kind: 'community'; noticeId: string; groupId: string; zoneId: string; approvedBy: string; approverName?: string };

export type BroadcastSchedule = { kind: 'now' } | { kind: 'at'; at: number } | { kind: 'cron'; cron: string };

/**
 * scheduled: waits for its time; recurring: a cron schedule that keeps running; sending: a run is
 * going out; held: its last run would have spent more than the month's quota, so nothing went;
 * sent: done (a one-off); cancelled: stopped by an admin before it went.
 */
export type BroadcastStatus = 'scheduled' | 'recurring' | 'sending' | 'held' | 'sent' | 'cancelled';

export interface Broadcast {
  _id: string;
  audience: BroadcastAudience;
  /** Zones of the audience, flat (and empty for everyone), so "news of my zones" is one indexed query. */
  zoneIds: string[];
  /** The station that speaks: the officer's, or the zones'. Undefined for an OA-wide announcement. */
  stationCode?: string;
  text: BroadcastText;
  image?: BroadcastImage;
  origin: BroadcastOrigin;
  schedule: BroadcastSchedule;
  status: BroadcastStatus;
  /** The next time a scheduled or recurring broadcast is due. */
  nextRunAt?: number;
  /** When a run last went out: zone news lists broadcasts by it, newest first. */
  lastSentAt?: number;
  createdAt: number;
  updatedAt: number;
  cancelledAt?: number;
}

/** One language's batches, or a community group's push, or LINE's broadcast to every friend. */
export type BatchKind = 'multicast' | 'push' | 'broadcast';
export type BatchState = 'queued' | 'accepted' | 'failed' | 'held';

/** One LINE call of a run: what was sent to whom, and what LINE answered. */
export interface BroadcastBatch {
  /** `<runId>:<lang|group|all>:<n>`; also the outbox row's name, so a re-planned batch is never queued twice. */
  _id: string;
  runId: string;
  broadcastId: string;
  kind: BatchKind;
  /** The recipients' language, or 'multi' for groups and OA-wide sends (every language of the broadcast). */
  lang: Language | 'multi';
  /** User ids (multicast, at most 500), the group id (push), or nothing (broadcast). */
  to: string[];
  /** Messages this costs against the quota (recipients, or a group's members). */
  cost: number;
  state: BatchState;
  /** LINE's answer when it refused: status and message. */
  lineAnswer?: string;
  lineRequestId?: string;
  sentAt?: number;
  createdAt: number;
}

export interface QuotaCheck {
  /** Messages the run needs: one per person, and a group's member count per group. */
  needed: number;
  /** What LINE says is left this month; undefined when the plan has no limit or LINE did not answer. */
  remaining?: number;
  limit?: number;
  used?: number;
  /** True when LINE's quota could not be read: the run went ahead on the hub's count alone. */
  unknown?: boolean;
}

export type RunState = 'sending' | 'held' | 'done';

/** One sending of a broadcast (a recurring one has one per occurrence) and its delivery record. */
export interface BroadcastRun {
  /** `<broadcastId>@<due time>`: a due time is run once, however many schedulers see it. */
  _id: string;
  broadcastId: string;
  dueAt: number;
  startedAt: number;
  state: RunState;
  /** Every recipient is in a stored batch (planning finished). */
  planned: boolean;
  recipients: {
    people: number;
    byLanguage: Partial<Record<Language, number>>;
    groups: number;
    /** Followers of the zones who were not sent to because they blocked the OA. */
    skippedUnfollowed: number;
    /** An OA-wide send: LINE's broadcast reached every friend; `people` is the hub's estimate. */
    everyone?: boolean;
  };
  quota?: QuotaCheck;
  batches: { total: number; accepted: number; failed: number; held: number };
  finishedAt?: number;
  /** The composer was told how it went. */
  reported?: boolean;
}

export const MAX_MULTICAST = 500;
export const MAX_TEXT = 2000;

export function isScheduledKind(b: Broadcast): boolean {
  return b.schedule.kind !== 'now';
}
