import { randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { signBody } from '../../src/emulator';
import { healthRouter } from '../../src/entry-points/health-router';
import { createMetrics } from '../../src/metrics';
import type { Store } from '../../src/store/store-port';
import { SECRET, TEST_EPOCH, startHub, uid, type HubFixture } from '../support/hub-fixture';
import { InterceptedStore } from '../support/intercepted-store';

// A text event shaped like LINE's (line-api.md 1.5), for requests built by hand with supertest.
let eventCounter = 0;
function textEvent(userId: string, text: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  eventCounter += 1;
  return {
    type: 'message',
    mode: 'active',
    timestamp: TEST_EPOCH,
    webhookEventId: `01JTESTWEBHOOK${String(eventCounter).padStart(12, '0')}`,
    deliveryContext: { isRedelivery: false },
    source: { type: 'user', userId },
    replyToken: randomBytes(16).toString('hex'),
    message: { id: String(600_000_000_000_000 + eventCounter), type: 'text', quoteToken: 'q' + eventCounter, text },
    ...overrides,
  };
}

function signed(body: string) {
  return { 'content-type': 'application/json; charset=utf-8', 'x-line-signature': signBody(SECRET, body) };
}

/** Reads one sample of a Prometheus counter from the text exposition. */
function counterValue(exposition: string, name: string, labels: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('POST /webhook', () => {
  let f: HubFixture;
  const john = uid('b');
  beforeEach(async () => {
    f = await startHub();
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
  });
  afterEach(async () => {
    await f.close();
  });

  it('when LINE sends a correctly signed event, then it answers 200 only after the event is stored in the inbox', async () => {
    const result = await f.emulator.driver.text({ userId: john }, 'what is the weather');
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ accepted: 1, duplicates: 0 });
    // Checked before settle(): the 200 promised LINE the event is safe, so it must already be on record.
    const id = result.events[0].webhookEventId as string;
    const stored = await f.hub.repos.inbox.get(id);
    expect(stored).toMatchObject({ _id: id, sourceKey: `user:${john}` });
    await f.settle();
    expect(f.seen(john)).toHaveLength(1);
    // Once handled, the inbox keeps what deduplication needs and drops what John wrote.
    const done = await f.hub.repos.inbox.get(id);
    expect(done).toMatchObject({ _id: id, status: 'done', attempts: 1 });
    expect(done!.event).toBeUndefined();
    expect(JSON.stringify(done)).not.toContain('what is the weather');
  });

  it('when the signature is wrong, then it answers 401 and stores nothing', async () => {
    const body = JSON.stringify({ destination: f.emulator.botUserId, events: [textEvent(john, 'hello')] });
    const res = await request(f.hub.app)
      .post('/webhook')
      .set('content-type', 'application/json')
      .set('x-line-signature', signBody('some-other-channel-secret', body))
      .send(body);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: 'signature validation failed' });
    await f.settle();
    expect(await f.hub.repos.inbox.count()).toBe(0);
    expect(f.emulator.calls()).toHaveLength(0);
  });

  it('when the signature header is missing, then it answers 401 and stores nothing', async () => {
    const result = await f.emulator.driver.send([textEvent(john, 'hello')], { signature: null });
    expect(result.status).toBe(401);
    expect(JSON.parse(result.body)).toEqual({ message: 'missing x-line-signature' });
    expect(await f.hub.repos.inbox.count()).toBe(0);
  });

  it('when a correctly signed body is not JSON, then it answers 400', async () => {
    const result = await f.emulator.driver.send([], { rawBody: '{"destination":"U1","events":[' });
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ message: 'body is not JSON' });
  });

  it('when a correctly signed JSON body has no events array, then it answers 400 and names the field', async () => {
    const body = JSON.stringify({ destination: f.emulator.botUserId });
    const res = await request(f.hub.app).post('/webhook').set(signed(body)).send(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/events/);
    expect(await f.hub.repos.inbox.count()).toBe(0);
  });

  it('when an event has no webhookEventId, then it answers 200, handles the other event, and keeps the bad one as invalid (a redelivery of it is a duplicate)', async () => {
    const noId = textEvent(john, 'hello');
    delete noId.webhookEventId;
    const result = await f.emulator.driver.send([textEvent(john, 'first'), noId]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ accepted: 1, duplicates: 0, invalid: 1 });
    const [invalid] = await f.store.collection<{ _id: string; error: string }>('inbox').find({ status: 'failed' });
    expect(invalid!.error).toBe('invalid event: webhookEventId is missing or not an event id');
    const again = await f.emulator.driver.send([noId]);
    expect(JSON.parse(again.body)).toEqual({ accepted: 0, duplicates: 1, invalid: 1 });
    expect(await f.hub.repos.inbox.count('failed')).toBe(1);
    await f.settle();
    expect(f.seen(john)).toHaveLength(1);
  });

  it('when a body of 2 MB arrives, then it answers 413 and keeps serving the next webhook', async () => {
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const body = JSON.stringify({ destination: f.emulator.botUserId, events: [textEvent(john, padding)] });
    const res = await request(f.hub.app).post('/webhook').set(signed(body)).send(body);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ message: 'body too large' });
    expect(await f.hub.repos.inbox.count()).toBe(0);

    const next = await f.emulator.driver.text({ userId: john }, 'still there?');
    expect(next.status).toBe(200);
    await f.settle();
    expect(f.seen(john)).toHaveLength(1);
  });

  it("when LINE's console verifies the URL with an empty events list, then it answers 200", async () => {
    const result = await f.emulator.driver.verify();
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ accepted: 0, duplicates: 0 });
    await f.settle();
    expect(f.emulator.calls()).toHaveLength(0);
  });

  it('when an event carries the all-zero verify reply token, then it answers 200 and nothing is sent to LINE', async () => {
    // The shape of the console's older verify request: dummy user, dummy token.
    const dummy = 'Udeadbeefdeadbeefdeadbeefdeadbeef';
    const result = await f.emulator.driver.send([textEvent(dummy, 'Hello, world', { replyToken: '0'.repeat(32) })]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ accepted: 0, duplicates: 0, ignored: 1 });
    await f.settle();
    expect(await f.hub.repos.inbox.count()).toBe(0);
    expect(f.emulator.calls({ endpoint: 'reply' })).toHaveLength(0);
    // Nor a push in its place: the "user" does not exist and a push would spend quota.
    expect(f.emulator.calls({ endpoint: 'push' })).toHaveLength(0);
    expect(f.emulator.delivered(dummy)).toHaveLength(0);
  });

  it('when one body holds a verify event and a real one, then only the real one is stored and answered', async () => {
    const dummy = 'Udeadbeefdeadbeefdeadbeefdeadbeef';
    const real = textEvent(john, 'what is the weather');
    const result = await f.emulator.driver.send([
      textEvent(dummy, 'Hello, world', { replyToken: '0'.repeat(32) }),
      real,
    ]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ accepted: 1, duplicates: 0, ignored: 1 });
    await f.settle();
    expect(await f.hub.repos.inbox.count()).toBe(1);
    expect(f.seen(john)).toHaveLength(1);
  });
});

/** The embedded store whose inbox refuses writes while `broken` is set (a full disk, a lost connection). */
class FlakyInboxStore extends InterceptedStore {
  broken = false;

  protected around(
    collection: string,
    method: string,
    _args: unknown[],
    proceed: () => Promise<unknown>,
  ): Promise<unknown> {
    if (collection === 'inbox' && method === 'insertNew' && this.broken)
      return Promise.reject(new Error('ENOSPC: no space left on device'));
    return proceed();
  }
}

describe('POST /webhook when the inbox cannot store', () => {
  let f: HubFixture;
  let store: FlakyInboxStore;
  const john = uid('b');
  beforeEach(async () => {
    store = new FlakyInboxStore();
    f = await startHub({ store });
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
  });
  afterEach(async () => {
    await f.close();
  });

  it('when the events cannot be persisted, then it answers 500 (so LINE redelivers) and the redelivery is handled once', async () => {
    store.broken = true;
    const first = await f.emulator.driver.text({ userId: john }, 'what is the weather');
    expect(first.status).toBe(500);
    expect(JSON.parse(first.body)).toEqual({ message: 'internal error' });
    await f.settle();
    expect(f.seen(john)).toHaveLength(0);

    store.broken = false;
    const again = await f.emulator.driver.redeliver(first.events[0]);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ accepted: 1, duplicates: 0 });
    await f.settle();
    expect(f.seen(john)).toHaveLength(1);
  });
});

describe('GET /readyz when the store does not answer', () => {
  it('when the store ping hangs past the limit, then it answers 503 and says why', async () => {
    const hanging: Store = {
      kind: 'mongo',
      collection: () => {
        throw new Error('not used');
      },
      ping: () => new Promise(() => undefined),
      synced: async () => undefined,
      close: async () => undefined,
    };
    const app = express().use(healthRouter({ store: hanging, metrics: createMetrics(), readyTimeoutMs: 50 }));
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable', store: 'mongo', reason: 'store did not answer within 50 ms' });
  });
});

describe('health, readiness, metrics and unknown routes', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await startHub();
  });
  afterEach(async () => {
    await f.close();
  });

  it('when /healthz is asked, then it answers 200 ok', async () => {
    const res = await request(f.hub.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when /readyz is asked and the store and LINE answer, then it answers 200 and names the store kind and LINE as reachable', async () => {
    const res = await request(f.hub.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', store: 'embedded', line: 'reachable' });
  });

  it('when webhooks were refused and accepted, then /metrics counts each answer by status', async () => {
    const john = uid('b');
    f.emulator.users.add({ userId: john, displayName: 'John', language: 'en' });
    expect((await f.emulator.driver.send([textEvent(john, 'hi')], { signature: 'bm90IGEgc2lnbmF0dXJl' })).status).toBe(
      401,
    );
    expect((await f.emulator.driver.text({ userId: john }, 'hi')).status).toBe(200);
    await f.settle();
    const res = await request(f.hub.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(counterValue(res.text, 'ssz_webhook_requests_total', 'status="401"')).toBe(1);
    expect(counterValue(res.text, 'ssz_webhook_requests_total', 'status="200"')).toBe(1);
    // The time to each answer, as LINE waits for it.
    expect(counterValue(res.text, 'ssz_webhook_seconds_count', 'status="200"')).toBe(1);
    expect(counterValue(res.text, 'ssz_webhook_seconds_count', 'status="401"')).toBe(1);
  });

  it('when an unknown route is asked, then it answers 404 with a JSON message', async () => {
    const res = await request(f.hub.app).get('/no-such-page');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ message: 'not found' });
    // GET on the webhook path is not a route either: LINE only POSTs.
    expect((await request(f.hub.app).get('/webhook')).status).toBe(404);
  });
});
