import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { unknownEndpoint } from './api-endpoint';
import { controlRouter } from './control-routes';
import { newRequestId } from './ids';
import { mountMessagingRoutes } from './messaging-routes';
import { PlatformState } from './platform-state';
import { mountProfileRoutes } from './profile-routes';
import { mountRichMenuRoutes } from './rich-menu-routes';
import { simulatorAssets } from './simulator-assets';
import { SIMULATOR_HTML } from './simulator-page';
import { StateFile, restore, snapshot } from './state-file';
import type { Emulator, EmulatorOptions, GroupSeed, ListeningEmulator, UserSeed, WebhookDriver } from './types';
import { createWebhookDriver } from './webhook-driver';

/**
 * A stand-in for the LINE Messaging API. Point the SDK clients' `baseURL` at `listen()`'s url (the
 * emulator serves at the root because the SDK drops any path prefix) and drive webhooks with `driver`.
 */
export function createEmulator(opts: EmulatorOptions): Emulator {
  if (!opts.channelSecret) throw new Error('createEmulator: channelSecret is required');
  const state = new PlatformState(opts);
  const driver: WebhookDriver = createWebhookDriver(state);

  const stateFile = opts.stateFile ? new StateFile(opts.stateFile) : undefined;
  if (stateFile) {
    const saved = stateFile.read();
    if (saved) restore(state, saved);
    state.onChange(() => stateFile.schedule(() => snapshot(state)));
  }
  // The simulator page refetches its chat list after changes; one notice per burst is enough.
  let chatsNotice: NodeJS.Timeout | undefined;
  state.onChange(() => {
    if (!state.events.hasClients || chatsNotice) return;
    chatsNotice = setTimeout(() => {
      chatsNotice = undefined;
      state.events.publish('chats', {});
    }, 100);
    chatsNotice.unref();
  });

  const addUser = (u: UserSeed): void => {
    if (!u.userId || !u.displayName) throw new Error('users.add: userId and displayName are required');
    state.directory.addUser(u);
    state.touched();
  };
  const addGroup = (g: GroupSeed): void => {
    if (!g.groupId || !g.groupName || !Array.isArray(g.memberIds)) {
      throw new Error('groups.add: groupId, groupName and memberIds are required');
    }
    state.directory.addGroup(g);
    state.touched();
  };
  const reset = (): void => state.reset();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Anything but a read may change what is kept (a push, a rich menu link, a new chat).
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') res.on('finish', () => state.touched());
    next();
  });
  mountMessagingRoutes(app, state);
  mountProfileRoutes(app, state);
  mountRichMenuRoutes(app, state);
  app.use('/_emulator', controlRouter({ state, driver, reset, addUser, addGroup }));
  app.get('/', (_req, res) => {
    res.type('html').set('cache-control', 'no-store').send(SIMULATOR_HTML);
  });
  app.get('/simulator/:file', (req, res, next) => {
    simulatorAssets().then((assets) => {
      const asset = assets.get(req.params.file ?? '');
      if (!asset) return res.status(404).json({ message: 'Not found' });
      // app.js and app.css keep their names (the page is always fresh); fonts carry a hash and never change.
      const hashed = /-[A-Z0-9]{8}\./.test(req.params.file ?? '');
      res.type(asset.contentType).set('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      return res.send(asset.data);
    }, next);
  });
  const recordUnknown = unknownEndpoint(state);
  app.use((req: Request, res: Response, next: NextFunction) => {
    // Unknown LINE paths are recorded (a mistyped endpoint should show in the log); stray browser
    // requests such as /favicon.ico are not.
    if (req.path.startsWith('/v2/') || req.path.startsWith('/v1/')) return recordUnknown(req, res, next);
    res.setHeader('x-line-request-id', newRequestId());
    return res.status(404).json({ message: 'Not found' });
  });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    console.error('[line-emulator] unhandled error', error);
    return res.status(500).json({ message: 'emulator error: ' + String(error) });
  });

  const listen = async (port = 0, host = '127.0.0.1'): Promise<ListeningEmulator> => {
    const server = http.createServer(app);
    // Longer than undici's and most clients' idle timeouts, so benchmark connections are reused, not raced.
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return {
      url: `http://${shownHost}:${address.port}`,
      close: () =>
        new Promise<void>((resolve) => {
          state.events.closeAll();
          state.cancelTimers();
          stateFile?.flush();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  };

  return {
    app,
    listen,
    get botUserId() {
      return state.botUserId;
    },
    setWebhookUrl: (url) => {
      state.webhookUrl = url;
    },
    setMap: (map) => {
      state.map = map;
    },
    users: { add: addUser },
    groups: { add: addGroup },
    content: { put: (messageId, data, contentType) => state.putContent(messageId, data, contentType) },
    faults: { inject: (f) => state.faults.inject(f), clear: () => state.faults.clear() },
    calls: (filter) => state.calls.list(filter),
    delivered: (chatId) => state.directory.delivered(chatId),
    waitFor: (predicate, timeoutMs = 5000) => state.calls.waitFor(predicate, timeoutMs),
    quota: {
      consumption: () => state.consumption,
      setLimit: (n) => {
        state.quotaLimit = n;
      },
    },
    richMenus: {
      shownTo: (userId) => {
        const store = state.richMenus;
        const id = store.userLinks.get(userId) ?? store.defaultMenuId;
        const found = id ? store.menus.get(id) : undefined;
        return found
          ? { richMenuId: found.richMenuId, menu: found.menu, hasImage: found.image !== undefined }
          : undefined;
      },
      defaultId: () => state.richMenus.defaultMenuId,
      aliases: () => Object.fromEntries(state.richMenus.aliases),
      ids: () => [...state.richMenus.menus.keys()],
    },
    reset,
    driver,
  };
}
