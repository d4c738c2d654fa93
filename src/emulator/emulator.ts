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
import { SIMULATOR_HTML } from './simulator-page';
import type { Emulator, EmulatorOptions, GroupSeed, ListeningEmulator, UserSeed } from './types';
import { createWebhookDriver } from './webhook-driver';

/**
 * A stand-in for the LINE Messaging API. Point the SDK clients' `baseURL` at `listen()`'s url (the
 * emulator serves at the root because the SDK drops any path prefix) and drive webhooks with `driver`.
 */
export function createEmulator(opts: EmulatorOptions): Emulator {
  if (!opts.channelSecret) throw new Error('createEmulator: channelSecret is required');
  const state = new PlatformState(opts);
  const driver = createWebhookDriver(state);

  const addUser = (u: UserSeed): void => {
    if (!u.userId || !u.displayName) throw new Error('users.add: userId and displayName are required');
    state.directory.addUser(u);
  };
  const addGroup = (g: GroupSeed): void => {
    if (!g.groupId || !g.groupName || !Array.isArray(g.memberIds)) {
      throw new Error('groups.add: groupId, groupName and memberIds are required');
    }
    state.directory.addGroup(g);
  };
  const reset = (): void => state.reset();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  mountMessagingRoutes(app, state);
  mountProfileRoutes(app, state);
  mountRichMenuRoutes(app, state);
  app.use('/_emulator', controlRouter({ state, driver, reset, addUser, addGroup }));
  app.get('/', (_req, res) => {
    res.type('html').send(SIMULATOR_HTML);
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
