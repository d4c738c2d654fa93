import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { apiEndpoint, invalidBody, notFound, param } from './api-endpoint';
import type { ApiCall, ApiResult, EndpointSpec } from './api-endpoint';
import { isObject, validateActionObject } from './message-validation';
import type { ErrorDetail } from './message-validation';
import type { PlatformState } from './platform-state';
import type { StoredRichMenu } from './rich-menu-store';

type Json = Record<string, unknown>;

const MAX_IMAGE_BYTES = 1024 * 1024;
const MAX_BULK_USERS = 500;
const MAX_BATCH_OPERATIONS = 1000;
const ALIAS_ID = /^[A-Za-z0-9_-]{1,32}$/;
// LINE refuses to show a menu that has no image yet.
const NO_IMAGE = { message: 'must upload richmenu image before applying it to user' };

/** Rich menus: https://developers.line.biz/en/reference/messaging-api/#rich-menu */
export function mountRichMenuRoutes(app: Express, state: PlatformState): void {
  const store = state.richMenus;
  const route = (name: string, handler: EndpointSpec['handler'], body?: EndpointSpec['body']) =>
    apiEndpoint(state, { name, handler, ...(body ? { body } : {}) });
  const menuOf = (call: ApiCall, key = 'richMenuId') => store.menus.get(param(call, key));

  // Fixed paths first: Express matches in registration order and `:richMenuId` would swallow them.
  app.post(
    '/v2/bot/richmenu',
    route(
      'richMenuCreate',
      (call) => {
        const details = validateRichMenu(call.body);
        if (details.length > 0) return invalidBody(details);
        const richMenuId = 'richmenu-' + randomBytes(16).toString('hex');
        store.menus.set(richMenuId, { richMenuId, menu: call.body as Json });
        return { status: 200, body: { richMenuId } };
      },
      'json',
    ),
  );
  app.post(
    '/v2/bot/richmenu/validate',
    route(
      'richMenuValidate',
      (call) => {
        const details = validateRichMenu(call.body);
        return details.length > 0 ? invalidBody(details) : { status: 200, body: {} };
      },
      'json',
    ),
  );
  app.get(
    '/v2/bot/richmenu/list',
    route('richMenuList', () => ({ status: 200, body: { richmenus: [...store.menus.values()].map(describe) } })),
  );
  app.post(
    '/v2/bot/richmenu/bulk/link',
    route(
      'richMenuBulkLink',
      (call) => {
        const body = isObject(call.body) ? call.body : {};
        const userIds = userIdList(body.userIds);
        if (typeof userIds === 'string') return invalidBody([{ message: userIds, property: 'userIds' }]);
        const menu = store.menus.get(String(body.richMenuId ?? ''));
        if (!menu) return notFound();
        if (!menu.image) return { status: 400, body: NO_IMAGE };
        for (const userId of userIds) store.userLinks.set(userId, menu.richMenuId);
        return { status: 202, body: {} };
      },
      'json',
    ),
  );
  // Batch control: move, drop or clear the per-user links of menus, for every user at once
  // (https://developers.line.biz/en/reference/messaging-api/#batch-control-rich-menus-of-users).
  app.post(
    '/v2/bot/richmenu/batch',
    route(
      'richMenuBatch',
      (call) => {
        const body = isObject(call.body) ? call.body : {};
        const operations = Array.isArray(body.operations) ? (body.operations as unknown[]) : undefined;
        if (!operations || operations.length < 1 || operations.length > MAX_BATCH_OPERATIONS) {
          return invalidBody([
            { message: `must contain 1 to ${MAX_BATCH_OPERATIONS} operations`, property: 'operations' },
          ]);
        }
        const details: ErrorDetail[] = [];
        operations.forEach((op, i) => {
          const o = isObject(op) ? op : {};
          const from = typeof o.from === 'string' ? o.from : '';
          if (o.type === 'unlinkAll') return;
          if (o.type !== 'link' && o.type !== 'unlink')
            details.push({ message: 'must be link, unlink or unlinkAll', property: `operations[${i}].type` });
          else if (!store.menus.has(from))
            details.push({ message: 'rich menu not found', property: `operations[${i}].from` });
          else if (o.type === 'link' && !store.menus.get(String(o.to ?? ''))?.image) {
            details.push({ message: 'rich menu not found or without an image', property: `operations[${i}].to` });
          }
        });
        if (details.length > 0) return invalidBody(details);
        for (const op of operations as Json[]) {
          if (op.type === 'unlinkAll') store.userLinks.clear();
          for (const [userId, id] of [...store.userLinks]) {
            if (id !== op.from) continue;
            if (op.type === 'link') store.userLinks.set(userId, String(op.to));
            else if (op.type === 'unlink') store.userLinks.delete(userId);
          }
        }
        const at = new Date(call.now).toISOString();
        store.batches.set(call.requestId, { acceptedTime: at, completedTime: at });
        return { status: 202, body: {} };
      },
      'json',
    ),
  );
  app.get(
    '/v2/bot/richmenu/progress/batch',
    route('richMenuBatchProgress', (call) => {
      const batch = store.batches.get(String(call.req.query.requestId ?? ''));
      return batch ? { status: 200, body: { phase: 'succeeded', ...batch } } : notFound();
    }),
  );
  app.post(
    '/v2/bot/richmenu/bulk/unlink',
    route(
      'richMenuBulkUnlink',
      (call) => {
        const body = isObject(call.body) ? call.body : {};
        const userIds = userIdList(body.userIds);
        if (typeof userIds === 'string') return invalidBody([{ message: userIds, property: 'userIds' }]);
        for (const userId of userIds) store.userLinks.delete(userId);
        return { status: 202, body: {} };
      },
      'json',
    ),
  );

  app.post(
    '/v2/bot/richmenu/alias',
    route(
      'richMenuAliasCreate',
      (call) => {
        const body = isObject(call.body) ? call.body : {};
        const aliasId = body.richMenuAliasId;
        if (typeof aliasId !== 'string' || !ALIAS_ID.test(aliasId)) {
          return invalidBody([{ message: 'must be 1 to 32 of [A-Za-z0-9_-]', property: 'richMenuAliasId' }]);
        }
        if (store.aliases.has(aliasId)) return { status: 400, body: { message: 'conflict richmenu alias id' } };
        const menu = store.menus.get(String(body.richMenuId ?? ''));
        if (!menu) return { status: 400, body: { message: 'richmenu not found' } };
        store.aliases.set(aliasId, menu.richMenuId);
        return { status: 200, body: {} };
      },
      'json',
    ),
  );
  app.get(
    '/v2/bot/richmenu/alias/list',
    route('richMenuAliasList', () => ({
      status: 200,
      body: { aliases: [...store.aliases].map(([richMenuAliasId, richMenuId]) => ({ richMenuAliasId, richMenuId })) },
    })),
  );
  app.get(
    '/v2/bot/richmenu/alias/:richMenuAliasId',
    route('richMenuAliasGet', (call) => {
      const aliasId = param(call, 'richMenuAliasId');
      const richMenuId = store.aliases.get(aliasId);
      return richMenuId ? { status: 200, body: { richMenuAliasId: aliasId, richMenuId } } : notFound();
    }),
  );
  app.post(
    '/v2/bot/richmenu/alias/:richMenuAliasId',
    route(
      'richMenuAliasUpdate',
      (call) => {
        const aliasId = param(call, 'richMenuAliasId');
        if (!store.aliases.has(aliasId)) return notFound();
        const menu = store.menus.get(String((isObject(call.body) ? call.body : {}).richMenuId ?? ''));
        if (!menu) return { status: 400, body: { message: 'richmenu not found' } };
        store.aliases.set(aliasId, menu.richMenuId);
        return { status: 200, body: {} };
      },
      'json',
    ),
  );
  app.delete(
    '/v2/bot/richmenu/alias/:richMenuAliasId',
    route('richMenuAliasDelete', (call) =>
      store.aliases.delete(param(call, 'richMenuAliasId')) ? { status: 200, body: {} } : notFound(),
    ),
  );

  app.get(
    '/v2/bot/richmenu/:richMenuId',
    route('richMenuGet', (call) => {
      const menu = menuOf(call);
      return menu ? { status: 200, body: describe(menu) } : notFound();
    }),
  );
  app.delete(
    '/v2/bot/richmenu/:richMenuId',
    route('richMenuDelete', (call) =>
      store.delete(param(call, 'richMenuId')) ? { status: 200, body: {} } : notFound(),
    ),
  );
  app.post(
    '/v2/bot/richmenu/:richMenuId/content',
    route('richMenuImageUpload', (call) => uploadImage(menuOf(call), call), 'binary'),
  );
  app.get(
    '/v2/bot/richmenu/:richMenuId/content',
    route('richMenuImageDownload', (call) => {
      const image = menuOf(call)?.image;
      return image ? { status: 200, binary: image } : notFound();
    }),
  );

  app.post(
    '/v2/bot/user/all/richmenu/:richMenuId',
    route('defaultRichMenuSet', (call) => {
      const menu = menuOf(call);
      if (!menu) return notFound();
      if (!menu.image) return { status: 400, body: NO_IMAGE };
      store.defaultMenuId = menu.richMenuId;
      return { status: 200, body: {} };
    }),
  );
  app.get(
    '/v2/bot/user/all/richmenu',
    route('defaultRichMenuGet', () =>
      store.defaultMenuId ? { status: 200, body: { richMenuId: store.defaultMenuId } } : notFound(),
    ),
  );
  app.delete(
    '/v2/bot/user/all/richmenu',
    route('defaultRichMenuCancel', () => {
      store.defaultMenuId = undefined;
      return { status: 200, body: {} };
    }),
  );
  app.post(
    '/v2/bot/user/:userId/richmenu/:richMenuId',
    route('userRichMenuLink', (call) => {
      const menu = menuOf(call);
      if (!menu) return notFound();
      if (!menu.image) return { status: 400, body: NO_IMAGE };
      store.userLinks.set(param(call, 'userId'), menu.richMenuId);
      return { status: 200, body: {} };
    }),
  );
  // Only a per-user link counts here; LINE answers 404 when the user just sees the default menu.
  app.get(
    '/v2/bot/user/:userId/richmenu',
    route('userRichMenuGet', (call) => {
      const richMenuId = store.userLinks.get(param(call, 'userId'));
      return richMenuId ? { status: 200, body: { richMenuId } } : notFound();
    }),
  );
  app.delete(
    '/v2/bot/user/:userId/richmenu',
    route('userRichMenuUnlink', (call) => {
      store.userLinks.delete(param(call, 'userId'));
      return { status: 200, body: {} };
    }),
  );
}

function describe(menu: StoredRichMenu): Json {
  return { richMenuId: menu.richMenuId, ...menu.menu };
}

/** LINE: JPEG or PNG, at most 1 MB, and a menu's image can't be replaced (make a new menu instead). */
function uploadImage(menu: StoredRichMenu | undefined, call: ApiCall): ApiResult {
  if (!menu) return notFound();
  const contentType = (call.req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== 'image/png' && contentType !== 'image/jpeg') {
    return { status: 415, body: { message: 'Unsupported Media Type: use image/png or image/jpeg' } };
  }
  const data = Buffer.isBuffer(call.body) ? call.body : Buffer.alloc(0);
  if (data.length === 0) return { status: 400, body: { message: 'The image is empty' } };
  if (data.length > MAX_IMAGE_BYTES) return { status: 400, body: { message: 'The image must be 1 MB or smaller' } };
  if (menu.image) return { status: 400, body: { message: 'An image has already been uploaded to the richmenu' } };
  menu.image = { data, contentType };
  return { status: 200, body: {} };
}

function userIdList(value: unknown): string[] | string {
  if (!Array.isArray(value)) return 'must be specified';
  if (value.length < 1 || value.length > MAX_BULK_USERS) return `Size must be between 1 and ${MAX_BULK_USERS}`;
  return value.map(String);
}

/** Rich menu object rules: https://developers.line.biz/en/reference/messaging-api/#rich-menu-object */
function validateRichMenu(body: unknown): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  if (!isObject(body)) return [{ message: 'must be specified', property: 'richMenu' }];
  const size = body.size;
  if (!isObject(size) || typeof size.width !== 'number' || typeof size.height !== 'number') {
    out.push({ message: 'must be specified', property: 'size' });
  } else {
    if (size.width < 800 || size.width > 2500)
      out.push({ message: 'must be between 800 and 2500', property: 'size.width' });
    if (size.height < 250) out.push({ message: 'must be 250 or more', property: 'size.height' });
    if (size.height > 0 && size.width / size.height < 1.45) {
      out.push({ message: 'width / height must be 1.45 or more', property: 'size' });
    }
  }
  if (typeof body.selected !== 'boolean') out.push({ message: 'must be specified', property: 'selected' });
  lengthBetween(body.name, 1, 300, 'name', out);
  lengthBetween(body.chatBarText, 1, 14, 'chatBarText', out);
  if (!Array.isArray(body.areas)) {
    out.push({ message: 'must be specified', property: 'areas' });
  } else if (body.areas.length > 20) {
    out.push({ message: 'Size must be between 0 and 20', property: 'areas' });
  } else {
    body.areas.forEach((area: unknown, i: number) => {
      const at = `areas[${i}]`;
      const bounds = isObject(area) ? area.bounds : undefined;
      if (!isObject(bounds) || !['x', 'y', 'width', 'height'].every((k) => typeof bounds[k] === 'number')) {
        out.push({ message: 'must be specified', property: `${at}.bounds` });
      }
      validateActionObject(isObject(area) ? area.action : undefined, `${at}.action`, out);
    });
  }
  return out;
}

function lengthBetween(value: unknown, min: number, max: number, property: string, out: ErrorDetail[]): void {
  if (typeof value !== 'string') out.push({ message: 'must be specified', property });
  else if (value.length < min || value.length > max)
    out.push({ message: `Length must be between ${min} and ${max}`, property });
}
