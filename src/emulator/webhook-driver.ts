import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { VERIFY_REPLY_TOKEN, newQuoteToken, newReplyToken } from './ids';
import type { PlatformState } from './platform-state';
import type { DriveResult, Source, WebhookDriver } from './types';

type Json = Record<string, unknown>;
type WebhookSource = { type: 'user'; userId: string } | { type: 'group'; groupId: string; userId?: string };

// A valid 1x1 PNG, so a bot that decodes or forwards the "photo" gets real image bytes.
const TEST_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export function signBody(channelSecret: string, body: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/**
 * Plays the LINE platform's side of a chat: it keeps the emulator's view of users and groups in step
 * with what the events say happened, issues reply tokens, then signs and POSTs the webhook the way LINE
 * does (https://developers.line.biz/en/reference/messaging-api/#webhooks).
 */
export function createWebhookDriver(state: PlatformState): WebhookDriver {
  const { directory } = state;

  const base = (source: WebhookSource | undefined): Json => ({
    ...(source ? { source } : {}),
    timestamp: state.now(),
    mode: 'active',
    webhookEventId: state.eventIds.next(),
    deliveryContext: { isRedelivery: false },
  });

  const replyable = (event: Json, source: WebhookSource): Json => {
    const replyToken = newReplyToken();
    state.replyTokens.issue(replyToken, chatIdOf(source) as string, state.now());
    return { ...event, replyToken };
  };

  const message = (from: Source, content: Json): Json => {
    const source = noteSender(from);
    return replyable(
      { type: 'message', ...base(source), message: { id: state.messageIds.take(), ...content } },
      source,
    );
  };

  /** A sender who writes 1:1 is a friend; one who writes in a group is at least a member of it. */
  const noteSender = (from: Source): WebhookSource => {
    if ('groupId' in from) {
      const group = directory.seeGroup(from.groupId);
      if (from.userId !== undefined) {
        group.memberIds.add(from.userId);
        directory.seeUser(from.userId, false);
        return { type: 'group', groupId: from.groupId, userId: from.userId };
      }
      // LINE omits userId for senders who have not consented (e.g. LINE for PC users).
      return { type: 'group', groupId: from.groupId };
    }
    directory.seeUser(from.userId, true);
    return { type: 'user', userId: from.userId };
  };

  const dispatch = async (
    events: Json[],
    opts: { signature?: string | null; rawBody?: string } = {},
    display?: string,
  ): Promise<DriveResult> => {
    const url = state.webhookUrl;
    if (!url) throw new Error('line emulator: no webhook URL; call setWebhookUrl() first');
    const body = opts.rawBody ?? JSON.stringify({ destination: state.botUserId, events });
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'LineBotWebhook/2.0',
    };
    const signature = opts.signature === undefined ? signBody(state.channelSecret, body) : opts.signature;
    if (signature !== null) headers['x-line-signature'] = signature;
    const at = state.now();
    for (const event of events) {
      const chatId = chatIdOf(event.source);
      if (chatId) directory.recordUserEvent(chatId, at, event, display);
    }
    state.touched();
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, events, body: text, durationMs: Math.round(performance.now() - started) };
  };

  return {
    text: (from, text) => dispatch([message(from, { type: 'text', quoteToken: newQuoteToken(), text })]),

    location: (from, loc) => {
      const content: Json = { type: 'location', latitude: loc.latitude, longitude: loc.longitude };
      if (loc.title !== undefined) content.title = loc.title;
      if (loc.address !== undefined) content.address = loc.address;
      return dispatch([message(from, content)]);
    },

    image: (from, data = TEST_PNG, contentType = 'image/png') => {
      const event = message(from, { type: 'image', quoteToken: newQuoteToken(), contentProvider: { type: 'line' } });
      state.putContent(String((event.message as Json).id), data, contentType);
      return dispatch([event]);
    },

    sticker: (from) =>
      dispatch([
        message(from, {
          type: 'sticker',
          quoteToken: newQuoteToken(),
          packageId: '446',
          stickerId: '1988',
          stickerResourceType: 'STATIC',
          keywords: ['Happy', 'OK'],
        }),
      ]),

    postback: (from, data, params, displayText) => {
      const source = noteSender(from);
      const postback: Json = { data };
      if (params !== undefined) postback.params = params;
      return dispatch([replyable({ type: 'postback', ...base(source), postback }, source)], {}, displayText);
    },

    follow: (userId, isUnblocked) => {
      const user = directory.seeUser(userId, true);
      const wasBlocked = user.blocked;
      user.blocked = false;
      const source: WebhookSource = { type: 'user', userId };
      return dispatch([
        replyable({ type: 'follow', ...base(source), follow: { isUnblocked: isUnblocked ?? wasBlocked } }, source),
      ]);
    },

    unfollow: (userId) => {
      directory.seeUser(userId, true).blocked = true;
      return dispatch([{ type: 'unfollow', ...base({ type: 'user', userId }) }]);
    },

    join: (groupId) => {
      directory.seeGroup(groupId).botIsMember = true;
      const source: WebhookSource = { type: 'group', groupId };
      return dispatch([replyable({ type: 'join', ...base(source) }, source)]);
    },

    leave: (groupId) => {
      directory.seeGroup(groupId).botIsMember = false;
      return dispatch([{ type: 'leave', ...base({ type: 'group', groupId }) }]);
    },

    memberJoined: (groupId, userIds) => {
      const group = directory.seeGroup(groupId);
      for (const id of userIds) {
        group.memberIds.add(id);
        directory.seeUser(id, false);
      }
      const source: WebhookSource = { type: 'group', groupId };
      const joined = { members: userIds.map((userId) => ({ type: 'user', userId })) };
      return dispatch([replyable({ type: 'memberJoined', ...base(source), joined }, source)]);
    },

    verify: () => dispatch([]),

    redeliver: (event) => {
      const again = structuredClone(event) as Json;
      again.deliveryContext = { isRedelivery: true };
      if (typeof again.replyToken === 'string') state.replyTokens.extendForRedelivery(again.replyToken, state.now());
      return dispatch([again]);
    },

    send: (events, opts) => {
      // Hand-built events get working reply tokens too, except LINE's all-zero verify token.
      for (const event of events as Json[]) {
        const token = event.replyToken;
        if (typeof token !== 'string' || token === VERIFY_REPLY_TOKEN || state.replyTokens.has(token)) continue;
        const chatId = chatIdOf(event.source);
        if (chatId) state.replyTokens.issue(token, chatId, state.now());
      }
      return dispatch(events as Json[], opts);
    },
  };
}

function chatIdOf(source: unknown): string | undefined {
  if (!isObject(source)) return undefined;
  const id = source.type === 'group' ? source.groupId : source.type === 'room' ? source.roomId : source.userId;
  return typeof id === 'string' ? id : undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}
