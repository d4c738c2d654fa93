import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Hub } from '../../src/app';
import { sourceKeyOf } from '../../src/bot/inbox';
import { InterceptedStore } from '../support/intercepted-store';
import { createEmulator, type Emulator } from '../../src/emulator';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import { InboxRepository, type InboxEntry } from '../../src/store/repositories/inbox-repository';
import { OutboxRepository, type OutboxEntry } from '../../src/store/repositories/outbox-repository';
import type { Store } from '../../src/store/store-port';
import { SECRET, TEST_EPOCH, TOKEN, gid, testHub, uid } from '../support/hub-fixture';
import { AnchoredClock } from '../../src/util/clock';

/** Every process of these tests, and LINE, share one clock set to the test's date. */
const clock = new AnchoredClock(TEST_EPOCH);

// These tests restart the hub on the same data directory, as a redeploy or a crash would: one LINE
// (the emulator) for the whole story, one process after another on the store files.

interface HubProcess {
  hub: Hub;
  resumed: { resumedEvents: number; resumedMessages: number };
  /** Graceful: what server.ts does on SIGTERM once its drain deadline has passed. */
  stop(): Promise<void>;
  /** The process is gone: no stop(), no store close; only its listening socket is released. */
  kill(): Promise<void>;
}

async function startProcess(emulator: Emulator, lineUrl: string, store: Store): Promise<HubProcess> {
  const { hub, line } = testHub(lineUrl, store, { clock });
  const resumed = await hub.start();
  const server: Server = await new Promise((resolve) => {
    const s = hub.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  emulator.setWebhookUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`);
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    hub,
    resumed,
    async stop() {
      await closeServer();
      await hub.stop();
      await line.close();
      await store.close();
    },
    kill: closeServer,
  };
}

/** A webhook receiver that answers 200 and does nothing else: the front of a process that died before handling. */
async function deadReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const WRITES = new Set(['insert', 'insertNew', 'updateOne', 'upsertOne', 'updateMany', 'deleteMany']);

/**
 * The embedded store, until the process "dies": from the first write `diesAt` picks, no write ever
 * completes (nothing more reaches the files), exactly as after a SIGKILL. Reads keep working so the
 * test can look at what was on disk.
 */
class MortalStore extends InterceptedStore {
  private dead = false;
  private announceDeath!: () => void;
  readonly died = new Promise<void>((resolve) => (this.announceDeath = resolve));

  constructor(
    inner: EmbeddedStore,
    private readonly diesAt: (collection: string, method: string, args: unknown[]) => boolean,
  ) {
    super(inner);
  }

  protected around(
    collection: string,
    method: string,
    args: unknown[],
    proceed: () => Promise<unknown>,
  ): Promise<unknown> {
    if (!WRITES.has(method)) return proceed();
    if (!this.dead && this.diesAt(collection, method, args)) {
      this.dead = true;
      this.announceDeath();
    }
    return this.dead ? new Promise(() => undefined) : proceed();
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('restart: a new process finishes what the previous one left', () => {
  let dir: string;
  let emulator: Emulator;
  let closeEmulator: () => Promise<void>;
  let lineUrl: string;
  // The emulator's clock can be set back, to send events that happened a while ago.
  let skewMs = 0;
  const toClose: Array<() => Promise<void>> = [];
  const john = uid('b');
  const somchai = uid('a');
  const officer = uid('d');
  const stationGroup = gid('9');

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-restart-'));
    skewMs = 0;
    // LINE says the reply-token time limit "may change without notice" (line-api.md 2.2): this LINE
    // keeps tokens for 30 s, shorter than the outbox's 50 s rule, so a token can die while the hub still trusts it.
    emulator = createEmulator({
      channelSecret: SECRET,
      channelAccessToken: TOKEN,
      now: () => clock.now() + skewMs,
      replyTokenTtlMs: 30_000,
    });
    const listening = await emulator.listen(0, '127.0.0.1');
    lineUrl = listening.url;
    closeEmulator = listening.close;
    emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    emulator.users.add({ userId: somchai, displayName: 'สมชาย', language: 'th' });
    emulator.users.add({ userId: officer, displayName: 'ร.ต.ท. วิชัย', language: 'th' });
    emulator.groups.add({ groupId: stationGroup, groupName: 'สภ.หาดใหญ่', memberIds: [officer, uid('f')] });
  });
  /**
   * The process dies once `mortal` stopped writing (the event's own done mark, written before the
   * send came back, is on record); a new process on the same files resumes the one message.
   */
  async function dieAndRestart(mortal: MortalStore, first: HubProcess, eventId: string): Promise<HubProcess> {
    await mortal.died;
    await until(async () => (await new InboxRepository(mortal.inner).get(eventId))?.status === 'done');
    await first.kill();
    const next = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    toClose.push(() => next.stop());
    expect(next.resumed).toEqual({ resumedEvents: 0, resumedMessages: 1 });
    await next.hub.drain();
    return next;
  }

  afterEach(async () => {
    for (const close of toClose.splice(0).reverse()) await close();
    await closeEmulator();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a process dies with events and messages pending, then the next one handles each event once and sends each message once with its stored retry key', async () => {
    // Phase 1: the old process received three events (LINE issued their reply tokens) and persisted
    // them, and queued four messages, one of which it managed to send; then it died.
    const receiver = await deadReceiver();
    emulator.setWebhookUrl(receiver.url);
    skewMs = -120_000; // two minutes ago: its token is long dead
    const old = await emulator.driver.text({ userId: john }, 'what is the weather');
    skewMs = -40_000; // 40 s ago: the hub would still try the token, but LINE has expired it
    const late = await emulator.driver.text({ userId: somchai }, 'ภาษา');
    skewMs = 0;
    const fresh = await emulator.driver.text({ userId: john }, 'language');
    await receiver.close();

    const oldStore = new EmbeddedStore({ dir });
    const events = [old, late, fresh].map((r) => r.events[0]);
    const base = clock.now() * 1000;
    const entries: InboxEntry[] = events.map((event, i) => ({
      _id: event.webhookEventId,
      seq: base + i,
      sourceKey: sourceKeyOf(event),
      event,
      status: 'pending',
      receivedAt: clock.now(),
      attempts: 0,
    }));
    expect(await new InboxRepository(oldStore).accept(entries)).toHaveLength(3);
    const outboxRepo = new OutboxRepository(oldStore);
    const row = (to: string, body: string, seq: number, extra: Partial<OutboxEntry> = {}): OutboxEntry => ({
      _id: randomUUID(),
      kind: 'push',
      to,
      messages: [{ type: 'text', text: body }],
      retryKey: randomUUID(),
      orderKey: to,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: clock.now(),
      createdAt: clock.now(),
      seq: base + 10 + seq,
      purpose: 'case-update',
      ...extra,
    });
    const rows = [
      row(officer, 'SSZ-0001 acknowledged', 1),
      row(officer, 'SSZ-0001 resolved', 2),
      row(stationGroup, 'New report SSZ-0002', 3),
      row(officer, 'SSZ-0000 closed (sent before the crash)', 0, {
        status: 'sent',
        sentAt: clock.now(),
        sentAs: 'push',
      }),
    ];
    for (const r of rows) await outboxRepo.add(r);
    await oldStore.close();

    // Phase 2: a new process on the same files.
    const next = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    toClose.push(() => next.stop());
    expect(next.resumed).toEqual({ resumedEvents: 3, resumedMessages: 3 });
    await next.hub.drain();

    // Every event handled once, every person answered exactly once per message they sent.
    for (const event of events)
      expect(await next.hub.repos.inbox.get(event.webhookEventId)).toMatchObject({ status: 'done', attempts: 1 });
    expect(emulator.delivered(john).map((d) => [d.message.text, d.via])).toEqual([
      [expect.stringContaining("didn't understand"), 'push'], // stale token: pushed without trying it
      ['เลือกภาษา · Choose a language · Pilih bahasa', 'reply'],
    ]);
    expect(emulator.delivered(somchai).map((d) => [d.message.text, d.via])).toEqual([
      ['เลือกภาษา · Choose a language · Pilih bahasa', 'push'],
    ]);
    // somchai's token was tried and refused by LINE; john's live one was used; his stale one never tried.
    const replyStatus = (event: { replyToken: string }) =>
      emulator
        .calls({ endpoint: 'reply' })
        .filter((c) => (c.body as { replyToken: string }).replyToken === event.replyToken)
        .map((c) => c.status);
    expect(replyStatus(late.events[0])).toEqual([400]);
    expect(replyStatus(fresh.events[0])).toEqual([200]);
    expect(replyStatus(old.events[0])).toEqual([]);

    // Every pending message sent once, with the retry key stored before the crash, in queue order.
    for (const r of rows.slice(0, 3)) {
      expect(
        emulator
          .calls({ endpoint: 'push' })
          .filter((c) => c.retryKey === r.retryKey)
          .map((c) => c.status),
      ).toEqual([200]);
      expect(await next.hub.repos.outbox.get(r._id)).toMatchObject({ status: 'sent', sentAs: 'push' });
    }
    expect(emulator.calls({ endpoint: 'push' }).some((c) => c.retryKey === rows[3]!.retryKey)).toBe(false);
    expect(emulator.delivered(officer).map((d) => d.message.text)).toEqual([
      'SSZ-0001 acknowledged',
      'SSZ-0001 resolved',
    ]);
    expect(emulator.delivered(stationGroup).map((d) => d.message.text)).toEqual(['New report SSZ-0002']);
    expect(await next.hub.repos.outbox.count('pending')).toBe(0);

    // And what is on disk says so: a third process finds nothing left to do.
    await toClose.pop()!();
    const callsBefore = emulator.calls().length;
    const third = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    toClose.push(() => third.stop());
    expect(third.resumed).toEqual({ resumedEvents: 0, resumedMessages: 0 });
    await third.hub.drain();
    expect(emulator.calls().length).toBe(callsBefore);
  });

  it('when a process dies after answering an event but before its done mark was written, then the next one handles it again and sends nothing twice', async () => {
    const first = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    const sent = await emulator.driver.text({ userId: john }, 'what is the weather');
    const eventId = sent.events[0].webhookEventId as string;
    await first.hub.drain();
    expect(emulator.delivered(john)).toHaveLength(1);
    // The done mark is lost (it is written once per event-loop turn, after the answer was queued):
    // on disk the event is as it was stored, pending and whole.
    await first.stop();
    const lost = new EmbeddedStore({ dir });
    await lost
      .collection('inbox')
      .updateOne(
        { _id: eventId },
        { $set: { status: 'pending', attempts: 0, event: JSON.stringify(sent.events[0]) }, $unset: { doneAt: true } },
      );
    await lost.close();

    const next = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    toClose.push(() => next.stop());
    expect(next.resumed).toEqual({ resumedEvents: 1, resumedMessages: 0 });
    await next.hub.drain();
    expect(await next.hub.repos.inbox.get(eventId)).toMatchObject({ status: 'done', attempts: 1 });
    expect(emulator.delivered(john)).toHaveLength(1);
    expect(emulator.calls({ endpoint: 'reply' })).toHaveLength(1);
    expect(emulator.calls({ endpoint: 'push' })).toHaveLength(0);
    expect(await next.hub.repos.outbox.count()).toBe(1);
  });

  it('when the hub is stopped while a reply is in flight and LINE answers 500, then the next process sends it once', async () => {
    const first = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    emulator.faults.inject({ count: 1, status: 500, endpoint: 'reply', delayMs: 300 });
    const sent = await emulator.driver.text({ userId: john }, 'what is the weather');
    expect(sent.status).toBe(200);
    const eventId = sent.events[0].webhookEventId as string;
    await until(async () => (await first.hub.repos.inbox.get(eventId))?.status === 'done');
    await first.stop(); // the reply is still waiting for LINE's answer

    const next = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    toClose.push(() => next.stop());
    expect(next.resumed).toEqual({ resumedEvents: 0, resumedMessages: 1 });
    await next.hub.drain();
    const token = sent.events[0].replyToken;
    expect(
      emulator.calls({ endpoint: 'reply' }).map((c) => [c.status, (c.body as { replyToken: string }).replyToken]),
    ).toEqual([
      [500, token],
      [200, token],
    ]);
    expect(emulator.delivered(john)).toHaveLength(1);
    expect(await next.hub.repos.outbox.count('sent')).toBe(1);
  });

  it('when the hub is stopped while a reply is in flight and LINE then refuses the token, then the next process pushes it instead of dropping it', async () => {
    const first = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    emulator.faults.inject({
      count: 1,
      status: 400,
      endpoint: 'reply',
      body: { message: 'Invalid reply token' },
      delayMs: 300,
    });
    const sent = await emulator.driver.text({ userId: john }, 'what is the weather');
    const eventId = sent.events[0].webhookEventId as string;
    await until(async () => (await first.hub.repos.inbox.get(eventId))?.status === 'done');
    await first.stop();

    const next = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    toClose.push(() => next.stop());
    await next.hub.drain();
    expect(emulator.delivered(john).map((d) => [d.message.text, d.via])).toEqual([
      [expect.stringContaining("didn't understand"), 'push'],
    ]);
    const [row] = await next.hub.repos.outbox.find({ to: john });
    expect(row).toMatchObject({ status: 'sent', sentAs: 'push' });
  });

  it('when the hub is stopped while a push is being retried, then the next process sends it once with the same retry key', async () => {
    const first = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    emulator.faults.inject({ count: 1, status: 503, endpoint: 'push', delayMs: 400 });
    const [queued] = await first.hub.outbox.enqueue({
      kind: 'push',
      to: stationGroup,
      messages: [{ type: 'text', text: 'SOS near Hat Yai station' }],
      purpose: 'sos-alert',
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the push has left and is waiting for LINE's answer
    await first.stop();

    const next = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    toClose.push(() => next.stop());
    expect(next.resumed.resumedMessages).toBe(1);
    await next.hub.drain();
    expect(emulator.calls({ endpoint: 'push' }).map((c) => [c.status, c.retryKey])).toEqual([
      [503, queued!.retryKey],
      [200, queued!.retryKey],
    ]);
    expect(emulator.delivered(stationGroup)).toHaveLength(1);
  });

  it('when a process dies after LINE took a reply but before recording it, then the next process counts it delivered and does not push it again', async () => {
    const mortal = new MortalStore(
      new EmbeddedStore({ dir }),
      (collection, method, args) =>
        collection === 'outbox' &&
        method === 'updateOne' &&
        (args[1] as { $set?: { status?: string; sentAs?: string } }).$set?.sentAs === 'reply',
    );
    const first = await startProcess(emulator, lineUrl, mortal);
    const sent = await emulator.driver.text({ userId: john }, 'what is the weather');
    const eventId = sent.events[0].webhookEventId as string;
    // LINE delivered the reply; the process dies before writing "sent".
    const next = await dieAndRestart(mortal, first, eventId);
    expect(emulator.calls({ endpoint: 'reply' }).map((c) => [c.status, c.response])).toEqual([
      [200, expect.anything()],
      [400, { message: 'Invalid reply token' }],
    ]);
    expect(emulator.calls({ endpoint: 'push' })).toHaveLength(0);
    expect(emulator.delivered(john)).toHaveLength(1);
    expect(await next.hub.repos.outbox.find({ to: john })).toEqual([
      expect.objectContaining({ status: 'sent', sentAs: 'reply' }),
    ]);
  });

  it('when more than 10,000 events and 10,000 messages were pending, then a restart resumes every one of them, not the first 10,000', async () => {
    const store = new EmbeddedStore({ dir });
    const base = clock.now() * 1000;
    const entries: InboxEntry[] = Array.from({ length: 10_050 }, (_, i) => ({
      _id: `01JRESUMEPAGE${String(i).padStart(13, '0')}`,
      seq: base + i,
      sourceKey: `user:${uid(String(i % 10))}`,
      event: {
        type: 'unfollow',
        mode: 'active',
        timestamp: clock.now(),
        webhookEventId: `01JRESUMEPAGE${String(i).padStart(13, '0')}`,
        deliveryContext: { isRedelivery: false },
        source: { type: 'user', userId: uid(String(i % 10)) },
      },
      status: 'pending',
      receivedAt: clock.now(),
      attempts: 0,
    }));
    await new InboxRepository(store).accept(entries);
    const rows: OutboxEntry[] = Array.from({ length: 10_050 }, (_, i) => ({
      _id: `resume-page-${i}`,
      kind: 'push',
      to: john,
      messages: [{ type: 'text', text: `zone news ${i}` }],
      retryKey: randomUUID(),
      orderKey: john,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: clock.now(),
      createdAt: clock.now(),
      seq: base + 20_000 + i,
      purpose: 'news',
    }));
    await store.collection('outbox').insertNew(rows.map((r) => ({ ...r, messages: JSON.stringify(r.messages) })));
    await store.close();

    // LINE is down for the moment: the resumed messages wait in line instead of flooding this test.
    emulator.faults.inject({ status: 503, endpoint: 'push', forMs: 60_000 });
    const next = await startProcess(emulator, lineUrl, new EmbeddedStore({ dir }));
    toClose.push(() => next.stop());
    expect(next.resumed).toEqual({ resumedEvents: 10_050, resumedMessages: 10_050 });
    const inFlight = (await next.hub.metrics.registry.getSingleMetricAsString('ssz_outbox_in_flight')).split(' ').pop();
    expect(Number(inFlight)).toBe(10_050);
    await next.hub.inbox.drain();
    expect(await next.hub.repos.inbox.count('pending')).toBe(0);
    expect(await next.hub.repos.inbox.count('done')).toBe(10_050);
  }, 30_000);

  it('when a process dies after LINE accepted a push but before recording it, then the next process gets 409 for the retry and the person sees it once', async () => {
    // The answer to an event that happened 55 s ago goes out as a push (line-api.md 2.2), with a retry key.
    const mortal = new MortalStore(
      new EmbeddedStore({ dir }),
      (collection, method, args) =>
        collection === 'outbox' &&
        method === 'updateOne' &&
        (args[1] as { $set?: { status?: string } }).$set?.status === 'sent',
    );
    const first = await startProcess(emulator, lineUrl, mortal);
    const eventId = '01JRESTARTKILLED0000000001';
    const result = await emulator.driver.send([
      {
        type: 'message',
        mode: 'active',
        timestamp: clock.now() - 55_000,
        webhookEventId: eventId,
        deliveryContext: { isRedelivery: true },
        source: { type: 'user', userId: john },
        replyToken: 'c0ffee'.repeat(5) + 'c0',
        message: { id: '800000000000001', type: 'text', quoteToken: 'q', text: 'what is the weather' },
      },
    ]);
    expect(result.status).toBe(200);
    // LINE has accepted the push; the process dies before writing "sent".
    const next = await dieAndRestart(mortal, first, eventId);
    const pushes = emulator.calls({ endpoint: 'push' });
    expect(pushes.map((c) => c.status)).toEqual([200, 409]);
    expect(pushes[0]!.retryKey).toBe(pushes[1]!.retryKey);
    expect(emulator.delivered(john)).toHaveLength(1);
    const [row] = await next.hub.repos.outbox.find({ to: john });
    expect(row).toMatchObject({ status: 'sent', retryKey: pushes[0]!.retryKey });
  });
});
