import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { PlatformState } from './platform-state';
import type { DriveResult, FaultSpec, GroupSeed, Source, UserSeed, WebhookDriver } from './types';

type Json = Record<string, unknown>;

export interface ControlDeps {
  state: PlatformState;
  driver: WebhookDriver;
  reset(): void;
  addUser(u: UserSeed): void;
  addGroup(g: GroupSeed): void;
}

class BadRequest extends Error {}

/**
 * The emulator's own API under /_emulator, for the simulator page and for benchmarks that run the
 * emulator in another process. Not part of LINE, so none of it is recorded as a LINE call.
 */
export function controlRouter(deps: ControlDeps): Router {
  const { state, driver } = deps;
  const router = express.Router();
  // Photos the simulator uploads arrive base64-encoded inside the JSON of a drive request.
  router.use(express.json({ limit: '25mb' }));

  router.get('/info', (_req, res) => {
    res.json({
      botUserId: state.botUserId,
      webhookUrl: state.webhookUrl ?? null,
      quota: { limit: state.quotaLimit ?? null, consumption: state.consumption },
    });
  });
  router.put('/webhook', (req, res) => {
    const url = requireString(body(req), 'url');
    state.webhookUrl = url;
    state.webhookUrlFromPage = true;
    res.json({ webhookUrl: url });
  });
  router.put('/quota', (req, res) => {
    const limit = body(req).limit;
    if (limit !== null && (typeof limit !== 'number' || limit < 0))
      throw new BadRequest('limit must be a number or null');
    state.quotaLimit = limit === null ? undefined : limit;
    res.json({ limit: state.quotaLimit ?? null, consumption: state.consumption });
  });

  router.get('/calls', (req, res) => {
    const q = req.query;
    res.json(
      state.calls.list({
        ...(typeof q.endpoint === 'string' && q.endpoint !== '' ? { endpoint: q.endpoint } : {}),
        ...(typeof q.to === 'string' && q.to !== '' ? { to: q.to } : {}),
        ...(typeof q.since === 'string' && q.since !== '' ? { since: Number(q.since) } : {}),
        ...(typeof q.limit === 'string' && q.limit !== '' ? { limit: Number(q.limit) } : {}),
      }),
    );
  });
  router.delete('/calls', (_req, res) => {
    deps.reset();
    res.json({});
  });

  router.post('/faults', (req, res) => {
    try {
      state.faults.inject(body(req) as unknown as FaultSpec);
    } catch (error) {
      throw new BadRequest(String((error as Error).message));
    }
    res.json({});
  });
  router.delete('/faults', (_req, res) => {
    state.faults.clear();
    res.json({});
  });

  // Reply tokens for webhooks built outside the driver (benches sign their own events): LINE issues a
  // token with every event, so a load generator registers the ones it puts in its events.
  router.post('/reply-tokens', (req, res) => {
    const tokens = body(req).tokens;
    if (!Array.isArray(tokens)) throw new BadRequest('tokens must be an array of {replyToken, chatId}');
    const now = state.now();
    for (const t of tokens as Array<Record<string, unknown>>) {
      if (typeof t?.replyToken !== 'string' || typeof t?.chatId !== 'string')
        throw new BadRequest('each token needs replyToken and chatId strings');
      state.replyTokens.issue(t.replyToken, t.chatId, now);
    }
    res.json({ issued: tokens.length });
  });

  router.post('/users', (req, res) => {
    const b = body(req);
    const seed: UserSeed = { userId: requireString(b, 'userId'), displayName: requireString(b, 'displayName') };
    for (const key of ['language', 'pictureUrl', 'statusMessage'] as const) {
      if (typeof b[key] === 'string') seed[key] = b[key];
    }
    if (typeof b.friend === 'boolean') seed.friend = b.friend;
    deps.addUser(seed);
    res.json(seed);
  });
  router.post('/groups', (req, res) => {
    const b = body(req);
    const memberIds = b.memberIds;
    if (!Array.isArray(memberIds) || !memberIds.every((m) => typeof m === 'string')) {
      throw new BadRequest('memberIds must be an array of user ids');
    }
    const seed: GroupSeed = {
      groupId: requireString(b, 'groupId'),
      groupName: requireString(b, 'groupName'),
      memberIds,
    };
    deps.addGroup(seed);
    res.json(seed);
  });

  router.get('/chats', (_req, res) => res.json(listChats(state)));
  // The rich menu a person sees (theirs, else the default), for the simulator to draw under the chat.
  const shownMenu = (userId: string) => {
    const id = state.richMenus.userLinks.get(userId) ?? state.richMenus.defaultMenuId;
    return id ? state.richMenus.menus.get(id) : undefined;
  };
  router.get('/rich-menu/:userId', (req, res) => {
    // null, not 404: "no menu" is an ordinary answer (LINE shows none until one is set with an image).
    const shown = shownMenu(req.params.userId ?? '');
    res.json(shown?.image ? { richMenuId: shown.richMenuId, ...shown.menu } : null);
  });
  router.get('/rich-menu/:userId/image', (req, res) => {
    const image = shownMenu(req.params.userId ?? '')?.image;
    if (!image) {
      res.status(404).json({ message: 'no rich menu image for this user' });
      return;
    }
    res.type(image.contentType).set('cache-control', 'no-store').send(image.data);
  });
  router.get('/chats/:chatId', (req, res) => res.json(state.directory.delivered(req.params.chatId ?? '')));
  // What a person sent (a photo), for the simulator to draw; not a LINE call, so not recorded.
  router.get('/content/:messageId', (req, res) => {
    const stored = state.getContent(req.params.messageId ?? '');
    if (!stored) {
      res.status(404).json({ message: 'no content for this message (the emulator keeps it in memory only)' });
      return;
    }
    res.type(stored.contentType).set('cache-control', 'private, max-age=86400').send(stored.data);
  });
  router.get('/map', (_req, res) => res.json(state.map));
  router.get('/chats/:chatId/transcript', (req, res) =>
    res.json(state.directory.transcriptOf(req.params.chatId ?? '')),
  );

  router.post('/drive', async (req, res) => {
    const result = await drive(driver, body(req));
    res.json(result);
  });

  router.get('/events', (req, res) => state.events.attach(req, res));

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ message: 'Not found' });
  });
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error instanceof BadRequest) return res.status(400).json({ message: error.message });
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return res.status(status).json({ message: String((error as Error).message) });
    }
    // Mostly: the bot's webhook could not be reached.
    return res.status(502).json({ message: String((error as Error).message ?? error) });
  });
  return router;
}

function drive(driver: WebhookDriver, b: Json): Promise<DriveResult> {
  const kind = b.kind;
  const source = () => toSource(b.source);
  const userId = () => {
    const s = source();
    if ('groupId' in s || !s.userId) throw new BadRequest('source must be a user');
    return s.userId;
  };
  const groupId = () => {
    const s = source();
    if (!('groupId' in s)) throw new BadRequest('source must be a group');
    return s.groupId;
  };
  switch (kind) {
    case 'text':
      return driver.text(source(), requireString(b, 'text'));
    case 'location': {
      const loc = b.location as Json | undefined;
      if (!loc || typeof loc.latitude !== 'number' || typeof loc.longitude !== 'number') {
        throw new BadRequest('location.latitude and location.longitude must be numbers');
      }
      return driver.location(source(), {
        latitude: loc.latitude,
        longitude: loc.longitude,
        ...(typeof loc.title === 'string' ? { title: loc.title } : {}),
        ...(typeof loc.address === 'string' ? { address: loc.address } : {}),
      });
    }
    case 'image': {
      const data = typeof b.imageBase64 === 'string' ? Buffer.from(b.imageBase64, 'base64') : undefined;
      return driver.image(source(), data, typeof b.contentType === 'string' ? b.contentType : undefined);
    }
    case 'sticker':
      return driver.sticker(source());
    case 'postback': {
      const params = b.params as Record<string, string> | undefined;
      const displayText = typeof b.displayText === 'string' && b.displayText !== '' ? b.displayText : undefined;
      return driver.postback(source(), requireString(b, 'data'), params, displayText);
    }
    case 'follow':
      return driver.follow(userId(), typeof b.isUnblocked === 'boolean' ? b.isUnblocked : undefined);
    case 'unfollow':
      return driver.unfollow(userId());
    case 'join':
      return driver.join(groupId());
    case 'leave':
      return driver.leave(groupId());
    case 'memberJoined': {
      const userIds = b.userIds;
      if (!Array.isArray(userIds) || !userIds.every((u) => typeof u === 'string'))
        throw new BadRequest('userIds must be strings');
      return driver.memberJoined(groupId(), userIds);
    }
    case 'verify':
      return driver.verify();
    default:
      throw new BadRequest(`unknown kind ${String(kind)}`);
  }
}

function toSource(value: unknown): Source {
  const s = (value ?? {}) as Json;
  if (typeof s.groupId === 'string' && s.groupId !== '') {
    return typeof s.userId === 'string' && s.userId !== ''
      ? { groupId: s.groupId, userId: s.userId }
      : { groupId: s.groupId };
  }
  if (typeof s.userId === 'string' && s.userId !== '') return { userId: s.userId };
  throw new BadRequest('source needs a userId or a groupId');
}

function listChats(state: PlatformState): Json[] {
  const { directory } = state;
  const seen = new Set<string>();
  const out: Json[] = [];
  for (const [userId, u] of directory.users) {
    seen.add(userId);
    out.push({
      chatId: userId,
      kind: 'user',
      name: u.profile.displayName,
      language: u.profile.language ?? null,
      friend: u.friend,
      blocked: u.blocked,
      delivered: directory.deliveredCount(userId),
      last: directory.lastEntry(userId) ?? null,
    });
  }
  for (const [groupId, g] of directory.groups) {
    seen.add(groupId);
    out.push({
      chatId: groupId,
      kind: 'group',
      name: g.groupName,
      memberIds: [...g.memberIds],
      botIsMember: g.botIsMember,
      delivered: directory.deliveredCount(groupId),
      last: directory.lastEntry(groupId) ?? null,
    });
  }
  // Pushes to ids nobody registered still land somewhere a person can look.
  for (const chatId of directory.chatIdsWithTranscripts()) {
    if (seen.has(chatId)) continue;
    out.push({
      chatId,
      kind: chatId.startsWith('C') ? 'group' : chatId.startsWith('R') ? 'room' : 'user',
      name: chatId,
      delivered: directory.deliveredCount(chatId),
      last: directory.lastEntry(chatId) ?? null,
    });
  }
  return out;
}

function body(req: Request): Json {
  const b: unknown = req.body;
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Json) : {};
}

function requireString(b: Json, key: string): string {
  const value = b[key];
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${key} is required`);
  return value;
}
