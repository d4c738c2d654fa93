// The emulator's own control API (/_emulator) beyond the simulator's everyday use: what a bench or
// the page may set (webhook, quota, faults, reply tokens), every kind of event it can drive, and the
// answers to requests it cannot honour.
import request from 'supertest';
import { ALICE, BOB, GROUP, MENU, startEmulator, startReceiver, text } from './emulator-fixture';
import type { EmulatorFixture, Receiver } from './emulator-fixture';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('LINE emulator control API', () => {
  let fx: EmulatorFixture;
  let receiver: Receiver;
  const control = () => request(fx.emulator.app);
  const drive = (body: object) => control().post('/_emulator/drive').send(body);

  beforeEach(async () => {
    receiver = await startReceiver();
    fx = await startEmulator({ webhookUrl: receiver.url });
  });
  afterEach(async () => {
    await fx.close();
    await receiver.close();
  });

  it('when the page sets the webhook and a quota, then /info reports them and an invalid quota is refused', async () => {
    await control().put('/_emulator/webhook').send({ url: receiver.url }).expect(200, { webhookUrl: receiver.url });
    await control().put('/_emulator/webhook').send({}).expect(400, { message: 'url is required' });
    await control().put('/_emulator/quota').send({ limit: 100 }).expect(200, { limit: 100, consumption: 0 });
    await control()
      .put('/_emulator/quota')
      .send({ limit: -1 })
      .expect(400, { message: 'limit must be a number or null' });
    await control().put('/_emulator/quota').send({ limit: 'many' }).expect(400);
    await fx.client.pushMessage({ to: ALICE, messages: [text('1')] });
    const info = await control().get('/_emulator/info').expect(200);
    expect(info.body).toEqual({
      botUserId: fx.emulator.botUserId,
      webhookUrl: receiver.url,
      quota: { limit: 100, consumption: 1 },
    });
    await control().put('/_emulator/quota').send({ limit: null }).expect(200, { limit: null, consumption: 1 });
    expect(await fx.client.getMessageQuota()).toMatchObject({ type: 'none' });
  });

  it('when calls are listed with endpoint and limit, then only those come back', async () => {
    await fx.client.pushMessage({ to: ALICE, messages: [text('1')] });
    await fx.client.pushMessage({ to: BOB, messages: [text('2')] });
    await fx.client.getMessageQuota();
    const pushes = await control().get('/_emulator/calls?endpoint=push').expect(200);
    expect(pushes.body.map((c: { to: string }) => c.to)).toEqual([ALICE, BOB]);
    const one = await control().get('/_emulator/calls?limit=1').expect(200);
    expect(one.body).toHaveLength(1);
    const all = await control().get('/_emulator/calls?endpoint=&to=').expect(200);
    expect(all.body).toHaveLength(3);
  });

  it('when a fault is malformed, then it is refused; when faults are cleared, then calls succeed again', async () => {
    const bad = await control().post('/_emulator/faults').send({ count: 1, status: 404 }).expect(400);
    expect(bad.body.message).toBe('fault status must be 400, 429, 500 or 503');
    await control().post('/_emulator/faults').send({ count: 5, status: 503 }).expect(200);
    await control().delete('/_emulator/faults').expect(200, {});
    await expect(fx.client.pushMessage({ to: ALICE, messages: [text('ok')] })).resolves.toBeDefined();
  });

  it('when a bench registers reply tokens, then replies on them are delivered, and a malformed list is refused', async () => {
    await control()
      .post('/_emulator/reply-tokens')
      .send({ tokens: [{ replyToken: 'a'.repeat(32), chatId: ALICE }] })
      .expect(200, { issued: 1 });
    await fx.client.replyMessage({ replyToken: 'a'.repeat(32), messages: [text('hi')] });
    expect(fx.emulator.delivered(ALICE).map((d) => d.message.text)).toEqual(['hi']);
    await control()
      .post('/_emulator/reply-tokens')
      .send({ tokens: 'x' })
      .expect(400, { message: 'tokens must be an array of {replyToken, chatId}' });
    await control()
      .post('/_emulator/reply-tokens')
      .send({ tokens: [{ replyToken: 'b'.repeat(32) }] })
      .expect(400, { message: 'each token needs replyToken and chatId strings' });
  });

  it('when a user is added with every optional field, then LINE answers with them; a group without members is refused', async () => {
    const seed = {
      userId: ALICE,
      displayName: 'Alice',
      language: 'en',
      pictureUrl: 'https://example.invalid/a.png',
      statusMessage: 'on patrol',
      friend: true,
    };
    await control().post('/_emulator/users').send(seed).expect(200, seed);
    expect(await fx.client.getProfile(ALICE)).toMatchObject({
      displayName: 'Alice',
      pictureUrl: 'https://example.invalid/a.png',
      statusMessage: 'on patrol',
    });
    await control().post('/_emulator/users').send({ userId: BOB }).expect(400, { message: 'displayName is required' });
    await control()
      .post('/_emulator/groups')
      .send({ groupId: GROUP, groupName: 'Patrol', memberIds: 'all' })
      .expect(400, { message: 'memberIds must be an array of user ids' });
  });

  it('when a chat got messages without being registered, then the chat list still shows it', async () => {
    const room = 'R' + '5'.repeat(32);
    const group = 'C' + '6'.repeat(32);
    await fx.client.pushMessage({ to: room, messages: [text('to a room')] });
    await fx.client.pushMessage({ to: group, messages: [text('to a group')] });
    const chats = await control().get('/_emulator/chats').expect(200);
    expect(chats.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ chatId: room, kind: 'room', name: room, delivered: 1 }),
        expect.objectContaining({ chatId: group, kind: 'group', name: group, delivered: 1 }),
      ]),
    );
  });

  it('when a person has no rich menu, then the page gets null and no image; with one, the menu and its image', async () => {
    await control().get(`/_emulator/rich-menu/${ALICE}`).expect(200, 'null');
    await control().get(`/_emulator/rich-menu/${ALICE}/image`).expect(404);
    const { richMenuId } = await fx.client.createRichMenu(MENU);
    await fx.blob.setRichMenuImage(richMenuId, new Blob([PNG], { type: 'image/png' }));
    await fx.client.linkRichMenuIdToUser(ALICE, richMenuId);
    const shown = await control().get(`/_emulator/rich-menu/${ALICE}`).expect(200);
    expect(shown.body).toMatchObject({ richMenuId, name: 'resident menu', chatBarText: 'Menu' });
    const image = await control().get(`/_emulator/rich-menu/${ALICE}/image`).expect(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['cache-control']).toBe('no-store');
  });

  it('when the page asks for a photo a person sent, then it comes back; an unknown one is 404', async () => {
    const sent = await drive({ kind: 'image', source: { userId: ALICE }, imageBase64: PNG.toString('base64') });
    const id = sent.body.events[0].message.id as string;
    const photo = await control().get(`/_emulator/content/${id}`).expect(200);
    expect(Buffer.compare(photo.body as Buffer, PNG)).toBe(0);
    await control().get('/_emulator/content/123').expect(404);
    const map = await control().get('/_emulator/map').expect(200);
    expect(map.body).toBeDefined();
  });

  it('when the page drives each kind of event, then the bot receives it with the right source', async () => {
    const group = { groupId: GROUP, userId: ALICE };
    const sends: Array<[object, string]> = [
      [
        {
          kind: 'location',
          source: { userId: ALICE },
          location: { latitude: 7, longitude: 100, title: 'T', address: 'A' },
        },
        'message',
      ],
      [{ kind: 'sticker', source: { userId: ALICE } }, 'message'],
      [
        { kind: 'postback', source: group, data: 'a=1', params: { date: '2026-11-25' }, displayText: 'Yes' },
        'postback',
      ],
      [{ kind: 'follow', source: { userId: BOB }, isUnblocked: true }, 'follow'],
      [{ kind: 'unfollow', source: { userId: BOB } }, 'unfollow'],
      [{ kind: 'join', source: { groupId: GROUP } }, 'join'],
      [{ kind: 'memberJoined', source: { groupId: GROUP }, userIds: [BOB] }, 'memberJoined'],
      [{ kind: 'leave', source: { groupId: GROUP } }, 'leave'],
      [{ kind: 'text', source: { groupId: GROUP }, text: 'no user id (LINE for PC)' }, 'message'],
    ];
    for (const [body] of sends) await drive(body).expect(200);
    await drive({ kind: 'verify' }).expect(200);
    expect(receiver.events.map((e) => e.type)).toEqual(sends.map(([, type]) => type));
    expect(receiver.events[0].message).toMatchObject({ latitude: 7, longitude: 100, title: 'T', address: 'A' });
    expect(receiver.events[2]).toMatchObject({
      source: { type: 'group', groupId: GROUP, userId: ALICE },
      postback: { data: 'a=1', params: { date: '2026-11-25' } },
    });
    expect(receiver.events[3].follow).toEqual({ isUnblocked: true });
    expect(receiver.events[8].source).toEqual({ type: 'group', groupId: GROUP });
  });

  it.each([
    [{ kind: 'text', source: {} }, 'source needs a userId or a groupId'],
    [{ kind: 'text', source: { userId: ALICE } }, 'text is required'],
    [
      { kind: 'location', source: { userId: ALICE }, location: { latitude: '7' } },
      'location.latitude and location.longitude must be numbers',
    ],
    [{ kind: 'follow', source: { groupId: GROUP } }, 'source must be a user'],
    [{ kind: 'leave', source: { userId: ALICE } }, 'source must be a group'],
    [{ kind: 'memberJoined', source: { groupId: GROUP }, userIds: [1] }, 'userIds must be strings'],
    [{ kind: 'postback', source: { userId: ALICE } }, 'data is required'],
  ])('when the drive request is %j, then the answer is 400: %s', async (body, message) => {
    await drive(body).expect(400, { message });
    expect(receiver.events).toHaveLength(0);
  });

  it('when the bot cannot be reached, then driving answers 502; an unknown control path is 404', async () => {
    await control().put('/_emulator/webhook').send({ url: 'http://127.0.0.1:9/webhook' }).expect(200);
    const res = await drive({ kind: 'text', source: { userId: ALICE }, text: 'hello' });
    expect(res.status).toBe(502);
    expect(res.body.message).toEqual(expect.any(String));
    await control().get('/_emulator/nothing-here').expect(404, { message: 'Not found' });
  });
});
