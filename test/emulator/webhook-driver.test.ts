import { ALICE, BOB, GROUP, SECRET, startEmulator, startReceiver } from './emulator-fixture';
import type { EmulatorFixture, Receiver } from './emulator-fixture';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('LINE emulator webhook driver', () => {
  let receiver: Receiver;
  let fx: EmulatorFixture;
  let clock: number;

  beforeEach(async () => {
    clock = 1_720_000_000_000;
    receiver = await startReceiver();
    fx = await startEmulator({ webhookUrl: receiver.url, now: () => clock });
  });
  afterEach(async () => {
    await fx.close();
    await receiver.close();
  });

  it('when a user sends a text, then the bot receives a correctly signed, realistic message event', async () => {
    const result = await fx.emulator.driver.text({ userId: ALICE }, 'hello');

    expect(result.status).toBe(200);
    expect(receiver.events).toHaveLength(1);
    const body = JSON.parse(receiver.bodies[0] as string);
    expect(body.destination).toMatch(/^U[0-9a-f]{32}$/);
    expect(body.destination).toBe(fx.emulator.botUserId);
    expect(receiver.events[0]).toEqual({
      type: 'message',
      source: { type: 'user', userId: ALICE },
      timestamp: clock,
      mode: 'active',
      webhookEventId: expect.stringMatching(ULID),
      deliveryContext: { isRedelivery: false },
      replyToken: expect.stringMatching(/^[0-9a-f]{32}$/),
      message: { id: expect.stringMatching(/^\d+$/), type: 'text', quoteToken: expect.any(String), text: 'hello' },
    });
  });

  it('when the webhook is sent with a wrong or no signature, then it goes out as given and a receiver that checks it answers 401', async () => {
    const result = await fx.emulator.driver.send([{ type: 'unfollow' }], { signature: 'AAAA' });
    expect(result.status).toBe(401);

    const missing = await fx.emulator.driver.send([], { signature: null });
    expect(missing.status).toBe(401);
    expect(receiver.events).toHaveLength(0);
  });

  it('when a raw body is sent, then it is signed as given', async () => {
    const raw = `{"destination":"${fx.emulator.botUserId}","events":[]}`;
    const result = await fx.emulator.driver.send([], { rawBody: raw });
    expect(result.status).toBe(200);
    expect(receiver.bodies[0]).toBe(raw);
  });

  it('when several events are driven in the same millisecond, then their webhookEventIds are unique and ordered', async () => {
    for (let i = 0; i < 5; i += 1) await fx.emulator.driver.text({ userId: ALICE }, `n${i}`);
    const ids = receiver.events.map((e) => e.webhookEventId as string);
    expect(new Set(ids).size).toBe(5);
    expect([...ids].sort()).toEqual(ids);
  });

  it('when a group member without consent writes, then the group source has no userId', async () => {
    await fx.emulator.driver.text({ groupId: GROUP }, 'from LINE for PC');
    expect(receiver.events[0].source).toEqual({ type: 'group', groupId: GROUP });
  });

  it("when a location, postback, sticker and image are driven, then each event has LINE's shape", async () => {
    await fx.emulator.driver.location({ userId: ALICE }, { latitude: 7.0086, longitude: 100.4747, title: 'Hat Yai' });
    await fx.emulator.driver.postback({ groupId: GROUP, userId: BOB }, 'action=ack&case=1', {
      datetime: '2024-07-03T10:00',
    });
    await fx.emulator.driver.sticker({ userId: ALICE });
    await fx.emulator.driver.image({ userId: ALICE });

    const [location, postback, sticker, image] = receiver.events;
    expect(location.message).toMatchObject({
      type: 'location',
      latitude: 7.0086,
      longitude: 100.4747,
      title: 'Hat Yai',
    });
    expect(postback).toMatchObject({
      type: 'postback',
      source: { type: 'group', groupId: GROUP, userId: BOB },
      postback: { data: 'action=ack&case=1', params: { datetime: '2024-07-03T10:00' } },
      replyToken: expect.any(String),
    });
    expect(sticker.message).toMatchObject({
      type: 'sticker',
      packageId: expect.any(String),
      stickerResourceType: 'STATIC',
    });
    expect(image.message).toMatchObject({
      type: 'image',
      contentProvider: { type: 'line' },
      quoteToken: expect.any(String),
    });
  });

  it('when follow, unfollow, join, leave and memberJoined are driven, then the events match and the emulator state follows', async () => {
    await fx.emulator.driver.follow(ALICE);
    await fx.emulator.driver.unfollow(ALICE);
    await fx.emulator.driver.follow(ALICE);
    await fx.emulator.driver.join(GROUP);
    await fx.emulator.driver.memberJoined(GROUP, [BOB]);
    await fx.emulator.driver.leave(GROUP);

    expect(receiver.events.map((e) => e.type)).toEqual([
      'follow',
      'unfollow',
      'follow',
      'join',
      'memberJoined',
      'leave',
    ]);
    expect(receiver.events[0].follow).toEqual({ isUnblocked: false });
    expect(receiver.events[1].replyToken).toBeUndefined();
    expect(receiver.events[2].follow).toEqual({ isUnblocked: true });
    expect(receiver.events[4].joined).toEqual({ members: [{ type: 'user', userId: BOB }] });
    expect(receiver.events[5].source).toEqual({ type: 'group', groupId: GROUP });
    expect((await fx.client.getProfile(ALICE)).userId).toBe(ALICE);
  });

  it('when verify is driven, then the bot gets an empty event list', async () => {
    const result = await fx.emulator.driver.verify();
    expect(result.status).toBe(200);
    expect(JSON.parse(receiver.bodies[0] as string)).toEqual({ destination: fx.emulator.botUserId, events: [] });
  });

  it('when a hand-built event with a reply token is sent, then that token can be replied to', async () => {
    const event = {
      type: 'message',
      mode: 'active',
      timestamp: clock,
      webhookEventId: '01J0000000000000000000000A',
      deliveryContext: { isRedelivery: false },
      source: { type: 'user', userId: ALICE },
      replyToken: 'f'.repeat(32),
      message: { id: '1', type: 'text', text: 'custom', quoteToken: 'q' },
    };
    await fx.emulator.driver.send([event]);

    await fx.client.replyMessage({ replyToken: 'f'.repeat(32), messages: [{ type: 'text', text: 'ok' }] });

    expect(fx.emulator.delivered(ALICE)).toHaveLength(1);
  });

  it('when no webhook URL is set, then driving rejects with a clear message', async () => {
    const bare = await startEmulator();
    try {
      await expect(bare.emulator.driver.text({ userId: ALICE }, 'x')).rejects.toThrow(/no webhook URL/);
    } finally {
      await bare.close();
    }
  });

  it('when the emulator signs with a secret the bot does not share, then the bot refuses it', async () => {
    const other = await startEmulator({ channelSecret: SECRET + '-other', webhookUrl: receiver.url });
    try {
      expect((await other.emulator.driver.text({ userId: ALICE }, 'x')).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
