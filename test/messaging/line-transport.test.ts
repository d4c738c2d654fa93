// The pooled transport under hostile ids and a failing LINE: it must never stop sending.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LineApiError, SdkLineGateway } from '../../src/messaging/line-gateway';
import { PooledLineTransport, type SdkHttpClient } from '../../src/messaging/line-transport';
import { ALICE, startEmulator, type EmulatorFixture } from '../emulator/emulator-fixture';
import { startHub, uid, type HubFixture } from '../support/hub-fixture';

const TOKEN = 'transport-test-token';

/** An SDK-shaped client whose JSON calls go through `transport` (as the gateway attaches it). */
function attachedTo(transport: PooledLineTransport): { httpClient: SdkHttpClient } {
  const httpClient = {
    defaultHeaders: { authorization: `Bearer ${TOKEN}` },
    get: () => Promise.reject(new Error('not attached')),
    post: () => Promise.reject(new Error('not attached')),
  } as SdkHttpClient;
  const client = { httpClient };
  transport.attach(client);
  return client;
}
const text = (t: string) => [{ type: 'text' as const, text: t }];

describe('LINE transport', () => {
  let fx: EmulatorFixture;
  let line: SdkLineGateway;
  beforeEach(async () => {
    fx = await startEmulator({ channelAccessToken: TOKEN });
    fx.emulator.users.add({ userId: ALICE, displayName: 'Alice', language: 'th' });
  });
  afterEach(async () => {
    await line?.close();
    await fx.close();
  });

  it('when 300 lookups carry ids with spaces, Thai or CR LF (more than the 256 connections), then each fails cleanly and a push still goes out', async () => {
    line = new SdkLineGateway({ channelAccessToken: TOKEN, baseUrl: fx.url, timeoutMs: 2000 });
    const odd = ['U a b', 'Uกขค', 'U\r\nX-Evil: 1', 'U/../../v2/bot/message/push'];
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => line.getProfile(odd[i % odd.length]!).catch((e: unknown) => e)),
    );
    // Escaped into one path segment: LINE (here the emulator) does not know such a user.
    expect(answers.every((a) => a === null)).toBe(true);
    await line.push(ALICE, text('SOS card'), randomUUID());
    expect(fx.emulator.delivered(ALICE).map((d) => d.message.text)).toEqual(['SOS card']);
    expect(fx.emulator.calls({ endpoint: 'push' })).toHaveLength(1);
  });

  it('when a path that undici would refuse reaches the transport, then it is refused before sending, 300 times, and the pool keeps working', async () => {
    const transport = new PooledLineTransport(fx.url, { timeoutMs: 2000 });
    const client = attachedTo(transport);
    try {
      for (let i = 0; i < 300; i++) {
        const err = await client.httpClient.get(`/v2/bot/profile/a b${i}`).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LineApiError);
        expect((err as LineApiError).status).toBe(400);
      }
      expect(fx.emulator.calls({ endpoint: 'profile' })).toHaveLength(0);
      const ok = (await client.httpClient.get(`/v2/bot/profile/${ALICE}`)) as { status: number };
      expect(ok.status).toBe(200);
    } finally {
      await transport.close();
    }
  });

  it('when the profile API hangs for 300 callers, then a push still leaves at once and a lookup after their timeout is answered', async () => {
    line = new SdkLineGateway({ channelAccessToken: TOKEN, baseUrl: fx.url, timeoutMs: 5000, lookupTimeoutMs: 400 });
    fx.emulator.faults.inject({ count: 300, status: 500, endpoint: 'profile', hang: true });
    let lookupsSettled = 0;
    const lookups = Array.from({ length: 300 }, () =>
      line.getProfile(ALICE).then(
        () => lookupsSettled++,
        () => lookupsSettled++,
      ),
    );
    await line.push(ALICE, text('SOS card'), randomUUID());
    // The push did not wait for any of them.
    expect(lookupsSettled).toBe(0);
    expect(fx.emulator.delivered(ALICE).map((d) => d.message.text)).toEqual(['SOS card']);
    await Promise.all(lookups);
    // Lookups have a small pool of their own (32 connections): most callers gave up waiting for one,
    // none of them took a connection a send needed.
    expect(fx.emulator.calls({ endpoint: 'profile' }).length).toBeLessThan(100);
    fx.emulator.faults.clear();
    // Each timed-out lookup gave its connection back: the next one is answered.
    expect(await line.getProfile(ALICE)).toMatchObject({ displayName: 'Alice' });
  });
});

describe('LINE transport when calls get no answer in bulk', () => {
  it('when calls in a row get no answer, then the transport replaces its connection pools and the next call goes through', async () => {
    const fx = await startEmulator({ channelAccessToken: TOKEN });
    const transport = new PooledLineTransport(fx.url, { timeoutMs: 150, recycleAfter: 5 });
    const client = attachedTo(transport);
    try {
      fx.emulator.users.add({ userId: ALICE, displayName: 'Alice', language: 'th' });
      fx.emulator.faults.inject({ count: 5, status: 500, endpoint: 'push', hang: true });
      for (let i = 0; i < 5; i++) {
        const err = await client.httpClient
          .post('/v2/bot/message/push', { to: ALICE, messages: text('x') })
          .catch((e: unknown) => e);
        expect((err as LineApiError).status).toBe(0);
      }
      expect(transport.health()).toMatchObject({ reachable: true, consecutiveFailures: 5, poolsRecycled: 1 });
      const ok = (await client.httpClient.post('/v2/bot/message/push', { to: ALICE, messages: text('back') })) as {
        status: number;
      };
      expect(ok.status).toBe(200);
      expect(transport.health()).toMatchObject({ consecutiveFailures: 0, poolsRecycled: 1 });
      expect(fx.emulator.delivered(ALICE).map((d) => d.message.text)).toEqual(['back']);
    } finally {
      await transport.close();
      await fx.close();
    }
  });
});

describe('readiness while LINE does not answer', () => {
  let f: HubFixture;
  beforeEach(async () => {
    f = await startHub({ lineTimeoutMs: 200 });
    f.emulator.users.add({ userId: uid('b'), displayName: 'John', language: 'en' });
  });
  afterEach(async () => {
    await f.close();
  });

  it('when LINE calls time out in bulk, then /readyz answers 503 naming LINE, and once LINE answers again it is ready', async () => {
    expect((await request(f.hub.app).get('/readyz')).body).toMatchObject({ status: 'ready', line: 'reachable' });
    f.emulator.faults.inject({ count: 25, status: 500, endpoint: 'push', hang: true });
    await Promise.all(
      Array.from({ length: 25 }, () => f.line.push(uid('b'), text('x'), randomUUID()).catch(() => undefined)),
    );
    const down = await request(f.hub.app).get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'unavailable', line: 'unreachable', lineFailuresInARow: 25 });
    expect(down.body.lineLastError).toMatch(/^network: /);
    expect((await request(f.hub.app).get('/healthz')).status).toBe(200);

    await f.line.push(uid('b'), text('back'), randomUUID());
    const up = await request(f.hub.app).get('/readyz');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ready', line: 'reachable' });
  });
});
