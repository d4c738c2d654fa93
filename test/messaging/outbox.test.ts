import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { messagingApi } from '@line/bot-sdk';
import type { Hub } from '../../src/app';
import { createEmulator, type Emulator, type RecordedCall } from '../../src/emulator';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import type { OutboxEntry } from '../../src/store/repositories/outbox-repository';
import request from 'supertest';
import { ManualClock } from '../../src/util/clock';
import {
  ADMIN_TOKEN,
  SECRET,
  TEST_EPOCH,
  TOKEN,
  gid,
  startHub,
  testHub,
  uid,
  type HubFixture,
} from '../support/hub-fixture';

const text = (t: string) => ({ type: 'text' as const, text: t });
const textsOf = (c: RecordedCall) =>
  ((c.body as { messages: Array<{ text: string }> }).messages ?? []).map((m) => m.text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A row as a previous send (or another process) would have stored it: pending, retry key fixed up front. */
function pendingRow(to: string, messages: object[], overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  const now = Date.now();
  return {
    _id: randomUUID(),
    kind: 'push',
    to,
    messages,
    retryKey: randomUUID(),
    orderKey: to,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    seq: now * 1000,
    purpose: 'test',
    ...overrides,
  };
}

/** A reply on `replyToken` to `to`, queued as the bot queues its answers (the token issued at `issuedAt`). */
function replyOn(f: HubFixture, to: string, replyToken: string, words: string, issuedAt = f.clock.now()) {
  return f.hub.outbox.enqueue({
    kind: 'reply',
    to,
    replyToken,
    replyTokenAt: issuedAt,
    messages: [text(words)],
    purpose: 'test',
  });
}

/** An outbox row as the store holds it (nulls included). */
function storedRow(f: HubFixture, id: string) {
  return f.store.collection<Record<string, unknown> & { _id: string }>('outbox').findOne({ _id: id });
}

/** A reply token nobody has used yet: people chatting in a group the bot listens to but does not answer. */
async function unusedReplyToken(f: HubFixture, groupId = gid('7')): Promise<string> {
  f.emulator.groups.add({ groupId, groupName: 'ชุมชนสันติสุข', memberIds: [uid('e')] });
  const result = await f.emulator.driver.text({ groupId, userId: uid('e') }, 'ใครเห็นแมวส้มบ้าง');
  await f.settle();
  return result.events[0].replyToken as string;
}

/** A metric's value; with labels, the series carrying all of them. */
async function metricValue(hub: Hub, name: string, labels: Record<string, string> = {}): Promise<number> {
  const exposition = await hub.metrics.registry.metrics();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = exposition
    .split('\n')
    .find((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : NaN;
}

describe('outbox: sending to LINE', () => {
  let f: HubFixture;
  const john = uid('b');
  afterEach(async () => {
    await f.close();
  });

  describe('with the default hub', () => {
    beforeEach(async () => {
      f = await startHub();
      f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    });

    it('when LINE answers 429 (rate limit) and then 500, then the push is retried with the same retry key and delivered once', async () => {
      f.emulator.faults.inject({ count: 1, status: 429, endpoint: 'push' });
      f.emulator.faults.inject({ count: 1, status: 500, endpoint: 'push' });
      const [row] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: john,
        messages: [text('Your case is being handled.')],
        purpose: 'case-update',
      });
      await f.settle();
      const pushes = f.emulator.calls({ endpoint: 'push' });
      expect(pushes.map((c) => c.status)).toEqual([429, 500, 200]);
      expect(pushes.map((c) => c.retryKey)).toEqual([row!.retryKey, row!.retryKey, row!.retryKey]);
      expect(f.seen(john).map((m) => m.text)).toEqual(['Your case is being handled.']);
      expect(await f.hub.repos.outbox.get(row!._id)).toMatchObject({ status: 'sent', sentAs: 'push', attempts: 3 });
    });

    it('when a message is sent, then its row keeps the record (status, times, request id) and no longer the messages', async () => {
      const [row] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: john,
        messages: [text('Case RPT-HYI-69-000003: officers are on the way.')],
        purpose: 'report-update',
      });
      await f.settle();
      const stored = await storedRow(f, row!._id);
      expect(stored).toMatchObject({ status: 'sent', sentAs: 'push', attempts: 1, lineRequestId: expect.any(String) });
      expect(stored!.messages).toBeNull();
      expect(f.seen(john).map((m) => m.text)).toEqual(['Case RPT-HYI-69-000003: officers are on the way.']);
    });

    it('when a reply is sent, then its row keeps what was sent, to whom and when, and not the spent token nor the times that steered it', async () => {
      const group = gid('7');
      const token = await unusedReplyToken(f, group);
      const [row] = await replyOn(f, group, token, 'Noted, thank you.');
      await f.settle();
      expect(f.seen(group).map((m) => m.text)).toEqual(['Noted, thank you.']);
      const stored = await storedRow(f, row!._id);
      expect(stored).toMatchObject({
        status: 'sent',
        sentAs: 'reply',
        to: group,
        purpose: 'test',
        sentAt: expect.any(Number),
      });
      // Null rather than gone (the embedded store keeps the document's shape), and read back as absent.
      expect(stored).toMatchObject({ messages: null, replyToken: null, replyTokenAt: null, replyTriedAt: null });
      const read = await f.hub.repos.outbox.get(row!._id);
      expect(read).not.toHaveProperty('replyToken');
      expect(read).not.toHaveProperty('replyTriedAt');
      expect(read!.messages).toEqual([]);

      // A push never had a token: sending it adds no field.
      const [push] = await f.hub.outbox.enqueue({ kind: 'push', to: john, messages: [text('Hello')], purpose: 'test' });
      await f.settle();
      const pushed = await storedRow(f, push!._id);
      expect(pushed).toMatchObject({ status: 'sent' });
      expect(pushed).not.toHaveProperty('replyToken');
      expect(pushed).not.toHaveProperty('replyTriedAt');
    });

    it('when LINE answers 409 because the retry key was already accepted, then the row counts as sent and nothing is delivered twice', async () => {
      // LINE accepted this key before (a previous attempt whose answer was lost): same key, sent from outside the outbox.
      const row = pendingRow(john, [text('Officers are on the way.')]);
      const sdk = new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: f.emulatorUrl });
      await sdk.pushMessage({ to: john, messages: [text('Officers are on the way.')] }, row.retryKey);
      await f.hub.repos.outbox.add(row);
      await f.hub.outbox.resume();
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'push' }).map((c) => [c.status, c.retryKey])).toEqual([
        [200, row.retryKey],
        [409, row.retryKey],
      ]);
      expect(f.seen(john)).toHaveLength(1);
      const stored = await f.hub.repos.outbox.get(row._id);
      expect(stored).toMatchObject({ status: 'sent' });
      // The id LINE gave the accepted request is kept (from X-Line-Accepted-Request-Id).
      expect(stored!.lineRequestId).toBe(f.emulator.calls({ endpoint: 'push' })[0]!.requestId);
    });

    it('when the monthly quota is spent, then the message is held without retrying, the alert metric is 1, and releasing sends it', async () => {
      f.emulator.quota.setLimit(0);
      const [row] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: john,
        messages: [text('Zone news: patrols tonight.')],
        purpose: 'news',
      });
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'push' })).toEqual([
        expect.objectContaining({ status: 429, response: { message: 'You have reached your monthly limit.' } }),
      ]);
      expect(await f.hub.repos.outbox.get(row!._id)).toMatchObject({
        status: 'held',
        lastError: '429: You have reached your monthly limit.',
      });
      expect(await metricValue(f.hub, 'ssz_line_quota_exhausted')).toBe(1);
      expect(f.seen(john)).toHaveLength(0);

      // A new month (or a bigger plan): an operator releases what was held.
      f.emulator.quota.setLimit(undefined);
      expect(await f.hub.outbox.releaseHeld()).toBe(1);
      await f.settle();
      expect(f.seen(john).map((m) => m.text)).toEqual(['Zone news: patrols tonight.']);
      const pushes = f.emulator.calls({ endpoint: 'push' });
      expect(pushes.map((c) => c.status)).toEqual([429, 200]);
      expect(pushes[1]!.retryKey).toBe(row!.retryKey);
      expect(await f.hub.repos.outbox.get(row!._id)).toMatchObject({ status: 'sent' });
      expect(await metricValue(f.hub, 'ssz_line_quota_exhausted')).toBe(0);
    });

    it('when LINE refuses a push with a 400, then the row is failed with what LINE said and not retried', async () => {
      const [row] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: 'Xnot-a-line-id',
        messages: [text('hello')],
        purpose: 'test',
      });
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'push' })).toHaveLength(1);
      expect(await f.hub.repos.outbox.get(row!._id)).toMatchObject({
        status: 'failed',
        lastError: "400: The property, 'to', in the request body is invalid (line: -, column: -)",
      });
    });

    it('when LINE answers an injected 400, then the row is failed with LINE message and the next message to the chat still goes', async () => {
      f.emulator.faults.inject({
        count: 1,
        status: 400,
        endpoint: 'push',
        body: { message: 'The request body has 1 error(s)', details: [] },
      });
      const [bad] = await f.hub.outbox.enqueue({ kind: 'push', to: john, messages: [text('first')], purpose: 'test' });
      const [good] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: john,
        messages: [text('second')],
        purpose: 'test',
      });
      await f.settle();
      expect(await f.hub.repos.outbox.get(bad!._id)).toMatchObject({
        status: 'failed',
        lastError: '400: The request body has 1 error(s)',
      });
      expect(await f.hub.repos.outbox.get(good!._id)).toMatchObject({ status: 'sent' });
      expect(f.seen(john).map((m) => m.text)).toEqual(['second']);
    });

    it('when an event is more than 50 s old by the time it is answered, then the answer is pushed, not replied', async () => {
      // A redelivered event: its timestamp is when it happened, 55 s ago; the token itself is still live at LINE.
      const replyToken = randomBytes(16).toString('hex');
      const result = await f.emulator.driver.send([
        {
          type: 'message',
          mode: 'active',
          timestamp: f.clock.now() - 55_000,
          webhookEventId: '01JOUTBOXOLDEVENT000000001',
          deliveryContext: { isRedelivery: true },
          source: { type: 'user', userId: john },
          replyToken,
          message: { id: '700000000000001', type: 'text', quoteToken: 'q1', text: 'what is the weather' },
        },
      ]);
      expect(result.status).toBe(200);
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'reply' })).toHaveLength(0);
      expect(f.emulator.calls({ endpoint: 'push' })).toHaveLength(1);
      expect(f.emulator.delivered(john).map((d) => d.via)).toEqual(['push']);
      const [row] = await f.hub.repos.outbox.find({ to: john });
      expect(row).toMatchObject({ status: 'sent', kind: 'push', sentAs: 'push' });
    });

    it('when a reply token was already used, then LINE says "Invalid reply token" and the message is pushed and delivered', async () => {
      const first = await f.emulator.driver.text({ userId: john }, 'what is the weather');
      await f.settle();
      const usedToken = first.events[0].replyToken as string;
      const [row] = await replyOn(f, john, usedToken, 'One more thing: call 191 in an emergency.');
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'reply' }).map((c) => [c.status, c.response])).toEqual([
        [200, expect.anything()],
        [400, { message: 'Invalid reply token' }],
      ]);
      const pushes = f.emulator.calls({ endpoint: 'push' });
      expect(pushes).toHaveLength(1);
      expect(pushes[0]!.retryKey).toBe(row!.retryKey);
      expect(f.seen(john).map((m) => m.text)).toEqual([
        expect.stringContaining("didn't understand"),
        'One more thing: call 191 in an emergency.',
      ]);
      expect(await f.hub.repos.outbox.get(row!._id)).toMatchObject({ status: 'sent', sentAs: 'push' });
    });

    it('when more than five messages go to one chat, then they leave in calls of at most five, in order', async () => {
      const seven = [1, 2, 3, 4, 5, 6, 7].map((n) => text(`part ${n}`));
      await f.hub.outbox.enqueue({ kind: 'push', to: john, messages: seven, purpose: 'test' });
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'push' }).map(textsOf)).toEqual([
        ['part 1', 'part 2', 'part 3', 'part 4', 'part 5'],
        ['part 6', 'part 7'],
      ]);
      expect(f.seen(john).map((m) => m.text)).toEqual(seven.map((m) => m.text));
    });

    it('when more than five messages answer one event, then five ride on the reply token and the rest follow as a push', async () => {
      const group = gid('7');
      const token = await unusedReplyToken(f, group);
      const seven = [1, 2, 3, 4, 5, 6, 7].map((n) => text(`part ${n}`));
      await f.hub.outbox.enqueue({
        kind: 'reply',
        to: group,
        replyToken: token,
        replyTokenAt: f.clock.now(),
        messages: seven,
        purpose: 'test',
      });
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'reply' }).map(textsOf)).toEqual([
        ['part 1', 'part 2', 'part 3', 'part 4', 'part 5'],
      ]);
      expect(f.emulator.calls({ endpoint: 'push' }).map(textsOf)).toEqual([['part 6', 'part 7']]);
      expect(f.seen(group).map((m) => m.text)).toEqual(seven.map((m) => m.text));
    });

    it('when a broadcast goes to 1,200 residents, then it leaves as three multicasts of at most 500 and each resident gets it once', async () => {
      const residents = Array.from({ length: 1200 }, (_, i) => 'U' + i.toString(16).padStart(32, '0'));
      await f.hub.outbox.enqueue({
        kind: 'multicast',
        to: residents,
        messages: [text('Road closed on Niphat Uthit 3 tonight.')],
        purpose: 'broadcast',
      });
      await f.settle();
      const calls = f.emulator.calls({ endpoint: 'multicast' });
      expect(calls).toHaveLength(3);
      expect(calls.every((c) => c.status === 200)).toBe(true);
      expect(calls.map((c) => (c.to as string[]).length).sort((a, b) => a - b)).toEqual([200, 500, 500]);
      expect(new Set(calls.map((c) => c.retryKey)).size).toBe(3);
      expect(new Set(calls.flatMap((c) => c.to as string[])).size).toBe(1200);
      expect(residents.every((u) => f.emulator.delivered(u).length === 1)).toBe(true);
    });

    it('when the first message to a chat must be retried, then the second still arrives after it', async () => {
      f.emulator.faults.inject({ count: 2, status: 500, endpoint: 'push' });
      await f.hub.outbox.enqueue({ kind: 'push', to: john, messages: [text('first')], purpose: 'test' });
      await f.hub.outbox.enqueue({ kind: 'push', to: john, messages: [text('second')], purpose: 'test' });
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'push' }).map((c) => [textsOf(c)[0], c.status])).toEqual([
        ['first', 500],
        ['first', 500],
        ['first', 200],
        ['second', 200],
      ]);
      expect(f.seen(john).map((m) => m.text)).toEqual(['first', 'second']);
    });
  });

  describe('with a slow ordinary backoff', () => {
    beforeEach(async () => {
      // Ordinary rows wait a minute after a failure; urgent rows (SOS) keep their short backoff.
      f = await startHub({
        outboxOptions: { backoffBaseMs: 60_000, backoffMaxMs: 60_000, urgentBackoffBaseMs: 5, urgentBackoffMaxMs: 20 },
      });
      f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    });

    it('when LINE is down for a few seconds, then an urgent push is retried at once and delivered first, and the ordinary one waiting out its minute goes as soon as LINE answers again', async () => {
      const officers = gid('5');
      f.emulator.groups.add({ groupId: officers, groupName: 'สภ.หาดใหญ่', memberIds: [john] });
      f.emulator.faults.inject({ status: 500, endpoint: 'push', forMs: 2_500 });
      const [ordinary] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: john,
        messages: [text('Zone news')],
        purpose: 'news',
      });
      // Its first attempt has failed (however long the machine takes to make it).
      for (let i = 0; i < 500 && (await f.hub.repos.outbox.get(ordinary!._id))?.attempts !== 1; i++) await sleep(10);
      expect(await f.hub.repos.outbox.get(ordinary!._id)).toMatchObject({ status: 'pending', attempts: 1 });
      const [urgent] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: officers,
        messages: [text('SOS')],
        purpose: 'sos-alert',
        urgent: true,
      });
      for (let i = 0; i < 1000 && (await f.hub.repos.outbox.get(ordinary!._id))?.status !== 'sent'; i++)
        await sleep(10);
      // Retried on its short backoff all through the outage, and sent when it ended.
      expect((await f.hub.repos.outbox.get(urgent!._id))!.attempts).toBeGreaterThan(10);
      expect(f.seen(officers).map((m) => m.text)).toEqual(['SOS']);
      // Not a minute later: the first success after the outage woke it.
      expect(await f.hub.repos.outbox.get(ordinary!._id)).toMatchObject({ status: 'sent', attempts: 2 });
      expect(f.seen(john).map((m) => m.text)).toEqual(['Zone news']);
      expect(f.emulator.delivered(officers)[0]!.at).toBeLessThanOrEqual(f.emulator.delivered(john)[0]!.at);
    });
  });

  describe('with a hand-driven clock', () => {
    beforeEach(async () => {
      f = await startHub({ clock: 'manual' });
    });

    it('when the reply token is 49 s old, then it is used; at 51 s, then a push is sent instead', async () => {
      const now = f.clock.now();
      const group = gid('7');
      const fresh = await unusedReplyToken(f, group);
      const stale = await unusedReplyToken(f, group);
      await replyOn(f, group, fresh, 'in time', now - 49_000);
      await replyOn(f, group, stale, 'too late', now - 51_000);
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'reply' }).map(textsOf)).toEqual([['in time']]);
      expect(f.emulator.calls({ endpoint: 'push' }).map(textsOf)).toEqual([['too late']]);
      expect(f.emulator.delivered(group).map((d) => [d.message.text, d.via])).toEqual([
        ['in time', 'reply'],
        ['too late', 'push'],
      ]);
    });
  });

  describe('the wait before a retry', () => {
    beforeEach(async () => {
      f = await startHub({ clock: 'manual', outboxOptions: { backoffBaseMs: 1_000, backoffMaxMs: 60_000 } });
      f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    });
    afterEach(() => jest.restoreAllMocks());

    /** The wait the outbox set after the push's first failure, with Math.random answering `random`. */
    async function firstWait(random: number): Promise<number> {
      jest.spyOn(Math, 'random').mockReturnValue(random);
      f.emulator.faults.inject({ count: 1, status: 503, endpoint: 'push' });
      const [row] = await f.hub.outbox.enqueue({ kind: 'push', to: john, messages: [text('hi')], purpose: 'news' });
      for (let i = 0; i < 500 && (await f.hub.repos.outbox.get(row!._id))?.attempts !== 1; i++) await sleep(10);
      return (await f.hub.repos.outbox.get(row!._id))!.nextAttemptAt - f.clock.now();
    }

    it('when a push fails and chance is at its low end, then the retry waits three quarters of the backoff', async () => {
      expect(await firstWait(0)).toBe(750);
    });

    it('when a push fails and chance is at its high end, then the retry waits five quarters of the backoff', async () => {
      expect(await firstWait(1)).toBe(1_250);
    });
  });

  describe('when LINE is down for long', () => {
    let clock: ManualClock;
    beforeEach(async () => {
      clock = new ManualClock(TEST_EPOCH);
      f = await startHub({ clock });
      f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    });

    /** Waits (real time) until LINE has been called `n` times on `endpoint`. */
    async function calls(endpoint: string, n: number): Promise<void> {
      for (let i = 0; i < 500 && f.emulator.calls({ endpoint }).length < n; i++) await sleep(10);
    }

    it('when LINE fails for a whole day, then a case update is still retried with its retry key and arrives once after it', async () => {
      f.emulator.faults.inject({ count: 20, status: 503, endpoint: 'push' });
      const [row] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: john,
        messages: [text('Case RPT-HYI-69-000007 is resolved.')],
        purpose: 'report-update',
      });
      await calls('push', 10);
      clock.advance(25 * 60 * 60_000); // a day and an hour of failures
      await f.settle();
      const pushes = f.emulator.calls({ endpoint: 'push' });
      expect(pushes).toHaveLength(21);
      expect(new Set(pushes.map((c) => c.retryKey))).toEqual(new Set([row!.retryKey]));
      expect(f.seen(john).map((m) => m.text)).toEqual(['Case RPT-HYI-69-000007 is resolved.']);
      expect(await f.hub.repos.outbox.get(row!._id)).toMatchObject({ status: 'sent', attempts: 21 });
    });

    it('when LINE fails past the 30-minute horizon of a help answer, then that answer is given up with the reason and the next message to the chat goes', async () => {
      f.emulator.faults.inject({ count: 3, status: 500, endpoint: 'push' });
      const [help] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: john,
        messages: [text('Tap the menu below to report.')],
        purpose: 'help',
      });
      await calls('push', 2);
      clock.advance(31 * 60_000);
      await f.hub.outbox.enqueue({
        kind: 'push',
        to: john,
        messages: [text('Your case was taken.')],
        purpose: 'report-update',
      });
      await f.settle();
      expect(await f.hub.repos.outbox.get(help!._id)).toMatchObject({ status: 'failed' });
      expect((await f.hub.repos.outbox.get(help!._id))!.lastError).toMatch(/^gave up after 31 min; last error 500: /);
      expect(f.seen(john).map((m) => m.text)).toEqual(['Your case was taken.']);
    });
  });

  describe("when replies wait their turn under LINE's rate", () => {
    beforeEach(async () => {
      f = await startHub({ outboxOptions: { ratePerSecond: { reply: 2, push: 1_800, multicast: 180 } } });
    });

    it('when a reply is still waiting, then its token is not on record as tried (an instance stopped there leaves it usable), and each goes out as a reply', async () => {
      const groups = [gid('1'), gid('2'), gid('3')];
      const tokens: string[] = [];
      for (const g of groups) tokens.push(await unusedReplyToken(f, g));
      const rows = [];
      for (const [i, g] of groups.entries()) {
        const [row] = await f.hub.outbox.enqueue({
          kind: 'reply',
          to: g,
          replyToken: tokens[i],
          replyTokenAt: f.clock.now(),
          messages: [text(`Noted ${i + 1}.`)],
          purpose: 'test',
        });
        rows.push(row!);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const waiting = await f.hub.repos.outbox.get(rows[2]!._id);
      expect(waiting).toMatchObject({ status: 'pending' });
      expect(waiting!.replyTriedAt).toBeUndefined();
      await f.settle();
      for (const [i, g] of groups.entries())
        expect(
          f
            .seen(g)
            .map((m) => m.text)
            .at(-1),
        ).toBe(`Noted ${i + 1}.`);
      expect(
        f.emulator
          .calls({ endpoint: 'reply' })
          .slice(-3)
          .map((c) => c.status),
      ).toEqual([200, 200, 200]);
    });
  });

  describe('when LINE delivers but answers an error', () => {
    beforeEach(async () => {
      f = await startHub();
    });

    it('when LINE delivers a reply and answers 500, then the retry finds the token used, counts it delivered, and the person sees it once', async () => {
      const group = gid('7');
      const token = await unusedReplyToken(f, group);
      f.emulator.faults.inject({ count: 1, status: 500, endpoint: 'reply', after: true });
      const [row] = await replyOn(f, group, token, 'Noted, thank you.');
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'reply' }).map((c) => [c.status, c.response])).toEqual([
        [500, expect.anything()],
        [400, { message: 'Invalid reply token' }],
      ]);
      expect(f.emulator.calls({ endpoint: 'push' })).toHaveLength(0);
      expect(f.seen(group).map((m) => m.text)).toEqual(['Noted, thank you.']);
      expect(await f.hub.repos.outbox.get(row!._id)).toMatchObject({ status: 'sent', sentAs: 'reply', attempts: 2 });
    });
    it('when LINE delivers a reply and answers 500, and the token is too old to try again, then it is pushed (twice rather than never) and counted apart', async () => {
      const group = gid('7');
      const token = await unusedReplyToken(f, group);
      // The event is 49 s old: the first try is within the hub's 50 s; LINE answers it 1.5 s later,
      // so the retry is not.
      f.emulator.faults.inject({ count: 1, status: 500, endpoint: 'reply', after: true, delayMs: 1_500 });
      const [row] = await replyOn(f, group, token, 'Noted, thank you.', f.clock.now() - 49_000);
      await f.settle();
      expect(f.emulator.calls({ endpoint: 'reply' }).map((c) => c.status)).toEqual([500]);
      expect(f.emulator.calls({ endpoint: 'push' })).toHaveLength(1);
      expect(f.seen(group).map((m) => m.text)).toEqual(['Noted, thank you.', 'Noted, thank you.']);
      expect(await f.hub.repos.outbox.get(row!._id)).toMatchObject({ status: 'sent', sentAs: 'push' });
      expect(
        await metricValue(f.hub, 'ssz_outbox_sends_total', { kind: 'reply', result: 'reply_unknown_pushed' }),
      ).toBe(1);
    });
  });

  describe('when the monthly quota runs out', () => {
    const PUSH = { kind: 'push' as const, purpose: 'news' };
    beforeEach(async () => {
      f = await startHub({ clock: 'manual' });
      f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    });

    it('when the quota is raised and a new push goes through, then what was held goes too and the gauge is reset', async () => {
      f.emulator.quota.setLimit(0);
      const [held] = await f.hub.outbox.enqueue({ ...PUSH, to: john, messages: [text('held 1')] });
      await f.settle();
      expect(await f.hub.repos.outbox.get(held!._id)).toMatchObject({ status: 'held' });
      expect(await metricValue(f.hub, 'ssz_line_quota_exhausted')).toBe(1);
      f.emulator.quota.setLimit(undefined);
      await f.hub.outbox.enqueue({ ...PUSH, to: john, messages: [text('new')] });
      await f.settle();
      await f.settle();
      expect(f.seen(john).map((m) => m.text)).toEqual(['new', 'held 1']);
      expect(await f.hub.repos.outbox.get(held!._id)).toMatchObject({ status: 'sent' });
      expect(await metricValue(f.hub, 'ssz_line_quota_exhausted')).toBe(0);
    });

    it('when a new Bangkok month begins, then the scheduler releases what was held (under its lease) and the gauge is reset', async () => {
      const clock = f.clock as ManualClock;
      f.emulator.quota.setLimit(0);
      const [held] = await f.hub.outbox.enqueue({ ...PUSH, to: john, messages: [text('held over the month')] });
      await f.settle();
      expect(await f.hub.scheduler.quotaMonthTick()).toBe(0); // same month: nothing to release
      expect(await f.hub.repos.outbox.get(held!._id)).toMatchObject({ status: 'held' });
      f.emulator.quota.setLimit(undefined); // LINE's new month
      clock.set(Date.UTC(2026, 10, 30, 17, 0, 0)); // 1 December 2026, 00:00 in Bangkok
      expect(await f.hub.scheduler.quotaMonthTick()).toBe(1);
      await f.settle();
      expect(f.seen(john).map((m) => m.text)).toEqual(['held over the month']);
      expect(await metricValue(f.hub, 'ssz_line_quota_exhausted')).toBe(0);
    });

    it('when an admin posts /admin/outbox/release-held, then the held messages are sent and the answer says how many', async () => {
      f.emulator.quota.setLimit(0);
      await f.hub.outbox.enqueue({ ...PUSH, to: john, messages: [text('a')] });
      await f.hub.outbox.enqueue({ ...PUSH, to: john, messages: [text('b')] });
      await f.settle();
      f.emulator.quota.setLimit(undefined);
      const res = await request(f.hub.app)
        .post('/admin/outbox/release-held')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ released: 2 });
      await f.settle();
      expect(f.seen(john).map((m) => m.text)).toEqual(['a', 'b']);
      expect(await metricValue(f.hub, 'ssz_line_quota_exhausted')).toBe(0);
    });
  });

  describe('with a short LINE timeout', () => {
    beforeEach(async () => {
      f = await startHub({ lineTimeoutMs: 150 });
      f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    });

    it('when LINE does not answer within the timeout, then the push is retried with the same key and delivered once', async () => {
      f.emulator.faults.inject({ count: 1, status: 500, endpoint: 'push', delayMs: 500 });
      const [row] = await f.hub.outbox.enqueue({
        kind: 'push',
        to: john,
        messages: [text('SOS received.')],
        purpose: 'sos',
      });
      await f.settle();
      expect(f.seen(john).map((m) => m.text)).toEqual(['SOS received.']);
      const stored = await f.hub.repos.outbox.get(row!._id);
      expect(stored).toMatchObject({ status: 'sent', attempts: 2 });
      expect(stored!.lastError).toMatch(/timed out after 150 ms/);
      // The slow first call is logged by the emulator once it finally answers.
      await f.emulator.waitFor((c) => c.endpoint === 'push' && c.status === 500, 2000);
      const pushes = f.emulator.calls({ endpoint: 'push' });
      expect(pushes.map((c) => c.retryKey)).toEqual([row!.retryKey, row!.retryKey]);
      expect(f.emulator.delivered(john)).toHaveLength(1);
    });
  });
});

/**
 * Sits between the hub and the emulator and holds back chosen answers: LINE has done the work (the
 * message is delivered, the retry key accepted), but the answer reaches the hub after its timeout.
 */
async function slowAnswers(target: string, holdMs: (path: string, nth: number) => number) {
  const counts = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const server = http.createServer((req, res) => {
    const work = (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      }
      const body = Buffer.concat(chunks);
      const upstream = await fetch(target + req.url, {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      const path = req.url ?? '';
      const nth = (counts.get(path) ?? 0) + 1;
      counts.set(path, nth);
      const hold = holdMs(path, nth);
      if (hold > 0) await sleep(hold);
      if (res.destroyed) return;
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)) out[k] = v;
      });
      res.writeHead(upstream.status, out).end(answer);
    })();
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('outbox: an answer from LINE that arrives too late', () => {
  let emulator: Emulator;
  let closeAll: () => Promise<void>;
  let hub: Hub;
  const john = uid('b');

  beforeEach(async () => {
    emulator = createEmulator({ channelSecret: SECRET, channelAccessToken: TOKEN });
    const emu = await emulator.listen(0, '127.0.0.1');
    // Only the first push is slow to answer.
    const proxy = await slowAnswers(emu.url, (path, nth) => (path === '/v2/bot/message/push' && nth === 1 ? 400 : 0));
    const store = new EmbeddedStore();
    const built = testHub(proxy.url, store, { lineTimeoutMs: 150 });
    hub = built.hub;
    const line = built.line;
    await hub.start();
    closeAll = async () => {
      await hub.drain();
      await hub.stop();
      await line.close();
      await proxy.close();
      await emu.close();
      await store.close();
    };
  });
  afterEach(async () => {
    await closeAll();
  });

  it('when LINE accepted a push but answered after the timeout, then the retry gets 409, the row is sent, and the person sees it once', async () => {
    emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    const [row] = await hub.outbox.enqueue({
      kind: 'push',
      to: john,
      messages: [text('Your report was received.')],
      purpose: 'report-ack',
    });
    await hub.drain();
    expect(emulator.calls({ endpoint: 'push' }).map((c) => [c.status, c.retryKey])).toEqual([
      [200, row!.retryKey],
      [409, row!.retryKey],
    ]);
    expect(emulator.delivered(john).map((d) => d.message.text)).toEqual(['Your report was received.']);
    const stored = await hub.repos.outbox.get(row!._id);
    expect(stored).toMatchObject({ status: 'sent', attempts: 2 });
    expect(stored!.lastError).toMatch(/timed out/);
  });
});
