import type { Express } from 'express';
import { apiEndpoint, invalidBody, lineError, notFound } from './api-endpoint';
import type { ApiCall, ApiResult } from './api-endpoint';
import { isUuid } from './ids';
import { isObject, validateMessages } from './message-validation';
import type { ErrorDetail } from './message-validation';
import type { PlatformState, SentMessage } from './platform-state';

type Json = Record<string, unknown>;
type Messages = Json[];

const MONTHLY_LIMIT = { message: 'You have reached your monthly limit.' };
const INVALID_REPLY_TOKEN = { message: 'Invalid reply token' };
const MAX_MULTICAST = 500;

/** Send endpoints, the loading animation and quota: https://developers.line.biz/en/reference/messaging-api/#messages */
export function mountMessagingRoutes(app: Express, state: PlatformState): void {
  app.post(
    '/v2/bot/message/reply',
    apiEndpoint(state, {
      name: 'reply',
      body: 'json',
      target: (call) => {
        const token = bodyOf(call).replyToken;
        return typeof token === 'string' ? state.replyTokens.chatOf(token) : undefined;
      },
      handler: (call) => reply(state, call),
    }),
  );
  app.post(
    '/v2/bot/message/push',
    apiEndpoint(state, {
      name: 'push',
      body: 'json',
      allowsRetryKey: true,
      target: (call) => stringOrUndefined(bodyOf(call).to),
      handler: (call) => push(state, call),
    }),
  );
  app.post(
    '/v2/bot/message/multicast',
    apiEndpoint(state, {
      name: 'multicast',
      body: 'json',
      allowsRetryKey: true,
      target: (call) => {
        const to = bodyOf(call).to;
        return Array.isArray(to) ? to.map(String) : undefined;
      },
      handler: (call) => multicast(state, call),
    }),
  );
  app.post(
    '/v2/bot/message/narrowcast',
    apiEndpoint(state, {
      name: 'narrowcast',
      body: 'json',
      allowsRetryKey: true,
      handler: (call) => toAudience(state, call, 'narrowcast'),
    }),
  );
  app.post(
    '/v2/bot/message/broadcast',
    apiEndpoint(state, {
      name: 'broadcast',
      body: 'json',
      allowsRetryKey: true,
      handler: (call) => toAudience(state, call, 'broadcast'),
    }),
  );
  app.get(
    '/v2/bot/message/progress/narrowcast',
    apiEndpoint(state, {
      name: 'narrowcastProgress',
      handler: (call) => {
        const progress = state.narrowcasts.get(String(call.req.query.requestId ?? ''));
        return progress ? { status: 200, body: progress } : notFound();
      },
    }),
  );
  app.post(
    '/v2/bot/chat/loading/start',
    apiEndpoint(state, {
      name: 'loading',
      body: 'json',
      target: (call) => stringOrUndefined(bodyOf(call).chatId),
      handler: (call) => {
        const result = showLoading(call);
        // The simulator draws LINE's "…" in the chat until the next message or the time is up.
        if (result.status === 202) {
          const body = bodyOf(call);
          state.events.publish('loading', { chatId: body.chatId, seconds: body.loadingSeconds ?? 20 });
        }
        return result;
      },
    }),
  );
  app.get(
    '/v2/bot/message/quota',
    apiEndpoint(state, {
      name: 'quota',
      handler: () => ({
        status: 200,
        body: state.quotaLimit === undefined ? { type: 'none' } : { type: 'limited', value: state.quotaLimit },
      }),
    }),
  );
  app.get(
    '/v2/bot/message/quota/consumption',
    apiEndpoint(state, {
      name: 'quotaConsumption',
      handler: () => ({ status: 200, body: { totalUsage: state.consumption } }),
    }),
  );
}

function reply(state: PlatformState, call: ApiCall): ApiResult {
  const body = bodyOf(call);
  const details: ErrorDetail[] = [];
  if (typeof body.replyToken !== 'string' || body.replyToken === '')
    details.push({ message: 'must be specified', property: 'replyToken' });
  details.push(...validateMessages(body.messages));
  if (details.length > 0) return invalidBody(details);
  // Checked after the messages so a malformed reply does not burn the token.
  const chatId = state.replyTokens.consume(body.replyToken as string, call.now);
  if (chatId === undefined) return { status: 400, body: INVALID_REPLY_TOKEN };
  const messages = body.messages as Messages;
  const sent = state.sentMessagesFor(messages);
  state.deliver([chatId], messages, sent, 'reply', call.requestId);
  return { status: 200, body: { sentMessages: sent }, to: chatId };
}

function push(state: PlatformState, call: ApiCall): ApiResult {
  const conflict = checkRetryKey(state, call);
  if (conflict) return conflict;
  const body = bodyOf(call);
  const to = body.to;
  const details: ErrorDetail[] = [];
  if (typeof to !== 'string' || to === '') details.push({ message: 'must be specified', property: 'to' });
  details.push(...validateMessages(body.messages));
  if (details.length > 0) return invalidBody(details);
  const chatId = to as string;
  // Ids are checked by prefix only (U user, C group, R room) so hand-written test ids stay usable.
  if (!/^[UCR]\S+$/.test(chatId)) {
    return { status: 400, body: lineError("The property, 'to', in the request body is invalid (line: -, column: -)") };
  }
  const recipients = recipientsOfPush(state, chatId);
  if (recipients === 'not-a-member') {
    // LINE documents no exact answer for a group the bot has left; a 400 makes a stale id visible.
    return { status: 400, body: { message: 'Failed to send messages' } };
  }
  if (!state.chargeQuota(recipients.cost)) return { status: 429, body: MONTHLY_LIMIT };
  const messages = body.messages as Messages;
  const sent = state.sentMessagesFor(messages);
  if (recipients.deliver) state.deliver([chatId], messages, sent, 'push', call.requestId);
  acceptRetryKey(state, call, 'push', sent);
  return { status: 200, body: { sentMessages: sent } };
}

/**
 * A push to a group costs its member count (LINE's example: one push to a five-person chat counts five);
 * a user who blocked the OA costs nothing and receives nothing, yet LINE still answers 200.
 */
function recipientsOfPush(state: PlatformState, chatId: string): { cost: number; deliver: boolean } | 'not-a-member' {
  if (chatId.startsWith('C')) {
    const group = state.directory.groups.get(chatId);
    if (!group) return { cost: 1, deliver: true };
    if (!group.botIsMember) return 'not-a-member';
    return { cost: Math.max(1, group.memberIds.size), deliver: true };
  }
  if (chatId.startsWith('U') && state.directory.users.get(chatId)?.blocked) return { cost: 0, deliver: false };
  return { cost: 1, deliver: true };
}

function multicast(state: PlatformState, call: ApiCall): ApiResult {
  const conflict = checkRetryKey(state, call);
  if (conflict) return conflict;
  const body = bodyOf(call);
  const details: ErrorDetail[] = [];
  const to = body.to;
  if (!Array.isArray(to)) {
    details.push({ message: 'must be specified', property: 'to' });
  } else if (to.length < 1 || to.length > MAX_MULTICAST) {
    details.push({ message: `Size must be between 1 and ${MAX_MULTICAST}`, property: 'to' });
  } else {
    // Multicast reaches users only; LINE rejects group and room ids here.
    to.forEach((id: unknown, i: number) => {
      if (typeof id !== 'string' || !/^U\S+$/.test(id))
        details.push({ message: 'must be a user ID', property: `to[${i}]` });
    });
  }
  details.push(...validateMessages(body.messages));
  if (details.length > 0) return invalidBody(details);
  const recipients = [...new Set(to as string[])].filter((id) => !state.directory.users.get(id)?.blocked);
  if (!state.chargeQuota(recipients.length)) return { status: 429, body: MONTHLY_LIMIT };
  const messages = body.messages as Messages;
  const sent = state.sentMessagesFor(messages);
  state.deliver(recipients, messages, sent, 'multicast', call.requestId);
  acceptRetryKey(state, call, 'multicast', sent);
  return { status: 200, body: {} };
}

/**
 * Broadcast and narrowcast both go to every friend who has not blocked the OA; the emulator ignores
 * narrowcast's audience filters (it knows no demographics) but honours `limit.max`.
 */
function toAudience(state: PlatformState, call: ApiCall, via: 'broadcast' | 'narrowcast'): ApiResult {
  const conflict = checkRetryKey(state, call);
  if (conflict) return conflict;
  const body = bodyOf(call);
  const details = validateMessages(body.messages);
  if (details.length > 0) return invalidBody(details);
  let recipients = state.directory.audience();
  const max = isObject(body.limit) ? body.limit.max : undefined;
  if (via === 'narrowcast' && typeof max === 'number' && max >= 0) recipients = recipients.slice(0, max);
  if (!state.chargeQuota(recipients.length)) return { status: 429, body: MONTHLY_LIMIT };
  const messages = body.messages as Messages;
  const sent = state.sentMessagesFor(messages);
  state.deliver(recipients, messages, sent, via, call.requestId);
  acceptRetryKey(state, call, via, sent);
  if (via === 'broadcast') return { status: 200, body: {} };
  const when = new Date(call.now).toISOString();
  state.recordNarrowcast(call.requestId, {
    phase: 'succeeded',
    successCount: recipients.length,
    failureCount: 0,
    targetCount: recipients.length,
    acceptedTime: when,
    completedTime: when,
  });
  // LINE answers narrowcast with 202: the send itself happens asynchronously on its side.
  return { status: 202, body: {} };
}

function checkRetryKey(state: PlatformState, call: ApiCall): ApiResult | undefined {
  const key = call.retryKey;
  if (key === undefined) return undefined;
  if (!isUuid(key))
    return { status: 400, body: { message: 'The value of the X-Line-Retry-Key header must be a UUID' } };
  const accepted = state.retryKeys.find(key, call.now);
  if (!accepted) return undefined;
  const body: Json = { message: 'The retry key is already accepted' };
  if (accepted.sentMessages && accepted.endpoint === 'push') body.sentMessages = accepted.sentMessages;
  return { status: 409, body, headers: { 'x-line-accepted-request-id': accepted.requestId } };
}

function acceptRetryKey(state: PlatformState, call: ApiCall, endpoint: string, sent: SentMessage[]): void {
  if (call.retryKey === undefined) return;
  state.retryKeys.accept(
    call.retryKey,
    { requestId: call.requestId, acceptedAt: call.now, endpoint, sentMessages: sent },
    call.now,
  );
}

/** LINE: 1:1 chats only, 5 to 60 seconds in steps of 5, and 202 even when nothing is shown. */
function showLoading(call: ApiCall): ApiResult {
  const body = bodyOf(call);
  const details: ErrorDetail[] = [];
  if (typeof body.chatId !== 'string' || body.chatId === '')
    details.push({ message: 'must be specified', property: 'chatId' });
  else if (!body.chatId.startsWith('U')) details.push({ message: 'must be a user ID', property: 'chatId' });
  const seconds = body.loadingSeconds;
  if (
    seconds !== undefined &&
    (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 5 || seconds > 60 || seconds % 5 !== 0)
  ) {
    details.push({ message: 'must be a multiple of 5 between 5 and 60', property: 'loadingSeconds' });
  }
  if (details.length > 0) return invalidBody(details);
  return { status: 202, body: {} };
}

function bodyOf(call: ApiCall): Json {
  return isObject(call.body) ? call.body : {};
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
