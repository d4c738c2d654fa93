import { createHash } from 'node:crypto';
import { clipped } from '../util/clipped';

/** LINE's own ids (line-api.md 2.6): a user, group or room is a letter and 32 hex digits. */
const LINE_ID = { user: /^U[0-9a-f]{32}$/, group: /^C[0-9a-f]{32}$/, room: /^R[0-9a-f]{32}$/ };
/**
 * webhookEventId is a ULID and a message id a number; any short id of letters, digits, - and _ is
 * taken (tests, other fakes). A message id goes into the URL of LINE's content download.
 */
const SHORT_ID = /^[0-9A-Za-z_-]{1,64}$/;
/** Far deeper than any event LINE sends (about 6 levels): the store and the handlers never see more. */
export const MAX_EVENT_DEPTH = 32;

export type EventCheck =
  { ok: true; event: Record<string, unknown> } | { ok: false; id: string; type: string; reason: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One webhook event, checked before it is stored: the fields the hub builds queries, URLs and
 * answers from must be what LINE sends. A signed event can still be malformed (a bug at LINE, a
 * leaked channel secret): such an event is kept as invalid, never handled, and never fails the
 * other events of its body (LINE would redeliver the whole body forever).
 */
export function checkEvent(raw: unknown): EventCheck {
  const reason = problemOf(raw);
  if (!reason) return { ok: true, event: raw as Json };
  const id =
    isObject(raw) && typeof raw.webhookEventId === 'string' && SHORT_ID.test(raw.webhookEventId)
      ? raw.webhookEventId
      : `invalid-${digest(raw)}`;
  const type = isObject(raw) && typeof raw.type === 'string' ? clipped(raw.type, 40) : 'unknown';
  return { ok: false, id, type, reason };
}

function problemOf(raw: unknown): string | undefined {
  if (!isObject(raw)) return 'not an object';
  const depth = depthOf(raw, MAX_EVENT_DEPTH + 1);
  if (depth > MAX_EVENT_DEPTH) return `nested deeper than ${MAX_EVENT_DEPTH} levels`;
  if (typeof raw.webhookEventId !== 'string' || !SHORT_ID.test(raw.webhookEventId))
    return 'webhookEventId is missing or not an event id';
  if (typeof raw.type !== 'string' || raw.type.length === 0 || raw.type.length > 40) return 'type is not a string';
  if (typeof raw.timestamp !== 'number' || !Number.isFinite(raw.timestamp)) return 'timestamp is not a number';
  if (raw.replyToken !== undefined && (typeof raw.replyToken !== 'string' || raw.replyToken.length > 256))
    return 'replyToken is not a string';
  const source = raw.source;
  if (source !== undefined) {
    if (!isObject(source)) return 'source is not an object';
    const kind = source.type;
    if (kind !== 'user' && kind !== 'group' && kind !== 'room') return 'source.type is not user, group or room';
    if (kind === 'user' && source.userId === undefined) return 'source.userId is missing';
    const bad = badId(source.userId, 'user') ?? badId(source.groupId, 'group') ?? badId(source.roomId, 'room');
    if (bad) return `source ${bad}`;
    if (kind === 'group' && source.groupId === undefined) return 'source.groupId is missing';
    if (kind === 'room' && source.roomId === undefined) return 'source.roomId is missing';
  }
  for (const field of ['joined', 'left'] as const) {
    const members = isObject(raw[field]) ? (raw[field] as Json).members : undefined;
    if (members === undefined) continue;
    if (!Array.isArray(members)) return `${field}.members is not a list`;
    for (const m of members) {
      const bad = isObject(m) ? badId(m.userId, 'user') : 'member is not an object';
      if (bad) return `${field}.members: ${bad}`;
    }
  }
  if (raw.type === 'message') {
    const m = raw.message;
    if (!isObject(m) || typeof m.type !== 'string' || typeof m.id !== 'string') return 'message has no type and id';
    if (!SHORT_ID.test(m.id)) return 'message id is not a message id';
    if (m.type === 'text' && typeof m.text !== 'string') return 'text message has no text';
    if (m.type === 'location' && (typeof m.latitude !== 'number' || typeof m.longitude !== 'number'))
      return 'location message has no latitude and longitude';
  }
  if (raw.type === 'postback' && (!isObject(raw.postback) || typeof raw.postback.data !== 'string'))
    return 'postback has no data';
  return undefined;
}

function badId(value: unknown, kind: keyof typeof LINE_ID): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !LINE_ID[kind].test(value)) return `${kind} id is not a LINE ${kind} id`;
  return undefined;
}

/** How deep the value nests, counted without recursion (and without going past `limit`). */
function depthOf(root: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest >= limit) return deepest;
    if (typeof value !== 'object' || value === null) continue;
    for (const child of Object.values(value))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** A stable name for an event that has no usable id: the same poison body redelivered is the same entry. */
function digest(raw: unknown): string {
  const hash = createHash('sha256');
  const stack: unknown[] = [raw];
  let budget = 100_000;
  while (stack.length > 0 && budget-- > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) {
      hash.update(`${typeof value}:${String(value)};`);
      continue;
    }
    for (const [k, v] of Object.entries(value).reverse()) {
      hash.update(`${k}=`);
      stack.push(v);
    }
  }
  return hash.digest('hex').slice(0, 32);
}
