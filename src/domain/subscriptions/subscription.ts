import type { Language } from '../people';

/** How a person came to follow a zone's news. */
export type SubscriptionSource = 'pin' | 'home' | 'menu';

/**
 * One person following one zone's news. It is the only thing kept for a person who declined the
 * privacy notice and still wants the news: their LINE user id, the zone, whether they asked for
 * patrol updates, and when. A stopped subscription stays as a record of when and why it stopped
 * (the person, or a block of the OA) until retention removes it; following again starts it afresh.
 */
export interface Subscription {
  /** `<userId>|<zoneId>`: one per person and zone. */
  _id: string;
  userId: string;
  zoneId: string;
  /** Also wants the zone's patrol digests. */
  patrolNews: boolean;
  source: SubscriptionSource;
  /**
   * The language the person used when they subscribed, kept only when the hub stores no language
   * for them (they declined the privacy notice and never picked one), so the news reaches them in it.
   */
  lang?: Language;
  createdAt: number;
  updatedAt: number;
  endedAt?: number;
  endedBy?: 'person' | 'unfollow';
}

export function subscriptionId(userId: string, zoneId: string): string {
  return `${userId}|${zoneId}`;
}
