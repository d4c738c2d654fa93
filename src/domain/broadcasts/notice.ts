export type NoticeStatus = 'pending' | 'approved' | 'rejected';

/** A notice a community leader proposed from their group, waiting for (or past) a station's decision. */
export interface CommunityNotice {
  /** Derived from the webhook event that proposed it: the same event handled twice proposes once. */
  _id: string;
  groupId: string;
  zoneId: string;
  stationCode: string;
  text: string;
  /** The leader (LINE omits the id of some group members; the notice is still taken). */
  proposerId?: string;
  proposerName?: string;
  status: NoticeStatus;
  /** Where the approval card went: the station group, or its officers one by one. */
  sentTo: string[];
  createdAt: number;
  decidedAt?: number;
  decidedBy?: string;
  deciderName?: string;
  broadcastId?: string;
}
