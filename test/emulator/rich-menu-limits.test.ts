// The emulator's rich-menu API where a bot gets it wrong: what LINE refuses (bulk and batch
// requests, aliases, images, a menu without an image) and what it answers for things that are not
// there. A rule missing here would let the hub's own rich-menu code pass tests LINE would fail.
import request from 'supertest';
import { ALICE, BOB, MENU, startEmulator } from './emulator-fixture';
import type { EmulatorFixture } from './emulator-fixture';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('LINE emulator: rich menus a bot gets wrong', () => {
  let fx: EmulatorFixture;
  const api = (method: 'get' | 'post' | 'delete', path: string) =>
    request(fx.emulator.app)[method](path).set('authorization', 'Bearer test-token');
  const menu = async (withImage: boolean) => {
    const { richMenuId } = await fx.client.createRichMenu(MENU);
    if (withImage) await fx.blob.setRichMenuImage(richMenuId, new Blob([PNG], { type: 'image/png' }));
    return richMenuId;
  };

  beforeEach(async () => {
    fx = await startEmulator();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('when a menu is validated, then a good one passes and a bad one gets every problem named', async () => {
    await api('post', '/v2/bot/richmenu/validate').send(MENU).expect(200);
    const bad = await api('post', '/v2/bot/richmenu/validate').send({
      size: { width: 700, height: 200 },
      name: '',
      chatBarText: 'a chat bar text that is too long',
      areas: [{ bounds: { x: 0 }, action: { type: 'postback', data: 'x' } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { property: string }) => d.property).sort()).toEqual(
      ['areas[0].bounds', 'chatBarText', 'name', 'selected', 'size.height', 'size.width'].sort(),
    );
    const noSize = await api('post', '/v2/bot/richmenu/validate').send({ ...MENU, size: 'big' });
    expect(noSize.body.details).toEqual([{ message: 'must be specified', property: 'size' }]);
    const narrow = await api('post', '/v2/bot/richmenu/validate').send({ ...MENU, size: { width: 800, height: 843 } });
    expect(narrow.body.details).toEqual([{ message: 'width / height must be 1.45 or more', property: 'size' }]);
    const many = await api('post', '/v2/bot/richmenu/validate').send({
      ...MENU,
      areas: Array(21).fill(MENU.areas![0]),
    });
    expect(many.body.details).toEqual([{ message: 'Size must be between 0 and 20', property: 'areas' }]);
    const noAreas = await api('post', '/v2/bot/richmenu/validate').send({ ...MENU, areas: undefined });
    expect(noAreas.body.details).toEqual([{ message: 'must be specified', property: 'areas' }]);
    const notObject = await api('post', '/v2/bot/richmenu/validate').send([1]);
    expect(notObject.status).toBe(400);
  });

  it('when users are linked or unlinked in bulk wrongly, then LINE answers 400, or 404 for an unknown menu', async () => {
    const bare = await menu(false);
    await api('post', '/v2/bot/richmenu/bulk/link').send({ richMenuId: bare, userIds: 'everyone' }).expect(400);
    await api('post', '/v2/bot/richmenu/bulk/link').send({ richMenuId: bare, userIds: [] }).expect(400);
    await api('post', '/v2/bot/richmenu/bulk/link')
      .send({ richMenuId: 'richmenu-nope', userIds: [ALICE] })
      .expect(404);
    const noImage = await api('post', '/v2/bot/richmenu/bulk/link').send({ richMenuId: bare, userIds: [ALICE] });
    expect(noImage.status).toBe(400);
    expect(noImage.body.message).toBe('must upload richmenu image before applying it to user');
    await api('post', '/v2/bot/richmenu/bulk/unlink')
      .send({ userIds: Array(501).fill(ALICE) })
      .expect(400);

    const shown = await menu(true);
    await fx.client.linkRichMenuIdToUsers({ richMenuId: shown, userIds: [ALICE, BOB] });
    await api('post', '/v2/bot/richmenu/bulk/unlink')
      .send({ userIds: [ALICE] })
      .expect(202);
    expect(await fx.client.getRichMenuIdOfUser(BOB)).toEqual({ richMenuId: shown });
    await api('get', `/v2/bot/user/${ALICE}/richmenu`).expect(404);
  });

  it('when a batch is malformed, then each bad operation is named; unlink and unlinkAll drop the links', async () => {
    const a = await menu(true);
    const bare = await menu(false);
    await api('post', '/v2/bot/richmenu/batch').send({ operations: [] }).expect(400);
    const bad = await api('post', '/v2/bot/richmenu/batch').send({
      operations: [
        { type: 'move', from: a },
        { type: 'unlink', from: 'richmenu-nope' },
        { type: 'link', from: a, to: bare },
      ],
    });
    expect(bad.body.details).toEqual([
      { message: 'must be link, unlink or unlinkAll', property: 'operations[0].type' },
      { message: 'rich menu not found', property: 'operations[1].from' },
      { message: 'rich menu not found or without an image', property: 'operations[2].to' },
    ]);
    await fx.client.linkRichMenuIdToUsers({ richMenuId: a, userIds: [ALICE, BOB] });
    await api('post', '/v2/bot/richmenu/batch')
      .send({ operations: [{ type: 'unlink', from: a }] })
      .expect(202);
    await api('get', `/v2/bot/user/${ALICE}/richmenu`).expect(404);
    await fx.client.linkRichMenuIdToUsers({ richMenuId: a, userIds: [ALICE] });
    await api('post', '/v2/bot/richmenu/batch')
      .send({ operations: [{ type: 'unlinkAll' }] })
      .expect(202);
    await api('get', `/v2/bot/user/${ALICE}/richmenu`).expect(404);
    await api('get', '/v2/bot/richmenu/progress/batch?requestId=nope').expect(404);
  });

  it('when aliases are misused, then LINE refuses a bad id, a taken id, a missing menu, and answers 404 for unknown aliases', async () => {
    const a = await menu(true);
    await api('post', '/v2/bot/richmenu/alias').send({ richMenuAliasId: 'bad id!', richMenuId: a }).expect(400);
    await api('post', '/v2/bot/richmenu/alias').send({ richMenuAliasId: 'resident', richMenuId: a }).expect(200);
    const taken = await api('post', '/v2/bot/richmenu/alias').send({ richMenuAliasId: 'resident', richMenuId: a });
    expect(taken.body).toEqual({ message: 'conflict richmenu alias id' });
    const missing = await api('post', '/v2/bot/richmenu/alias').send({
      richMenuAliasId: 'other',
      richMenuId: 'richmenu-nope',
    });
    expect(missing.body).toEqual({ message: 'richmenu not found' });
    await api('get', '/v2/bot/richmenu/alias/nope').expect(404);
    await api('post', '/v2/bot/richmenu/alias/nope').send({ richMenuId: a }).expect(404);
    const toMissing = await api('post', '/v2/bot/richmenu/alias/resident').send({ richMenuId: 'richmenu-nope' });
    expect(toMissing.body).toEqual({ message: 'richmenu not found' });
    await api('delete', '/v2/bot/richmenu/alias/nope').expect(404);
  });

  it('when menus, images and defaults are not there, then LINE answers 404; a default needs an image; an image goes on once', async () => {
    await api('get', '/v2/bot/richmenu/richmenu-nope').expect(404);
    await api('delete', '/v2/bot/richmenu/richmenu-nope').expect(404);
    await api('get', '/v2/bot/richmenu/richmenu-nope/content').expect(404);
    await api('get', '/v2/bot/user/all/richmenu').expect(404);
    await api('post', '/v2/bot/user/all/richmenu/richmenu-nope').expect(404);
    await api('post', `/v2/bot/user/${ALICE}/richmenu/richmenu-nope`).expect(404);
    const bare = await menu(false);
    await api('get', `/v2/bot/richmenu/${bare}/content`).expect(404);
    const noImage = await api('post', `/v2/bot/user/all/richmenu/${bare}`);
    expect(noImage.status).toBe(400);
    expect(noImage.body.message).toBe('must upload richmenu image before applying it to user');
    await fx.blob.setRichMenuImage(bare, new Blob([PNG], { type: 'image/png' }));
    const twice = await fx.blob.setRichMenuImage(bare, new Blob([PNG], { type: 'image/png' })).catch((e) => e);
    expect(twice.status).toBe(400);
    const empty = await fx.blob
      .setRichMenuImage(await menu(false), new Blob([], { type: 'image/png' }))
      .catch((e) => e);
    expect(empty.status).toBe(400);
    await api('post', `/v2/bot/user/all/richmenu/${bare}`).expect(200);
    await api('delete', '/v2/bot/user/all/richmenu').expect(200);
    await api('get', '/v2/bot/user/all/richmenu').expect(404);
  });
});
