import type { Express } from 'express';

export interface EmulatorOptions {
  /** Signs webhooks: base64 HMAC-SHA256 of the raw body, sent as `x-line-signature`. */
  channelSecret: string;
  /** When set, API calls must carry `Authorization: Bearer <token>`; when unset any Bearer token passes. */
  channelAccessToken?: string;
  /** Where the driver POSTs webhooks; can be set later with `setWebhookUrl`. */
  webhookUrl?: string;
  /** Reply token lifetime. LINE: use within one minute of the webhook. Default 60_000. */
  replyTokenTtlMs?: number;
  /** Monthly message quota counted per recipient; undefined = unlimited (quota type 'none'). */
  monthlyQuota?: number;
  /** Clock; default Date.now. */
  now?: () => number;
  /** Recorded API calls kept (oldest dropped first). Default 200_000. */
  maxRecordedCalls?: number;
  /** Transcript entries kept per chat (oldest dropped first). Default 1_000. */
  maxMessagesPerChat?: number;
  /** Requests per second per endpoint name (`{ multicast: 200 }`); over it LINE's 429. Default: none. */
  rateLimits?: Record<string, number>;
  /**
   * A JSON file that keeps users, groups, transcripts, rich menus and their links, and a webhook URL
   * set from the simulator, across restarts: read at creation, written (atomically, debounced) after
   * changes and on close. Unset: the emulator forgets everything when it stops.
   */
  stateFile?: string;
}

export type Source = { userId: string } | { groupId: string; userId?: string };

export interface RecordedCall {
  id: number;
  at: number;
  method: string;
  path: string;
  /**
   * Sending: reply, push, multicast, narrowcast, broadcast, narrowcastProgress, loading, quota, quotaConsumption.
   * Profiles and groups: profile, groupSummary, groupMemberCount, groupMemberIds, groupMemberProfile, leaveGroup.
   * Content: content, contentPreview, contentTranscoding.
   * Rich menus: richMenuCreate, richMenuValidate, richMenuList, richMenuGet, richMenuDelete, richMenuImageUpload,
   * richMenuImageDownload, richMenuBulkLink, richMenuBulkUnlink, richMenuAliasCreate, richMenuAliasList,
   * richMenuAliasGet, richMenuAliasUpdate, richMenuAliasDelete, defaultRichMenuSet, defaultRichMenuGet,
   * defaultRichMenuCancel, userRichMenuLink, userRichMenuGet, userRichMenuUnlink.
   * Anything else under /v2 or /v1: unknown (404).
   */
  endpoint: string;
  status: number;
  body: unknown;
  /** Request headers, lower-cased. */
  headers: Record<string, string>;
  retryKey?: string;
  to?: string | string[];
  requestId: string;
  /** What the emulator answered (JSON body, or a short description for binary content). */
  response?: unknown;
}

export interface DeliveredMessage {
  at: number;
  chatId: string;
  via: 'reply' | 'push' | 'multicast' | 'broadcast' | 'narrowcast';
  message: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- any LINE message object
  requestId: string;
  /** The id LINE gave the sent message (as in `sentMessages[].id`). */
  messageId: string;
}

export interface DriveResult {
  status: number;
  events: any[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- webhook events as sent
  body: string;
  /** Time the webhook receiver took to answer; LINE gives up after about 2 s. */
  durationMs: number;
}

export interface WebhookDriver {
  text(from: Source, text: string): Promise<DriveResult>;
  location(
    from: Source,
    loc: { latitude: number; longitude: number; title?: string; address?: string },
  ): Promise<DriveResult>;
  /** Registers the bytes as the new message's content (a small PNG by default). */
  image(from: Source, data?: Buffer, contentType?: string): Promise<DriveResult>;
  sticker(from: Source): Promise<DriveResult>;
  /** `displayText` is what the tapped action put in the chat; LINE leaves it out of the webhook. */
  postback(from: Source, data: string, params?: Record<string, string>, displayText?: string): Promise<DriveResult>;
  follow(userId: string, isUnblocked?: boolean): Promise<DriveResult>;
  unfollow(userId: string): Promise<DriveResult>;
  join(groupId: string): Promise<DriveResult>;
  leave(groupId: string): Promise<DriveResult>;
  memberJoined(groupId: string, userIds: string[]): Promise<DriveResult>;
  /** LINE's console "Verify" button: `{destination, events: []}`. */
  verify(): Promise<DriveResult>;
  /** The same event again (same webhookEventId and replyToken) with `deliveryContext.isRedelivery = true`. */
  redeliver(event: object): Promise<DriveResult>;
  /** Low level: custom events; `signature: null` omits the header; `rawBody` replaces the JSON body. */
  send(events: object[], opts?: { signature?: string | null; rawBody?: string }): Promise<DriveResult>;
}

export interface FaultSpec {
  /** How many matching calls fail; may be left out when `forMs` gives an outage window instead. */
  count?: number;
  status: 429 | 500 | 503 | 400;
  body?: unknown;
  /** An endpoint name such as 'push' or 'reply'; undefined matches every API endpoint. */
  endpoint?: string;
  delayMs?: number;
  /** Fail each matching call with this probability (0..1] until `count` failures were served. */
  probability?: number;
  /** An outage: every matching call fails for this long from now (real time), however many there are. */
  forMs?: number;
  /**
   * Handle the call first (the message is delivered, the reply token used, the retry key taken),
   * then answer the fault: LINE did the work but the bot is told it failed.
   */
  after?: boolean;
  /** Never answer (the bot's own timeout must free it): a hanging LINE endpoint. `status` is unused. */
  hang?: boolean;
  /** Only calls addressed to this chat (a push to one group, a multicast that includes one user). */
  to?: string;
}

export interface UserSeed {
  userId: string;
  displayName: string;
  /** False for someone who is only a member of a group and has not added the OA. Default true. */
  friend?: boolean;
  language?: string;
  pictureUrl?: string;
  statusMessage?: string;
}

export interface GroupSeed {
  groupId: string;
  groupName: string;
  memberIds: string[];
  pictureUrl?: string;
}

export interface CallFilter {
  endpoint?: string;
  to?: string;
  /** Only calls with an id greater than this (for incremental polling). */
  since?: number;
}

/** What the simulator's map picker draws: zone polygons and named places (e.g. police stations). */
export interface SimulatorMap {
  /** A GeoJSON FeatureCollection of Polygon/MultiPolygon features; `properties.name` labels each. */
  zones: { type: 'FeatureCollection'; features: unknown[] } | null;
  places: Array<{ name: string; latitude: number; longitude: number }>;
}

export interface ListeningEmulator {
  url: string;
  close(): Promise<void>;
}

export interface Emulator {
  /** The LINE API at the root (/v2/bot/...), the control API under /_emulator and the simulator page at GET /. */
  app: Express;
  listen(port?: number, host?: string): Promise<ListeningEmulator>;
  setWebhookUrl(url: string): void;
  /** The bot's own user id, sent as `destination` in every webhook. */
  readonly botUserId: string;
  users: { add(u: UserSeed): void };
  groups: { add(g: GroupSeed): void };
  content: { put(messageId: string, data: Buffer, contentType: string): void };
  faults: { inject(f: FaultSpec): void; clear(): void };
  calls(filter?: CallFilter): RecordedCall[];
  delivered(chatId: string): DeliveredMessage[];
  waitFor(predicate: (c: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  quota: { consumption(): number; setLimit(n: number | undefined): void };
  /** Rich menus as the bot configured them. */
  richMenus: {
    /** The menu LINE shows this person: the one linked to them, else the default. */
    shownTo(userId: string): { richMenuId: string; menu: Record<string, unknown>; hasImage: boolean } | undefined;
    defaultId(): string | undefined;
    /** Alias id -> rich menu id. */
    aliases(): Record<string, string>;
    ids(): string[];
  };
  /** Forgets calls, deliveries, faults, tokens, retry keys and consumption; keeps users and groups. */
  reset(): void;
  driver: WebhookDriver;
  /** Hands the simulator's map picker the zones and places to draw (nothing is drawn until then). */
  setMap(map: SimulatorMap): void;
}
