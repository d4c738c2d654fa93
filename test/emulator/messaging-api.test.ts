import { randomUUID } from 'node:crypto';
import { messagingApi } from '@line/bot-sdk';
import { ALICE, BOB, CAROL, GROUP, httpError, startEmulator, startReceiver, text } from './emulator-fixture';
import type { EmulatorFixture, Receiver } from './emulator-fixture';

describe('LINE emulator messaging API (real SDK client)', () => {
  let fx: EmulatorFixture;

  beforeEach(async () => {
    fx = await startEmulator();
    fx.emulator.users.add({ userId: ALICE, displayName: 'Alice', language: 'th' });
  });
  afterEach(() => fx.close());

  describe('push', () => {
    it('when the bot pushes a text, then it is delivered to the chat and recorded with its request id', async () => {
      const { httpResponse, body } = await fx.client.pushMessageWithHttpInfo({ to: ALICE, messages: [text('hello')] });

      const requestId = httpResponse.headers.get('x-line-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.sentMessages).toHaveLength(1);
      expect(body.sentMessages[0]?.id).toMatch(/^\d+$/);
      expect(fx.emulator.delivered(ALICE)).toEqual([
        expect.objectContaining({ chatId: ALICE, via: 'push', message: { type: 'text', text: 'hello' }, requestId }),
      ]);
      const [call] = fx.emulator.calls({ endpoint: 'push', to: ALICE });
      expect(call).toMatchObject({ method: 'POST', path: '/v2/bot/message/push', status: 200, requestId });
      expect(call?.headers.authorization).toBe('Bearer test-token');
    });

    it('when a retry key is reused after the push was accepted, then LINE answers 409 with the accepted request id and delivers nothing', async () => {
      const key = randomUUID();
      const first = await fx.client.pushMessageWithHttpInfo({ to: ALICE, messages: [text('once')] }, key);

      const error = await httpError(fx.client.pushMessage({ to: ALICE, messages: [text('once')] }, key));

      expect(error.status).toBe(409);
      expect(error.headers.get('x-line-accepted-request-id')).toBe(first.httpResponse.headers.get('x-line-request-id'));
      expect(JSON.parse(error.body)).toEqual({
        message: 'The retry key is already accepted',
        sentMessages: first.body.sentMessages,
      });
      expect(fx.emulator.delivered(ALICE)).toHaveLength(1);
      expect(fx.emulator.calls({ endpoint: 'push' }).map((c) => c.status)).toEqual([200, 409]);
      expect(fx.emulator.calls({ endpoint: 'push' })[1]?.retryKey).toBe(key);
    });

    it('when an injected 429 fails the first attempt, then a retry with the same key succeeds and delivers once', async () => {
      fx.emulator.faults.inject({ count: 1, status: 429, endpoint: 'push' });
      const key = randomUUID();

      const error = await httpError(fx.client.pushMessage({ to: ALICE, messages: [text('retry me')] }, key));
      expect(error.status).toBe(429);
      expect(JSON.parse(error.body)).toEqual({ message: 'Too Many Requests' });
      expect(fx.emulator.delivered(ALICE)).toHaveLength(0);

      await fx.client.pushMessage({ to: ALICE, messages: [text('retry me')] }, key);

      expect(fx.emulator.delivered(ALICE)).toHaveLength(1);
      expect(fx.emulator.calls({ to: ALICE }).map((c) => c.status)).toEqual([429, 200]);
    });

    it('when an injected 500 fails a push, then the retry key is still free and the recorded call carries it', async () => {
      fx.emulator.faults.inject({ count: 2, status: 500 });
      const key = randomUUID();

      expect((await httpError(fx.client.pushMessage({ to: ALICE, messages: [text('x')] }, key))).status).toBe(500);
      expect((await httpError(fx.client.pushMessage({ to: ALICE, messages: [text('x')] }, key))).status).toBe(500);
      await fx.client.pushMessage({ to: ALICE, messages: [text('x')] }, key);

      expect(fx.emulator.calls({ endpoint: 'push' }).map((c) => [c.status, c.retryKey])).toEqual([
        [500, key],
        [500, key],
        [200, key],
      ]);
    });

    it('when a fault has a delay, then the answer comes only after it', async () => {
      fx.emulator.faults.inject({ count: 1, status: 503, delayMs: 150 });
      const started = Date.now();

      const error = await httpError(fx.client.pushMessage({ to: ALICE, messages: [text('slow')] }));

      expect(error.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('when a fault names an endpoint the emulator does not have, then inject throws', () => {
      expect(() => fx.emulator.faults.inject({ count: 1, status: 500, endpoint: 'pushMessage' })).toThrow(
        /unknown endpoint 'pushMessage'/,
      );
    });

    it('when the retry key is not a UUID, then LINE answers 400', async () => {
      const error = await httpError(fx.client.pushMessage({ to: ALICE, messages: [text('x')] }, 'not-a-uuid'));
      expect(error.status).toBe(400);
    });

    it('when six messages are pushed, then LINE answers 400 naming the messages property', async () => {
      const messages = Array.from({ length: 6 }, (_, i) => text(`m${i}`));

      const error = await httpError(fx.client.pushMessage({ to: ALICE, messages }));

      expect(error.status).toBe(400);
      expect(JSON.parse(error.body)).toEqual({
        message: 'The request body has 1 error(s)',
        details: [{ message: 'Size must be between 1 and 5', property: 'messages' }],
      });
      expect(fx.emulator.delivered(ALICE)).toHaveLength(0);
    });

    it('when a text is empty or longer than 5000 UTF-16 units, then LINE answers 400 on messages[i].text', async () => {
      const error = await httpError(fx.client.pushMessage({ to: ALICE, messages: [text(''), text('x'.repeat(5001))] }));

      expect(JSON.parse(error.body).details).toEqual([
        { message: 'must be specified', property: 'messages[0].text' },
        { message: 'Length must be between 1 and 5000', property: 'messages[1].text' },
      ]);
    });

    it('when a message has an unknown type, then LINE answers 400 on its type', async () => {
      const error = await httpError(
        fx.client.pushMessage({ to: ALICE, messages: [{ type: 'carrier-pigeon' } as never] }),
      );
      expect(error.status).toBe(400);
      expect(JSON.parse(error.body).details[0].property).toBe('messages[0].type');
    });

    it('when the access token is wrong, then LINE answers 401 and nothing is delivered', async () => {
      const strict = await startEmulator({ channelAccessToken: 'the-real-token' });
      try {
        const wrong = new messagingApi.MessagingApiClient({ channelAccessToken: 'other', baseURL: strict.url });

        const error = await httpError(wrong.pushMessage({ to: ALICE, messages: [text('x')] }));

        expect(error.status).toBe(401);
        expect(JSON.parse(error.body).message).toMatch(/^Authentication failed/);
        await strict.client.pushMessage({ to: ALICE, messages: [text('x')] });
        expect(strict.emulator.delivered(ALICE)).toHaveLength(1);
      } finally {
        await strict.close();
      }
    });

    it('when no Authorization header is sent, then LINE answers 401', async () => {
      const res = await fetch(`${fx.url}/v2/bot/message/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: ALICE, messages: [text('x')] }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-line-request-id')).toBeTruthy();
    });

    it('when the path is unknown, then LINE answers 404 Not found', async () => {
      const res = await fetch(`${fx.url}/v2/bot/no/such/thing`, { headers: { authorization: 'Bearer t' } });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not found' });
    });
  });

  describe('multicast', () => {
    it('when multicast goes to 501 users, then LINE answers 400 on "to"', async () => {
      const to = Array.from({ length: 501 }, (_, i) => `U${String(i).padStart(32, '0')}`);

      const error = await httpError(fx.client.multicast({ to, messages: [text('x')] }));

      expect(error.status).toBe(400);
      expect(JSON.parse(error.body).details).toEqual([{ message: 'Size must be between 1 and 500', property: 'to' }]);
    });

    it('when multicast includes a group id, then LINE answers 400 on that entry', async () => {
      const error = await httpError(fx.client.multicast({ to: [ALICE, GROUP], messages: [text('x')] }));

      expect(error.status).toBe(400);
      expect(JSON.parse(error.body).details).toEqual([{ message: 'must be a user ID', property: 'to[1]' }]);
    });

    it('when multicast goes to two users, then each receives it and the call records both recipients', async () => {
      await fx.client.multicast({ to: [ALICE, BOB], messages: [text('hi all')] });

      expect(fx.emulator.delivered(ALICE)).toHaveLength(1);
      expect(fx.emulator.delivered(BOB)).toHaveLength(1);
      expect(fx.emulator.calls({ to: BOB })[0]?.endpoint).toBe('multicast');
    });
  });

  describe('reply', () => {
    let receiver: Receiver;
    let clock: number;
    let timed: EmulatorFixture;

    beforeEach(async () => {
      clock = 1_700_000_000_000;
      receiver = await startReceiver();
      timed = await startEmulator({ now: () => clock, webhookUrl: receiver.url });
    });
    afterEach(async () => {
      await timed.close();
      await receiver.close();
    });

    it('when a reply token is used twice, then the second reply gets 400 Invalid reply token', async () => {
      const { events } = await timed.emulator.driver.text({ userId: ALICE }, 'hi');
      const replyToken = events[0].replyToken as string;

      const ok = await timed.client.replyMessage({ replyToken, messages: [text('hello back')] });
      const error = await httpError(timed.client.replyMessage({ replyToken, messages: [text('again')] }));

      expect(ok.sentMessages).toHaveLength(1);
      expect(error.status).toBe(400);
      expect(JSON.parse(error.body)).toEqual({ message: 'Invalid reply token' });
      expect(timed.emulator.delivered(ALICE).map((d) => [d.via, d.message.text])).toEqual([['reply', 'hello back']]);
      expect(timed.emulator.calls({ endpoint: 'reply', to: ALICE }).map((c) => c.status)).toEqual([200, 400]);
    });

    it('when a reply comes more than a minute after the webhook, then it gets 400 Invalid reply token', async () => {
      const { events } = await timed.emulator.driver.text({ userId: ALICE }, 'hi');
      clock += 60_001;

      const error = await httpError(
        timed.client.replyMessage({ replyToken: events[0].replyToken, messages: [text('late')] }),
      );

      expect(error.status).toBe(400);
      expect(JSON.parse(error.body)).toEqual({ message: 'Invalid reply token' });
      expect(timed.emulator.delivered(ALICE)).toHaveLength(0);
    });

    it('when a reply comes just inside the minute, then it is delivered', async () => {
      const { events } = await timed.emulator.driver.text({ userId: ALICE }, 'hi');
      clock += 59_999;

      await timed.client.replyMessage({ replyToken: events[0].replyToken, messages: [text('just in time')] });

      expect(timed.emulator.delivered(ALICE)).toHaveLength(1);
    });

    it('when the event is redelivered, then its unused token gets another minute', async () => {
      const { events } = await timed.emulator.driver.text({ userId: ALICE }, 'hi');
      clock += 59_000;
      await timed.emulator.driver.redeliver(events[0]);
      clock += 59_000;

      await timed.client.replyMessage({ replyToken: events[0].replyToken, messages: [text('after redelivery')] });

      expect(receiver.events[1].deliveryContext).toEqual({ isRedelivery: true });
      expect(receiver.events[1].webhookEventId).toBe(receiver.events[0].webhookEventId);
      expect(timed.emulator.delivered(ALICE)).toHaveLength(1);
    });

    it('when a reply carries X-Line-Retry-Key, then LINE answers 400 and the token stays usable', async () => {
      const { events } = await timed.emulator.driver.text({ userId: ALICE }, 'hi');
      const replyToken = events[0].replyToken as string;

      const res = await fetch(`${timed.url}/v2/bot/message/reply`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer t', 'x-line-retry-key': randomUUID() },
        body: JSON.stringify({ replyToken, messages: [text('x')] }),
      });

      expect(res.status).toBe(400);
      await timed.client.replyMessage({ replyToken, messages: [text('fine')] });
      expect(timed.emulator.delivered(ALICE)).toHaveLength(1);
    });

    it('when the bot replies to a group message, then the reply lands in the group chat', async () => {
      timed.emulator.groups.add({ groupId: GROUP, groupName: 'Patrol', memberIds: [ALICE, BOB] });
      const { events } = await timed.emulator.driver.text({ groupId: GROUP, userId: BOB }, 'report');

      await timed.client.replyMessage({ replyToken: events[0].replyToken, messages: [text('noted')] });

      expect(timed.emulator.delivered(GROUP)).toHaveLength(1);
      expect(timed.emulator.delivered(BOB)).toHaveLength(0);
    });

    it('when the bot replies to the verify event token, then LINE answers 400', async () => {
      const error = await httpError(
        timed.client.replyMessage({ replyToken: '00000000000000000000000000000000', messages: [text('x')] }),
      );
      expect(error.status).toBe(400);
    });
  });

  describe('monthly quota', () => {
    it('when the bot pushes to a three-member group, then consumption grows by three', async () => {
      const fx2 = await startEmulator({ monthlyQuota: 5 });
      try {
        fx2.emulator.groups.add({ groupId: GROUP, groupName: 'Patrol', memberIds: [ALICE, BOB, CAROL] });

        await fx2.client.pushMessage({ to: GROUP, messages: [text('a'), text('b')] });

        expect(fx2.emulator.quota.consumption()).toBe(3);
        expect(await fx2.client.getMessageQuota()).toEqual({ type: 'limited', value: 5 });
        expect(await fx2.client.getMessageQuotaConsumption()).toEqual({ totalUsage: 3 });
      } finally {
        await fx2.close();
      }
    });

    it('when a push would pass the monthly limit, then LINE answers 429 with the monthly-limit message and delivers nothing', async () => {
      const fx2 = await startEmulator({ monthlyQuota: 5 });
      try {
        fx2.emulator.groups.add({ groupId: GROUP, groupName: 'Patrol', memberIds: [ALICE, BOB, CAROL] });
        await fx2.client.pushMessage({ to: GROUP, messages: [text('first')] });

        const error = await httpError(fx2.client.pushMessage({ to: GROUP, messages: [text('second')] }));

        expect(error.status).toBe(429);
        expect(JSON.parse(error.body)).toEqual({ message: 'You have reached your monthly limit.' });
        expect(fx2.emulator.delivered(GROUP)).toHaveLength(1);
        expect(fx2.emulator.quota.consumption()).toBe(3);
      } finally {
        await fx2.close();
      }
    });

    it('when replies are sent, then they cost nothing', async () => {
      const receiver = await startReceiver();
      const fx2 = await startEmulator({ monthlyQuota: 0, webhookUrl: receiver.url });
      try {
        const { events } = await fx2.emulator.driver.text({ userId: ALICE }, 'hi');
        await fx2.client.replyMessage({ replyToken: events[0].replyToken, messages: [text('free')] });
        expect(fx2.emulator.quota.consumption()).toBe(0);
        expect((await httpError(fx2.client.pushMessage({ to: ALICE, messages: [text('paid')] }))).status).toBe(429);
      } finally {
        await fx2.close();
        await receiver.close();
      }
    });

    it('when no limit is set, then the quota type is none', async () => {
      expect(await fx.client.getMessageQuota()).toEqual({ type: 'none' });
    });
  });

  describe('broadcast and narrowcast', () => {
    it('when the bot broadcasts, then every friend who has not blocked the OA receives it', async () => {
      fx.emulator.users.add({ userId: BOB, displayName: 'Bob' });
      fx.emulator.users.add({ userId: CAROL, displayName: 'Carol' });
      const receiver = await startReceiver();
      fx.emulator.setWebhookUrl(receiver.url);
      await fx.emulator.driver.unfollow(CAROL);

      await fx.client.broadcast({ messages: [text('all')] }, randomUUID());

      expect(fx.emulator.delivered(ALICE)).toHaveLength(1);
      expect(fx.emulator.delivered(BOB)).toHaveLength(1);
      expect(fx.emulator.delivered(CAROL)).toHaveLength(0);
      await receiver.close();
    });

    it('when the bot narrowcasts, then LINE answers 202 and the progress reads succeeded', async () => {
      const { httpResponse } = await fx.client.narrowcastWithHttpInfo({ messages: [text('zone alert')] });
      const requestId = httpResponse.headers.get('x-line-request-id') as string;

      expect(httpResponse.status).toBe(202);
      expect(fx.emulator.delivered(ALICE)[0]?.via).toBe('narrowcast');
      expect(await fx.client.getNarrowcastProgress(requestId)).toMatchObject({ phase: 'succeeded', successCount: 1 });
    });
  });

  describe('flex validation', () => {
    const bubble = (body: messagingApi.FlexBox): messagingApi.FlexMessage => ({
      type: 'flex',
      altText: 'card',
      contents: { type: 'bubble', body },
    });

    it('when a flex bubble is over 30 KB, then LINE answers 400', async () => {
      const contents = Array.from(
        { length: 40 },
        () => ({ type: 'text', text: 'x'.repeat(1000) }) as messagingApi.FlexText,
      );

      const error = await httpError(
        fx.client.pushMessage({ to: ALICE, messages: [bubble({ type: 'box', layout: 'vertical', contents })] }),
      );

      expect(error.status).toBe(400);
      expect(JSON.parse(error.body).details[0].property).toBe('messages[0].contents');
    });

    it('when a flex carousel has 13 bubbles, then LINE answers 400', async () => {
      const one: messagingApi.FlexBubble = {
        type: 'bubble',
        body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'x' }] },
      };
      const message: messagingApi.FlexMessage = {
        type: 'flex',
        altText: 'many',
        contents: { type: 'carousel', contents: Array.from({ length: 13 }, () => one) },
      };
      expect((await httpError(fx.client.pushMessage({ to: ALICE, messages: [message] }))).status).toBe(400);
    });

    it('when a flex postback button carries more than 300 characters of data, then LINE answers 400', async () => {
      const message = bubble({
        type: 'box',
        layout: 'vertical',
        contents: [{ type: 'button', action: { type: 'postback', label: 'Go', data: 'd'.repeat(301) } }],
      });
      const error = await httpError(fx.client.pushMessage({ to: ALICE, messages: [message] }));
      expect(JSON.parse(error.body).details[0].property).toBe('messages[0].contents.body.contents[0].action.data');
    });

    it('when a valid flex bubble with a quick reply is pushed, then it is delivered as sent', async () => {
      const message: messagingApi.FlexMessage = {
        ...bubble({ type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Report received' }] }),
        quickReply: {
          items: [
            { type: 'action', action: { type: 'location', label: 'Send location' } },
            { type: 'action', action: { type: 'postback', label: 'Cancel', data: 'action=cancel' } },
          ],
        },
      };
      await fx.client.pushMessage({ to: ALICE, messages: [message] });
      expect(fx.emulator.delivered(ALICE)[0]?.message).toEqual(message);
    });

    it('when a quick reply has 14 items or a 21-character label, then LINE answers 400', async () => {
      const item = (label: string): messagingApi.QuickReplyItem => ({
        type: 'action',
        action: { type: 'message', label, text: 'x' },
      });
      const tooMany = { ...text('x'), quickReply: { items: Array.from({ length: 14 }, () => item('ok')) } };
      const longLabel = { ...text('x'), quickReply: { items: [item('l'.repeat(21))] } };

      const e1 = await httpError(fx.client.pushMessage({ to: ALICE, messages: [tooMany] }));
      const e2 = await httpError(fx.client.pushMessage({ to: ALICE, messages: [longLabel] }));

      expect(JSON.parse(e1.body).details[0].property).toBe('messages[0].quickReply.items');
      expect(JSON.parse(e2.body).details[0].property).toBe('messages[0].quickReply.items[0].action.label');
    });
  });

  describe('loading animation', () => {
    it('when the chat is a group, then LINE answers 400', async () => {
      const error = await httpError(fx.client.showLoadingAnimation({ chatId: GROUP, loadingSeconds: 20 }));
      expect(error.status).toBe(400);
    });

    it('when the seconds are not a multiple of 5, then LINE answers 400', async () => {
      expect((await httpError(fx.client.showLoadingAnimation({ chatId: ALICE, loadingSeconds: 7 }))).status).toBe(400);
    });

    it('when the chat is a user, then LINE answers 202', async () => {
      const { httpResponse } = await fx.client.showLoadingAnimationWithHttpInfo({ chatId: ALICE, loadingSeconds: 10 });
      expect(httpResponse.status).toBe(202);
      expect(fx.emulator.calls({ endpoint: 'loading', to: ALICE })).toHaveLength(1);
    });
  });

  describe('call log', () => {
    it('when waitFor is called before the call happens, then it resolves with that call', async () => {
      const waiting = fx.emulator.waitFor((c) => c.endpoint === 'push' && c.to === ALICE);

      await fx.client.pushMessage({ to: ALICE, messages: [text('later')] });

      await expect(waiting).resolves.toMatchObject({ endpoint: 'push', status: 200 });
    });

    it('when no matching call arrives in time, then waitFor rejects', async () => {
      await expect(fx.emulator.waitFor((c) => c.endpoint === 'broadcast', 50)).rejects.toThrow(/no matching call/);
    });

    it('when more calls arrive than the cap, then only the newest are kept', async () => {
      const small = await startEmulator({ maxRecordedCalls: 3 });
      try {
        for (let i = 0; i < 5; i += 1) await small.client.getMessageQuota();
        expect(small.emulator.calls().map((c) => c.id)).toEqual([3, 4, 5]);
      } finally {
        await small.close();
      }
    });

    it('when reset is called, then calls, deliveries and consumption are forgotten but users stay', async () => {
      await fx.client.pushMessage({ to: ALICE, messages: [text('x')] });

      fx.emulator.reset();

      expect(fx.emulator.calls()).toEqual([]);
      expect(fx.emulator.delivered(ALICE)).toEqual([]);
      expect(fx.emulator.quota.consumption()).toBe(0);
      expect((await fx.client.getProfile(ALICE)).displayName).toBe('Alice');
    });
  });
});
