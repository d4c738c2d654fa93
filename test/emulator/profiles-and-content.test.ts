import type { Readable } from 'node:stream';
import { ALICE, BOB, CAROL, GROUP, MENU, httpError, startEmulator, startReceiver } from './emulator-fixture';
import type { EmulatorFixture } from './emulator-fixture';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('LINE emulator profiles, groups, content and rich menus (real SDK clients)', () => {
  let fx: EmulatorFixture;

  beforeEach(async () => {
    fx = await startEmulator();
    fx.emulator.users.add({ userId: ALICE, displayName: 'Alice', language: 'th', statusMessage: 'on patrol' });
    fx.emulator.groups.add({ groupId: GROUP, groupName: 'Station 4 officers', memberIds: [ALICE, BOB] });
  });
  afterEach(() => fx.close());

  it('when the profile of a known user is requested, then LINE returns it', async () => {
    expect(await fx.client.getProfile(ALICE)).toEqual({
      userId: ALICE,
      displayName: 'Alice',
      language: 'th',
      statusMessage: 'on patrol',
    });
  });

  it('when the profile of an unknown user is requested, then LINE answers 404 Not found', async () => {
    const error = await httpError(fx.client.getProfile(CAROL));
    expect(error.status).toBe(404);
    expect(JSON.parse(error.body)).toEqual({ message: 'Not found' });
  });

  it('when a user blocked the OA, then getProfile answers 404 while the group member profile still works', async () => {
    const receiver = await startReceiver();
    fx.emulator.setWebhookUrl(receiver.url);
    await fx.emulator.driver.unfollow(ALICE);

    expect((await httpError(fx.client.getProfile(ALICE))).status).toBe(404);
    expect(await fx.client.getGroupMemberProfile(GROUP, ALICE)).toEqual({ userId: ALICE, displayName: 'Alice' });
    await receiver.close();
  });

  it('when a group member profile is requested, then members get a profile and non-members 404', async () => {
    expect((await fx.client.getGroupMemberProfile(GROUP, BOB)).userId).toBe(BOB);
    expect((await httpError(fx.client.getGroupMemberProfile(GROUP, CAROL))).status).toBe(404);
  });

  it('when group information is requested, then summary, count and member ids match the seeded group', async () => {
    expect(await fx.client.getGroupSummary(GROUP)).toEqual({ groupId: GROUP, groupName: 'Station 4 officers' });
    expect(await fx.client.getGroupMemberCount(GROUP)).toEqual({ count: 2 });
    expect(await fx.client.getGroupMembersIds(GROUP)).toEqual({ memberIds: [ALICE, BOB] });
  });

  it('when the bot leaves a group, then the group endpoints answer 404 and a push to it fails', async () => {
    await fx.client.leaveGroup(GROUP);

    expect((await httpError(fx.client.getGroupSummary(GROUP))).status).toBe(404);
    expect(
      (await httpError(fx.client.pushMessage({ to: GROUP, messages: [{ type: 'text', text: 'x' }] }))).status,
    ).toBe(400);
  });

  it('when message content was stored, then the blob client streams the same bytes with their content type', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    fx.emulator.content.put('4242', bytes, 'image/jpeg');

    const { httpResponse, body } = await fx.blob.getMessageContentWithHttpInfo('4242');

    expect(httpResponse.headers.get('content-type')).toBe('image/jpeg');
    expect(await readAll(body)).toEqual(bytes);
  });

  it('when the driver sends an image, then its content is downloadable under the event message id', async () => {
    const receiver = await startReceiver();
    fx.emulator.setWebhookUrl(receiver.url);

    const { events } = await fx.emulator.driver.image({ userId: ALICE });

    const data = await readAll(await fx.blob.getMessageContent(events[0].message.id));
    expect(data.subarray(1, 4).toString('ascii')).toBe('PNG');
    await receiver.close();
  });

  it('when unknown content is requested, then LINE answers 404', async () => {
    expect((await httpError(fx.blob.getMessageContent('999'))).status).toBe(404);
  });

  describe('rich menus', () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(100)]);

    it('when a rich menu is created, given an image and set as default, then it is listed and linkable', async () => {
      const { richMenuId } = await fx.client.createRichMenu(MENU);
      await fx.blob.setRichMenuImage(richMenuId, new Blob([png], { type: 'image/png' }));
      await fx.client.setDefaultRichMenu(richMenuId);
      await fx.client.linkRichMenuIdToUser(ALICE, richMenuId);
      await fx.client.createRichMenuAlias({ richMenuAliasId: 'resident', richMenuId });

      expect((await fx.client.getRichMenuList()).richmenus.map((m) => m.richMenuId)).toEqual([richMenuId]);
      expect(await fx.client.getDefaultRichMenuId()).toEqual({ richMenuId });
      expect(await fx.client.getRichMenuIdOfUser(ALICE)).toEqual({ richMenuId });
      expect(await fx.client.getRichMenuAliasList()).toEqual({
        aliases: [{ richMenuAliasId: 'resident', richMenuId }],
      });

      await fx.client.unlinkRichMenuIdFromUser(ALICE);
      expect((await httpError(fx.client.getRichMenuIdOfUser(ALICE))).status).toBe(404);
      await fx.client.deleteRichMenuAlias('resident');
      await fx.client.deleteRichMenu(richMenuId);
      expect((await fx.client.getRichMenuList()).richmenus).toEqual([]);
    });

    it('when a menu has no image yet, then linking it to a user answers 400', async () => {
      const { richMenuId } = await fx.client.createRichMenu(MENU);
      expect((await httpError(fx.client.linkRichMenuIdToUser(ALICE, richMenuId))).status).toBe(400);
    });

    it('when a rich menu breaks the size, chat bar or area limits, then LINE answers 400 naming each property', async () => {
      const bad = {
        ...MENU,
        size: { width: 700, height: 200 },
        chatBarText: 'x'.repeat(15),
        areas: Array.from({ length: 21 }, () => MENU.areas![0]!),
      };
      const error = await httpError(fx.client.createRichMenu(bad));
      const properties = (JSON.parse(error.body).details as Array<{ property: string }>).map((d) => d.property);
      expect(properties).toEqual(expect.arrayContaining(['size.width', 'size.height', 'chatBarText', 'areas']));
    });

    it('when the image is larger than 1 MB or not PNG/JPEG, then the upload is refused', async () => {
      const { richMenuId } = await fx.client.createRichMenu(MENU);
      const big = new Blob([Buffer.alloc(1024 * 1024 + 1)], { type: 'image/png' });
      expect((await httpError(fx.blob.setRichMenuImage(richMenuId, big))).status).toBe(400);
      expect(
        (await httpError(fx.blob.setRichMenuImage(richMenuId, new Blob([png], { type: 'image/gif' })))).status,
      ).toBe(415);
    });

    it('when menus are linked in bulk, then each user gets the menu', async () => {
      const { richMenuId } = await fx.client.createRichMenu(MENU);
      await fx.blob.setRichMenuImage(richMenuId, new Blob([png], { type: 'image/jpeg' }));

      await fx.client.linkRichMenuIdToUsers({ richMenuId, userIds: [ALICE, BOB] });

      expect(await fx.client.getRichMenuIdOfUser(BOB)).toEqual({ richMenuId });
    });

    it("when a batch moves one menu's users to another, then they all have the new one and the progress says succeeded", async () => {
      const { richMenuId: old } = await fx.client.createRichMenu(MENU);
      const { richMenuId: next } = await fx.client.createRichMenu(MENU);
      for (const id of [old, next]) await fx.blob.setRichMenuImage(id, new Blob([png], { type: 'image/png' }));
      await fx.client.linkRichMenuIdToUsers({ richMenuId: old, userIds: [ALICE, BOB] });

      const res = await fx.client.richMenuBatchWithHttpInfo({ operations: [{ type: 'link', from: old, to: next }] });
      expect(res.httpResponse.status).toBe(202);
      expect(await fx.client.getRichMenuIdOfUser(ALICE)).toEqual({ richMenuId: next });
      expect(await fx.client.getRichMenuIdOfUser(BOB)).toEqual({ richMenuId: next });
      const progress = await fx.client.getRichMenuBatchProgress(res.httpResponse.headers.get('x-line-request-id')!);
      expect(progress.phase).toBe('succeeded');

      const bad = await httpError(
        fx.client.richMenuBatch({ operations: [{ type: 'link', from: 'richmenu-none', to: next }] }),
      );
      expect(bad.status).toBe(400);
      await fx.client.richMenuBatch({ operations: [{ type: 'unlinkAll' }] });
      expect((await httpError(fx.client.getRichMenuIdOfUser(ALICE))).status).toBe(404);
    });
  });
});
