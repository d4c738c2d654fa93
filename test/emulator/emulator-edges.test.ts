// The LINE emulator where the hub rarely goes: LINE's per-endpoint rate limits, a push LINE refuses
// by address, a group the bot left, a blocked user, narrowcast limits, broken JSON, and the checks
// createEmulator makes of what it is given.
import request from 'supertest';
import { createEmulator } from '../../src/emulator';
import { RateLimits } from '../../src/emulator/rate-limits';
import { ALICE, BOB, GROUP, startEmulator, startReceiver, text } from './emulator-fixture';
import type { EmulatorFixture } from './emulator-fixture';

describe('RateLimits', () => {
  it.each([
    ['push=2000, multicast=200', { push: 2000, multicast: 200 }],
    ['', {}],
    [' reply = 5 ,', { reply: 5 }],
  ])('when the limits are written %j, then they read as %j', (spec, limits) => {
    expect(RateLimits.parse(spec)).toEqual(limits);
  });

  it.each(['push', 'push=0', '=5', 'push=fast'])('when a limit is written %j, then it is refused', (spec) => {
    expect(() => RateLimits.parse(spec)).toThrow('is not endpoint=requestsPerSecond');
  });

  it('when a limit is set to zero or below, then it is refused; unset, the endpoint is free again', () => {
    const limits = new RateLimits({ push: 1 });
    expect(() => limits.set('push', 0)).toThrow('rate limit of push must be a positive number');
    expect(limits.take('push')).toBe(true);
    expect(limits.take('push')).toBe(false);
    limits.set('push', undefined);
    expect(limits.take('push')).toBe(true);
    expect(limits.take('reply')).toBe(true);
  });
});

describe('LINE emulator edges', () => {
  let fx: EmulatorFixture;
  const api = (method: 'get' | 'post', path: string) =>
    request(fx.emulator.app)[method](path).set('authorization', 'Bearer test-token');

  afterEach(async () => {
    await fx.close();
  });

  it('when the hub pushes faster than the endpoint allows, then LINE answers 429 and the call is recorded', async () => {
    fx = await startEmulator({ rateLimits: { push: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await api('post', '/v2/bot/message/push').send({ to: ALICE, messages: [text('x')] })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(fx.emulator.calls({ endpoint: 'push' }).map((c) => c.status)).toEqual([200, 200, 429]);
  });

  it('when a push is malformed or goes to an id LINE cannot read, then LINE answers 400 and delivers nothing', async () => {
    fx = await startEmulator();
    const noTo = await api('post', '/v2/bot/message/push').send({ messages: [text('x')] });
    expect(noTo.body.details).toContainEqual({ message: 'must be specified', property: 'to' });
    const badId = await api('post', '/v2/bot/message/push').send({ to: 'alice', messages: [text('x')] });
    expect(badId.status).toBe(400);
    expect(badId.body.message).toContain("'to'");
    const notJson = await api('post', '/v2/bot/message/push').set('content-type', 'application/json').send('{"to":');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ message: 'The request body could not be parsed as JSON' });
    const noToken = await api('post', '/v2/bot/message/reply').send({ messages: [text('x')] });
    expect(noToken.body.details).toContainEqual({ message: 'must be specified', property: 'replyToken' });
    expect(fx.emulator.delivered(ALICE)).toHaveLength(0);
  });

  it('when the bot has left a group, then a push to it is refused; a push to a user who blocked the OA is charged nothing and shown nowhere', async () => {
    fx = await startEmulator();
    fx.emulator.quota.setLimit(10);
    fx.emulator.users.add({ userId: ALICE, displayName: 'Alice' });
    fx.emulator.groups.add({ groupId: GROUP, groupName: 'Patrol', memberIds: [ALICE, BOB] });
    await api('post', `/v2/bot/group/${GROUP}/leave`).expect(200);
    const left = await api('post', '/v2/bot/message/push').send({ to: GROUP, messages: [text('x')] });
    expect(left.status).toBe(400);
    expect(left.body).toEqual({ message: 'Failed to send messages' });
    const receiver = await startReceiver();
    fx.emulator.setWebhookUrl(receiver.url);
    await fx.emulator.driver.unfollow(ALICE);
    await receiver.close();
    await api('post', '/v2/bot/message/push')
      .send({ to: ALICE, messages: [text('x')] })
      .expect(200);
    expect(fx.emulator.delivered(ALICE)).toHaveLength(0);
    expect(fx.emulator.quota.consumption()).toBe(0);
  });

  it('when a multicast or a narrowcast would pass the monthly limit, then LINE answers 429 and delivers nothing', async () => {
    fx = await startEmulator();
    for (const userId of [ALICE, BOB]) fx.emulator.users.add({ userId, displayName: userId.slice(0, 5) });
    fx.emulator.quota.setLimit(1);
    const multi = await api('post', '/v2/bot/message/multicast').send({ to: [ALICE, BOB], messages: [text('x')] });
    expect(multi.status).toBe(429);
    const narrow = await api('post', '/v2/bot/message/narrowcast').send({ messages: [text('x')] });
    expect(narrow.status).toBe(429);
    expect(fx.emulator.delivered(ALICE)).toHaveLength(0);
    const noList = await api('post', '/v2/bot/message/multicast').send({ to: ALICE, messages: [text('x')] });
    expect(noList.body.details).toContainEqual({ message: 'must be specified', property: 'to' });
  });

  it('when a narrowcast sets limit.max, then only that many friends get it, and the progress says so', async () => {
    fx = await startEmulator();
    for (const userId of [ALICE, BOB]) fx.emulator.users.add({ userId, displayName: userId.slice(0, 5) });
    const sent = await api('post', '/v2/bot/message/narrowcast').send({ messages: [text('x')], limit: { max: 1 } });
    expect(sent.status).toBe(202);
    const requestId = sent.headers['x-line-request-id'];
    const progress = await api('get', `/v2/bot/message/progress/narrowcast?requestId=${requestId}`).expect(200);
    expect(progress.body).toMatchObject({ phase: 'succeeded', successCount: 1, targetCount: 1 });
    await api('get', '/v2/bot/message/progress/narrowcast?requestId=nope').expect(404);
    const bad = await api('post', '/v2/bot/message/narrowcast').send({ messages: [] });
    expect(bad.status).toBe(400);
  });

  it('when the loading animation is asked for without a chat, then LINE answers 400; for a user, 202 with the default 20 seconds', async () => {
    fx = await startEmulator();
    const none = await api('post', '/v2/bot/chat/loading/start').send({});
    expect(none.body.details).toContainEqual({ message: 'must be specified', property: 'chatId' });
    await api('post', '/v2/bot/chat/loading/start').send({ chatId: ALICE }).expect(202);
  });

  it('when group members are listed, then a bot outside the group gets 404; a group with a picture shows it', async () => {
    fx = await startEmulator();
    await api('get', `/v2/bot/group/${GROUP}/members/ids`).expect(404);
    await api('post', `/v2/bot/group/${GROUP}/leave`).expect(404);
    fx.emulator.groups.add({
      groupId: GROUP,
      groupName: 'Patrol',
      memberIds: [ALICE],
      pictureUrl: 'https://example.invalid/g.png',
    });
    const summary = await api('get', `/v2/bot/group/${GROUP}/summary`).expect(200);
    expect(summary.body).toEqual({ groupId: GROUP, groupName: 'Patrol', pictureUrl: 'https://example.invalid/g.png' });
  });

  it('when a group has more than a page of members, then the ids come in pages with a next token', async () => {
    fx = await startEmulator();
    const members = Array.from({ length: 101 }, (_, i) => 'U' + String(i).padStart(32, '0'));
    fx.emulator.groups.add({ groupId: GROUP, groupName: 'Big', memberIds: members });
    const first = await api('get', `/v2/bot/group/${GROUP}/members/ids`).expect(200);
    expect(first.body.memberIds).toHaveLength(100);
    const rest = await api('get', `/v2/bot/group/${GROUP}/members/ids?start=${first.body.next}`).expect(200);
    expect(rest.body).toEqual({ memberIds: [members[100]] });
  });

  it('when the emulator is made without a secret, or given a user or group without names, then it says what is missing', () => {
    expect(() => createEmulator({ channelSecret: '' })).toThrow('createEmulator: channelSecret is required');
    const emulator = createEmulator({ channelSecret: 's' });
    expect(() => emulator.users.add({ userId: ALICE, displayName: '' })).toThrow(
      'users.add: userId and displayName are required',
    );
    expect(() => emulator.groups.add({ groupId: GROUP, groupName: '', memberIds: [] })).toThrow(
      'groups.add: groupId, groupName and memberIds are required',
    );
  });

  it('when an unknown path outside the LINE API is asked for, then the emulator answers 404 with a request id', async () => {
    fx = await startEmulator();
    const res = await request(fx.emulator.app).get('/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Not found' });
  });
});
