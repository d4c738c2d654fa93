import { RingBuffer } from './ring-buffer';
import type { DeliveredMessage, GroupSeed, UserSeed } from './types';

export interface UserProfile {
  userId: string;
  displayName: string;
  pictureUrl?: string;
  statusMessage?: string;
  language?: string;
}

export interface UserRecord {
  profile: UserProfile;
  /** Friends (and users who talked to the OA 1:1) can be profiled, pushed to and broadcast to. */
  friend: boolean;
  /** Blocked the OA (an unfollow): LINE still answers 200 to a push but delivers and counts nothing. */
  blocked: boolean;
}

export interface GroupRecord {
  groupId: string;
  groupName: string;
  pictureUrl?: string;
  memberIds: Set<string>;
  botIsMember: boolean;
}

/**
 * What the simulator shows for a chat: the bot's deliveries and the webhook events a person caused.
 * `display` is what LINE put in the chat for a postback: its displayText (a postback without one
 * shows nothing; the webhook itself never carries the text).
 */
export type TranscriptEntry =
  | { kind: 'bot'; seq: number; delivery: DeliveredMessage }
  | { kind: 'user'; seq: number; at: number; chatId: string; event: Record<string, unknown>; display?: string };

export class ChatDirectory {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  private readonly transcripts = new Map<string, RingBuffer<TranscriptEntry>>();
  private seq = 0;

  /** `onEntry` hears every transcript entry as it is added (the simulator page's live feed). */
  constructor(
    private readonly perChatCapacity: number,
    private readonly onEntry: (entry: TranscriptEntry) => void = () => undefined,
  ) {}

  addUser(seed: UserSeed): UserRecord {
    const existing = this.users.get(seed.userId);
    const profile: UserProfile = { userId: seed.userId, displayName: seed.displayName };
    if (seed.pictureUrl !== undefined) profile.pictureUrl = seed.pictureUrl;
    if (seed.statusMessage !== undefined) profile.statusMessage = seed.statusMessage;
    if (seed.language !== undefined) profile.language = seed.language;
    const record: UserRecord = { profile, friend: seed.friend ?? true, blocked: existing?.blocked ?? false };
    this.users.set(seed.userId, record);
    return record;
  }

  /** A user the emulator only learnt about from a webhook gets a plain generated profile. */
  seeUser(userId: string, asFriend: boolean): UserRecord {
    let record = this.users.get(userId);
    if (!record) {
      record = { profile: { userId, displayName: `User ${userId.slice(-4)}` }, friend: asFriend, blocked: false };
      this.users.set(userId, record);
    } else if (asFriend) {
      record.friend = true;
    }
    return record;
  }

  addGroup(seed: GroupSeed): GroupRecord {
    const group: GroupRecord = {
      groupId: seed.groupId,
      groupName: seed.groupName,
      memberIds: new Set(seed.memberIds),
      botIsMember: true,
    };
    if (seed.pictureUrl !== undefined) group.pictureUrl = seed.pictureUrl;
    this.groups.set(seed.groupId, group);
    for (const id of seed.memberIds) this.seeUser(id, false);
    return group;
  }

  seeGroup(groupId: string): GroupRecord {
    let group = this.groups.get(groupId);
    if (!group) {
      group = { groupId, groupName: groupId, memberIds: new Set(), botIsMember: true };
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** Users a broadcast or narrowcast reaches: friends who have not blocked the OA. */
  audience(): string[] {
    const ids: string[] = [];
    for (const [id, u] of this.users) if (u.friend && !u.blocked) ids.push(id);
    return ids;
  }

  recordDelivery(delivery: DeliveredMessage): void {
    this.add(delivery.chatId, { kind: 'bot', seq: this.nextSeq(), delivery });
  }

  recordUserEvent(chatId: string, at: number, event: Record<string, unknown>, display?: string): void {
    const entry: TranscriptEntry = { kind: 'user', seq: this.nextSeq(), at, chatId, event };
    if (display !== undefined) entry.display = display;
    this.add(chatId, entry);
  }

  /** The newest entry of a chat, for the chat list's preview line. */
  lastEntry(chatId: string): TranscriptEntry | undefined {
    const ring = this.transcripts.get(chatId);
    return ring && ring.size > 0 ? ring.at(ring.size - 1) : undefined;
  }

  /** Sequence numbers keep counting across a restart, so the page never mistakes new entries for old. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Puts saved entries back (oldest first) and continues numbering after `lastSeq`. */
  restore(transcripts: Array<{ chatId: string; entries: TranscriptEntry[] }>, lastSeq: number): void {
    for (const { chatId, entries } of transcripts) {
      const ring = this.transcript(chatId);
      for (const entry of entries) ring.push(entry);
    }
    this.seq = Math.max(this.seq, lastSeq);
  }

  private add(chatId: string, entry: TranscriptEntry): void {
    this.transcript(chatId).push(entry);
    this.onEntry(entry);
  }

  delivered(chatId: string): DeliveredMessage[] {
    const ring = this.transcripts.get(chatId);
    if (!ring) return [];
    const out: DeliveredMessage[] = [];
    for (const entry of ring.slice()) if (entry.kind === 'bot') out.push(entry.delivery);
    return out;
  }

  transcriptOf(chatId: string): TranscriptEntry[] {
    return this.transcripts.get(chatId)?.slice() ?? [];
  }

  deliveredCount(chatId: string): number {
    const ring = this.transcripts.get(chatId);
    if (!ring) return 0;
    let n = 0;
    for (const entry of ring.slice()) if (entry.kind === 'bot') n += 1;
    return n;
  }

  /** Chats that exist only because the bot pushed to an id nobody registered. */
  chatIdsWithTranscripts(): string[] {
    return [...this.transcripts.keys()];
  }

  clearTranscripts(): void {
    this.transcripts.clear();
  }

  private transcript(chatId: string): RingBuffer<TranscriptEntry> {
    let ring = this.transcripts.get(chatId);
    if (!ring) {
      ring = new RingBuffer(this.perChatCapacity);
      this.transcripts.set(chatId, ring);
    }
    return ring;
  }

  private nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }
}
