import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { HTTPFetchError, messagingApi, validateSignature } from '@line/bot-sdk';
import { createEmulator } from '../../src/emulator';
import type { Emulator, EmulatorOptions } from '../../src/emulator';

export const SECRET = 'test-channel-secret';
export const ALICE = 'U' + 'a'.repeat(32);
export const BOB = 'U' + 'b'.repeat(32);
export const CAROL = 'U' + 'c'.repeat(32);
export const GROUP = 'C' + '1'.repeat(32);

/** A one-area rich menu as a bot would create it. */
export const MENU: messagingApi.RichMenuRequest = {
  size: { width: 2500, height: 843 },
  selected: true,
  name: 'resident menu',
  chatBarText: 'Menu',
  areas: [{ bounds: { x: 0, y: 0, width: 1250, height: 843 }, action: { type: 'postback', data: 'menu=report' } }],
};

export interface EmulatorFixture {
  emulator: Emulator;
  url: string;
  client: messagingApi.MessagingApiClient;
  blob: messagingApi.MessagingApiBlobClient;
  close(): Promise<void>;
}

/** An emulator on an ephemeral port with the real SDK clients pointed at it. */
export async function startEmulator(opts: Partial<EmulatorOptions> = {}): Promise<EmulatorFixture> {
  const emulator = createEmulator({ channelSecret: SECRET, ...opts });
  const server = await emulator.listen(0);
  const config = { channelAccessToken: opts.channelAccessToken ?? 'test-token', baseURL: server.url };
  return {
    emulator,
    url: server.url,
    client: new messagingApi.MessagingApiClient(config),
    blob: new messagingApi.MessagingApiBlobClient(config),
    close: server.close,
  };
}

export interface Receiver {
  url: string;
  /** Events from requests whose signature checked out. */
  events: any[];
  bodies: string[];
  close(): Promise<void>;
}

/** A minimal bot webhook: checks the signature with the SDK's validateSignature, like a real bot. */
export async function startReceiver(secret = SECRET): Promise<Receiver> {
  const events: any[] = [];
  const bodies: string[] = [];
  const app = express();
  app.post('/webhook', express.raw({ type: () => true }), (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('x-line-signature');
    if (!signature || !validateSignature(raw, secret, signature)) {
      res.status(401).json({ message: 'bad signature' });
      return;
    }
    bodies.push(raw.toString('utf8'));
    events.push(...(JSON.parse(raw.toString('utf8')) as { events: unknown[] }).events);
    res.status(200).json({});
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    events,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Awaits an SDK call that must fail and returns the SDK's error. */
export async function httpError(promise: Promise<unknown>): Promise<HTTPFetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HTTPFetchError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export function text(t: string): messagingApi.TextMessage {
  return { type: 'text', text: t };
}
