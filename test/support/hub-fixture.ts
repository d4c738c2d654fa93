// The integration harness: the real express app on a loopback port, the real SDK clients (through
// SdkLineGateway) pointed at the LINE emulator, and the embedded store in memory or on disk.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, type AppDeps, type Hub } from '../../src/app';
import { createEmulator, type Emulator } from '../../src/emulator';
import { silentLogger } from '../../src/logger';
import { SdkLineGateway } from '../../src/messaging/line-gateway';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import type { Store } from '../../src/store/store-port';
import { AnchoredClock, ManualClock, type Clock } from '../../src/util/clock';
import { createMapsFake, type MapsFake } from '../../src/geo/maps-fake';
import { GoogleGeocoder } from '../../src/geo/google-geocoder';

export const SECRET = 'hub-test-channel-secret';
export const TOKEN = 'hub-test-channel-access-token';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const uid = (c: string) => 'U' + c.repeat(32).slice(0, 32);
export const gid = (c: string) => 'C' + c.repeat(32).slice(0, 32);

export interface HubFixture {
  hub: Hub;
  /** The hub's LINE gateway (the real SDK clients, pointed at the emulator). */
  line: SdkLineGateway;
  emulator: Emulator;
  store: Store;
  clock: Clock;
  webhookUrl: string;
  emulatorUrl: string;
  /** The hub's own base URL (http://127.0.0.1:<port>): the admin API, /dashboard, /media. */
  hubUrl: string;
  /** Everything the bot delivered to a chat, as the person sees it (texts, flex alt texts). */
  seen(chatId: string): Array<{ type: string; text?: string; altText?: string; quickReply?: string[]; message: any }>;
  /** Waits until every accepted event is handled and every message sent. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  store?: Store;
  clock?: Clock | 'manual';
  outboxOptions?: AppDeps['outboxOptions'];
  emulatorNow?: () => number;
  lineTimeoutMs?: number;
  /** Load the Hat Yai demo stations and zones (HYI with Santisuk, KHH with Khlong Hae). */
  seed?: boolean;
  geocoder?: AppDeps['geocoder'];
  media?: AppDeps['media'];
  commandCentreGroupId?: string;
  sosNotReachedAfterMs?: number;
  /** The hub's public https URL (media go out as real LINE messages only with one). */
  publicBaseUrl?: string;
  /** Where the hub logs (default: nowhere); see test/support/log-capture.ts. */
  logger?: AppDeps['logger'];
  /** Drives the dashboard feed's reads of the store (default: every second, on a real timer). */
  adminFeedTicker?: AppDeps['adminFeedTicker'];
  /** Serve the dashboard built into this folder at /dashboard (test/browser/dashboard-build.ts). */
  dashboard?: AppDeps['dashboard'];
  /** How this instance shares the store with others (default: by the store's kind). */
  coordination?: AppDeps['coordination'];
  /** The name of this instance in metrics and logs. */
  instanceId?: string;
  /** Puts something between the hub and its real LINE clients (test/support/cluster.ts: delays, a paused process). */
  wrapLine?: (line: SdkLineGateway) => AppDeps['line'];
}

/** Points in the seeded demo zones, and one outside them all. */
export const PLACES = {
  santisuk: { latitude: 7.00486, longitude: 100.47018, address: 'ซอยสันติสุข หาดใหญ่' },
  khlongHae: { latitude: 7.04168, longitude: 100.48812, address: 'คลองแห หาดใหญ่' },
  outside: { latitude: 7.03, longitude: 100.43, address: 'นอกเขต' },
};

/**
 * The hub as tests build it: test credentials, the real SDK clients pointed at `lineUrl` (the
 * emulator, or a proxy in front of it), short outbox backoffs, no logs. Not started, not listening.
 */
export function testHub(
  lineUrl: string,
  store: Store,
  options: Omit<FixtureOptions, 'store' | 'clock' | 'emulatorNow'> & { clock?: Clock } = {},
): { hub: Hub; line: SdkLineGateway } {
  const line = new SdkLineGateway({
    channelAccessToken: TOKEN,
    baseUrl: lineUrl,
    timeoutMs: options.lineTimeoutMs ?? 3000,
  });
  const hub = createApp({
    config: {
      line: { channelSecret: SECRET, channelAccessToken: TOKEN, apiBaseUrl: lineUrl, emulated: true },
      adminToken: ADMIN_TOKEN,
      commandCentreGroupId: options.commandCentreGroupId,
      publicBaseUrl: options.publicBaseUrl,
    },
    seedDemoData: options.seed,
    adminFeedTicker: options.adminFeedTicker,
    dashboard: options.dashboard,
    geocoder: options.geocoder,
    media: options.media,
    store,
    line: options.wrapLine ? options.wrapLine(line) : line,
    clock: options.clock ?? new AnchoredClock(TEST_EPOCH),
    coordination: options.coordination,
    instanceId: options.instanceId,
    logger: options.logger ?? silentLogger,
    outboxOptions: { backoffBaseMs: 5, backoffMaxMs: 50, ...options.outboxOptions },
    sosNotReachedAfterMs: options.sosNotReachedAfterMs,
  });
  return { hub, line };
}

/**
 * The date every test lives on unless it sets its own: 25 November 2026, 20:00 in Bangkok
 * (Buddhist year 2569). Never the calendar's date: case numbers carry the year, and a suite that
 * read today's date would start failing on 1 January.
 */
export const TEST_EPOCH = Date.UTC(2026, 10, 25, 13, 0, 0);

export async function startHub(options: FixtureOptions = {}): Promise<HubFixture> {
  const clock =
    options.clock === 'manual' ? new ManualClock(TEST_EPOCH) : (options.clock ?? new AnchoredClock(TEST_EPOCH));
  // LINE's clock is the hub's: event timestamps and reply-token ages agree with what the hub sees.
  const emulator = createEmulator({
    channelSecret: SECRET,
    channelAccessToken: TOKEN,
    now: options.emulatorNow ?? (() => clock.now()),
  });
  const emu = await emulator.listen(0, '127.0.0.1');
  const store = options.store ?? new EmbeddedStore();
  const { hub, line } = testHub(emu.url, store, { ...options, clock });
  await hub.start();
  const server: Server = await new Promise((resolve) => {
    const s = hub.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const webhookUrl = `${hubUrl}/webhook`;
  emulator.setWebhookUrl(webhookUrl);
  return {
    hub,
    line,
    emulator,
    store,
    clock,
    webhookUrl,
    hubUrl,
    emulatorUrl: emu.url,
    seen(chatId) {
      return emulator.delivered(chatId).map((d) => ({
        type: d.message.type,
        text: d.message.text,
        altText: d.message.altText,
        quickReply: d.message.quickReply?.items?.map((i: any) => i.action.label),
        message: d.message,
      }));
    },
    settle: () => hub.drain(),
    async close() {
      await hub.drain();
      await hub.stop();
      await line.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await emu.close();
      await store.close();
    },
  };
}

/**
 * startHub with address search on: the real Google Maps client against the Maps fake (its
 * requests in `maps.calls`). close() stops both.
 */
export async function startHubWithMaps(options: FixtureOptions = {}): Promise<HubFixture & { maps: MapsFake }> {
  const maps = createMapsFake();
  const server = await maps.listen(0);
  const geocoder = new GoogleGeocoder({ apiKey: 'test-maps-key-123', baseUrl: server.url, logger: silentLogger });
  const f = await startHub({ ...options, geocoder });
  return {
    ...f,
    maps,
    async close() {
      await f.close();
      await server.close();
    },
  };
}
