import { randomBytes } from 'node:crypto';
import type { Filter } from '../../src/store/store-port';
import { InterceptedStore } from '../support/intercepted-store';
import { startHub, uid, type HubFixture } from '../support/hub-fixture';

/**
 * The embedded store with a hook in front of the `users` collection's findOne, so a test can make
 * the bot fail (or stall) for one person without touching the app's code.
 */
class HookedStore extends InterceptedStore {
  beforeUserLookup: (filter: Filter) => Promise<void> | void = () => undefined;

  protected async around(
    collection: string,
    method: string,
    args: unknown[],
    proceed: () => Promise<unknown>,
  ): Promise<unknown> {
    if (collection === 'users' && method === 'findOne') await this.beforeUserLookup(args[0] as Filter);
    return proceed();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inbox: redelivery, order per person, failures', () => {
  let f: HubFixture;
  let store: HookedStore;
  const john = uid('b');
  const somchai = uid('a');
  beforeEach(async () => {
    store = new HookedStore();
    f = await startHub({ store });
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    f.emulator.users.add({ userId: somchai, displayName: 'สมชาย', language: 'th' });
  });
  afterEach(async () => {
    await f.close();
  });
  /** The first user lookup takes `ms`: events that come meanwhile wait behind the one being handled. */
  const slowFirstLookup = (ms: number) => {
    let lookups = 0;
    store.beforeUserLookup = async () => {
      lookups += 1;
      if (lookups === 1) await sleep(ms);
    };
  };

  it('when LINE redelivers an event that was already handled, then the person is answered once and the answer says duplicate', async () => {
    const first = await f.emulator.driver.text({ userId: john }, 'what is the weather');
    await f.settle();
    const again = await f.emulator.driver.redeliver(first.events[0]);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ accepted: 0, duplicates: 1 });
    await f.settle();
    expect(f.seen(john)).toHaveLength(1);
    expect(f.emulator.calls({ endpoint: 'reply' })).toHaveLength(1);
    expect(f.emulator.calls({ endpoint: 'push' })).toHaveLength(0);
    expect(await f.hub.repos.inbox.get(first.events[0].webhookEventId)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('when LINE redelivers an event while the first copy is still being handled, then it is handled once', async () => {
    // Hold the first handling until the redelivery has been answered.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.beforeUserLookup = () => gate;
    const first = await f.emulator.driver.text({ userId: john }, 'what is the weather');
    const again = await f.emulator.driver.redeliver(first.events[0]);
    expect(JSON.parse(again.body)).toEqual({ accepted: 0, duplicates: 1 });
    release();
    await f.settle();
    expect(f.seen(john)).toHaveLength(1);
  });

  it('when one body holds the same event twice, then it is handled once and the answer counts one duplicate', async () => {
    const probe = await f.emulator.driver.text({ userId: john }, 'what is the weather');
    await f.settle();
    // A fresh event (new id and reply token) that appears twice in one request.
    const event = {
      ...probe.events[0],
      webhookEventId: probe.events[0].webhookEventId.slice(0, -4) + 'ZZZZ',
      replyToken: 'ab'.repeat(16),
      message: { ...probe.events[0].message, id: '999000111222333', text: 'hello again' },
    };
    const result = await f.emulator.driver.send([event, event]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ accepted: 1, duplicates: 1 });
    await f.settle();
    expect(f.seen(john)).toHaveLength(2); // one for the probe, one for the doubled event
    const replies = f.emulator.calls({ endpoint: 'reply' });
    expect(replies.map((c) => (c.body as { replyToken: string }).replyToken)).toEqual([
      probe.events[0].replyToken,
      'ab'.repeat(16),
    ]);
    expect(f.emulator.calls({ endpoint: 'push' })).toHaveLength(0);
  });

  it('when a person sends five messages quickly, then they are handled and answered in the order sent', async () => {
    // The first lookup is slow: without per-person sequencing the later events would overtake it.
    slowFirstLookup(40);
    const sent = [
      await f.emulator.driver.text({ userId: john }, 'what is the weather'),
      await f.emulator.driver.text({ userId: john }, 'language'),
      // Switches to Thai: the next two answers are in Thai only if this one was handled first.
      await f.emulator.driver.postback({ userId: john }, 'a=lang&v=th'),
      await f.emulator.driver.text({ userId: john }, 'what is the weather'),
      await f.emulator.driver.text({ userId: john }, 'language'),
    ];
    expect(sent.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await f.settle();
    const texts = f.seen(john).map((m) => m.text);
    expect(texts).toHaveLength(5);
    expect(texts[0]).toContain("Sorry, we didn't understand");
    expect(texts[1]).toBe('เลือกภาษา · Choose a language · Pilih bahasa');
    expect(texts[2]).toBe('เปลี่ยนเป็นภาษาไทยแล้วค่ะ');
    expect(texts[3]).toContain('ยังไม่เข้าใจ');
    expect(texts[4]).toBe('เลือกภาษา · Choose a language · Pilih bahasa');

    // What is stored tells the same story: inbox in arrival order, answers queued in that order.
    const ids = sent.map((r) => r.events[0].webhookEventId as string);
    const entries = await Promise.all(ids.map((id) => f.hub.repos.inbox.get(id)));
    const seqs = entries.map((e) => e!.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(entries.every((e) => e!.status === 'done')).toBe(true);
    // Handled: no event kept, and no place in the chat's order any more (only pending ones need it).
    const raw = await f.store.collection<Record<string, unknown> & { _id: string }>('inbox').findOne({ _id: ids[0]! });
    expect(raw).toMatchObject({ event: null, occurred: null });
    expect(entries[0]).not.toHaveProperty('occurred');
    // Each answer is named after its event, and went out on that event's reply token.
    const rows = await f.hub.repos.outbox.find({ to: john });
    expect(rows.map((r) => r._id)).toEqual(ids.map((id) => `${id}:0#0`));
    expect(rows.every((r) => r.sentAs === 'reply')).toBe(true);
    expect(f.emulator.calls({ endpoint: 'reply' }).map((c) => (c.body as { replyToken: string }).replyToken)).toEqual(
      sent.map((r) => r.events[0].replyToken),
    );
  });

  it('when LINE delivers a message after one the person sent later (a redelivery, the network), then they are handled in the order sent', async () => {
    // The first lookup is slow, so both later events wait while it is handled.
    slowFirstLookup(300);
    let n = 0;
    const sentAt = (timestamp: number, what: Record<string, unknown>) => ({
      ...what,
      mode: 'active',
      timestamp,
      webhookEventId: `ORDER-${++n}`,
      deliveryContext: { isRedelivery: false },
      source: { type: 'user', userId: john },
      replyToken: randomBytes(16).toString('hex'),
    });
    const text = (words: string) => ({
      type: 'message',
      message: { type: 'text', id: `7000${n}`, quoteToken: 'q', text: words },
    });
    const t = f.clock.now();
    const first = sentAt(t - 3, text('what is the weather'));
    // Switches to Thai: the third answer is in Thai only if this is handled before it.
    const second = sentAt(t - 2, { type: 'postback', postback: { data: 'a=lang&v=th' } });
    const third = sentAt(t - 1, text('what is the weather'));
    for (const event of [first, third, second]) expect((await f.emulator.driver.send([event])).status).toBe(200);
    await f.settle();

    const texts = f.seen(john).map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain("Sorry, we didn't understand");
    expect(texts[1]).toBe('เปลี่ยนเป็นภาษาไทยแล้วค่ะ');
    expect(texts[2]).toContain('ยังไม่เข้าใจ');
  });

  it('when the handler throws for one event, then that event is marked failed with the error and the others complete', async () => {
    store.beforeUserLookup = (filter) => {
      if (filter._id === somchai) throw new Error('users collection unreadable for this record');
    };
    const before = await f.emulator.driver.text({ userId: john }, 'first');
    const bad = await f.emulator.driver.text({ userId: somchai }, 'อากาศเป็นไง');
    const good = await f.emulator.driver.text({ userId: john }, 'what is the weather');
    expect([before.status, bad.status, good.status]).toEqual([200, 200, 200]);
    await f.settle();

    const failed = await f.hub.repos.inbox.get(bad.events[0].webhookEventId);
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'Error: users collection unreadable for this record',
      attempts: 1,
    });
    expect(await f.hub.repos.inbox.get(good.events[0].webhookEventId)).toMatchObject({ status: 'done' });
    expect(await f.hub.repos.inbox.count('failed')).toBe(1);
    // John was answered as usual (both of his messages).
    expect(f.seen(john).map((m) => m.text)).toEqual([
      expect.stringContaining("Sorry, we didn't understand"),
      expect.stringContaining("Sorry, we didn't understand"),
    ]);
  });

  it('when the handler throws for a person, then they still hear that something went wrong, on the reply token', async () => {
    store.beforeUserLookup = (filter) => {
      if (filter._id === somchai) throw new Error('boom');
    };
    const bad = await f.emulator.driver.text({ userId: somchai }, 'อากาศเป็นไง');
    await f.settle();
    // Their language could not be read, so the apology is in Thai (the default), with the main actions.
    expect(f.seen(somchai)).toEqual([
      expect.objectContaining({
        text: expect.stringContaining('ระบบขัดข้องชั่วคราว'),
        quickReply: expect.arrayContaining(['🆘 SOS']),
      }),
    ]);
    expect(f.emulator.calls({ endpoint: 'reply' })).toEqual([
      expect.objectContaining({ status: 200, body: expect.objectContaining({ replyToken: bad.events[0].replyToken }) }),
    ]);
    expect((await f.hub.repos.outbox.find({ to: somchai }))[0]).toMatchObject({ purpose: 'error', status: 'sent' });
  });

  it('when one request mixes a failing event and a good one, then the answer is still 200 for both and only one fails', async () => {
    store.beforeUserLookup = (filter) => {
      if (filter._id === somchai) throw new Error('boom');
    };
    const a = await f.emulator.driver.text({ userId: somchai }, 'x');
    const b = await f.emulator.driver.text({ userId: john }, 'y');
    await f.settle();
    // Both in one body this time, from the recorded events with fresh ids.
    const retag = (e: any, suffix: string) => ({
      ...e,
      webhookEventId: e.webhookEventId.slice(0, -4) + suffix,
      replyToken: suffix.repeat(8).toLowerCase(),
    });
    const result = await f.emulator.driver.send([retag(a.events[0], 'AAAA'), retag(b.events[0], 'BBBB')]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ accepted: 2, duplicates: 0 });
    await f.settle();
    expect(await f.hub.repos.inbox.count('failed')).toBe(2);
    expect(await f.hub.repos.inbox.count('done')).toBe(2);
  });
});
