// The gateway through the real SDK clients against the LINE emulator, once with the pooled undici
// transport the hub runs with and once with the SDK's own fetch: both must give the same answers.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LineApiError, SdkLineGateway } from '../../src/messaging/line-gateway';
import { PooledLineTransport } from '../../src/messaging/line-transport';
import { ALICE, GROUP, startEmulator, type EmulatorFixture } from '../emulator/emulator-fixture';

const TOKEN = 'gateway-test-token';

describe.each(['pooled', 'fetch'] as const)('LINE gateway with the %s transport', (transport) => {
  let fx: EmulatorFixture;
  let line: SdkLineGateway;

  beforeEach(async () => {
    fx = await startEmulator({ channelAccessToken: TOKEN });
    fx.emulator.users.add({ userId: ALICE, displayName: 'Alice', language: 'th' });
    line = new SdkLineGateway({ channelAccessToken: TOKEN, baseUrl: fx.url, timeoutMs: 2000, transport });
  });
  afterEach(async () => {
    await line.close();
    await fx.close();
  });

  it('when a push is sent with a retry key, then Alice gets it, LINE saw the key, and the request id comes back', async () => {
    const key = randomUUID();
    const result = await line.push(ALICE, [{ type: 'text', text: 'สวัสดีค่ะ' }], key);
    expect(fx.emulator.delivered(ALICE).map((d) => d.message.text)).toEqual(['สวัสดีค่ะ']);
    expect(fx.emulator.calls({ endpoint: 'push' }).map((c) => [c.status, c.retryKey])).toEqual([[200, key]]);
    expect(result.requestId).toBe(fx.emulator.calls({ endpoint: 'push' })[0]!.requestId);
    expect(result.alreadyAccepted).toBeUndefined();
  });

  it('when the same retry key is sent again, then LINE answers 409 and the gateway reports it as already accepted', async () => {
    const key = randomUUID();
    await line.push(ALICE, [{ type: 'text', text: 'one' }], key);
    const again = await line.push(ALICE, [{ type: 'text', text: 'one' }], key);
    expect(again.alreadyAccepted).toBe(true);
    expect(fx.emulator.delivered(ALICE)).toHaveLength(1);
  });

  it("when LINE refuses a message, then the error carries LINE's status and message", async () => {
    const err = await line.push(ALICE, [], randomUUID()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LineApiError);
    expect((err as LineApiError).status).toBe(400);
    expect((err as LineApiError).lineMessage).toBe(
      (fx.emulator.calls({ endpoint: 'push' })[0]!.response as { message: string }).message,
    );
  });

  it('when a reply token is unknown, then the error says "Invalid reply token" (the outbox falls back to a push on it)', async () => {
    const err = await line.reply('nope'.repeat(8), [{ type: 'text', text: 'hi' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LineApiError);
    expect((err as LineApiError).lineMessage).toMatch(/invalid reply token/i);
  });

  it('when LINE answers 500, then the error has status 500 (retryable)', async () => {
    fx.emulator.faults.inject({ count: 1, status: 500, endpoint: 'push' });
    const err = await line.push(ALICE, [{ type: 'text', text: 'x' }], randomUUID()).catch((e: unknown) => e);
    expect((err as LineApiError).status).toBe(500);
  });

  it('when profiles are asked for, then a known user comes back with language and an unknown one is null', async () => {
    await expect(line.getProfile(ALICE)).resolves.toEqual({ userId: ALICE, displayName: 'Alice', language: 'th' });
    await expect(line.getProfile('U' + '9'.repeat(32))).resolves.toBeNull();
    await expect(line.getGroupMemberProfile(GROUP, ALICE)).resolves.toBeNull();
  });

  it('when the quota is read, then the figures come from LINE', async () => {
    await expect(line.getQuota()).resolves.toEqual({ type: 'none' });
    fx.emulator.quota.setLimit(500);
    await line.push(ALICE, [{ type: 'text', text: 'one' }], randomUUID());
    await line.push(ALICE, [{ type: 'text', text: 'two' }], randomUUID());
    await expect(line.getQuota()).resolves.toEqual({ type: 'limited', value: 500 });
    await expect(line.getQuotaConsumption()).resolves.toBe(2);
    expect(fx.emulator.quota.consumption()).toBe(2);
  });
});

describe('LINE gateway when nothing answers', () => {
  it('when the connection is refused, then the error is a network error (status 0), which the outbox retries', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const line = new SdkLineGateway({
      channelAccessToken: TOKEN,
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 1000,
    });
    try {
      const err = await line.push(ALICE, [{ type: 'text', text: 'x' }], randomUUID()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LineApiError);
      expect((err as LineApiError).status).toBe(0);
    } finally {
      await line.close();
    }
  });

  it('when an SDK client has no httpClient to carry (an SDK upgrade changed it), then attaching the transport says so', async () => {
    const transport = new PooledLineTransport('http://127.0.0.1:9', { timeoutMs: 100 });
    try {
      expect(() => transport.attach({})).toThrow(/httpClient/);
    } finally {
      await transport.close();
    }
  });
});
