// Several hub instances in one test process, as behind a load balancer in production: each is a real
// app from createApp on its own loopback port, all share ONE store instance and one LINE (the
// emulator), and a round-robin balancer stands in front of their /webhook routes. The shared store
// is the embedded one, whose operations are atomic one document at a time: what MongoDB promises and
// no more. Each instance reaches it through its own wrapper, which can add a round-trip delay, hold
// every operation (a wedged process: nothing it does lands until it is released) or swallow them
// (a killed process: nothing it does lands ever). Its LINE calls go through the same kind of wrapper.
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hub } from '../../src/app';
import { createEmulator, type Emulator } from '../../src/emulator';
import type { Geocoder } from '../../src/geo/geocoder';
import { MemoryMediaStore } from '../../src/media/media-store';
import type { LineGateway } from '../../src/messaging/line-gateway';
import { EmbeddedStore } from '../../src/store/embedded/nedb-store';
import type { Clock } from '../../src/util/clock';
import { AnchoredClock } from '../../src/util/clock';
import { InterceptedStore } from './intercepted-store';
import { SECRET, TEST_EPOCH, TOKEN, testHub, type FixtureOptions, type HubFixture } from './hub-fixture';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What an instance's process is doing: running, paused (SIGSTOP), or gone (SIGKILL). */
type Liveness = 'up' | 'wedged' | 'dead';

/** Every operation waits for the instance to be up; a dead instance's operations never finish. */
class Gate {
  state: Liveness = 'up';
  private waiting: Array<() => void> = [];

  async pass(): Promise<void> {
    if (this.state === 'dead') return new Promise<void>(() => undefined);
    if (this.state === 'wedged') await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.state !== 'up') return new Promise<void>(() => undefined);
  }

  set(state: Liveness): void {
    this.state = state;
    if (state === 'wedged') return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w();
  }
}

type StoreCall = (collection: string, method: string, args: unknown[]) => boolean;

/** One instance's way to the shared store: a round trip's delay, and its gate. */
class InstanceStore extends InterceptedStore {
  /** The instance pauses as soon as a call like this one has landed. */
  pauseAfter: StoreCall | undefined;

  constructor(
    inner: EmbeddedStore,
    private readonly latencyMs: number,
    private readonly gate: Gate,
  ) {
    super(inner);
  }

  protected async around(
    collection: string,
    method: string,
    args: unknown[],
    proceed: () => Promise<unknown>,
  ): Promise<unknown> {
    await this.gate.pass();
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    await this.gate.pass();
    const result = await proceed();
    if (this.pauseAfter?.(collection, method, args)) {
      this.pauseAfter = undefined;
      this.gate.set('wedged');
    }
    return result;
  }

  // Closing one instance must not close the store the others use.
  override close(): Promise<void> {
    return Promise.resolve();
  }
}

type Slowed = 'reply' | 'push' | 'multicast' | 'getMessageContent' | 'getProfile';

/**
 * One instance's way to LINE: optional delays per call, and its gate before and after each call.
 * `pauseAfter.call`: the instance pauses as soon as LINE has answered such a call.
 */
function gatedLine(
  line: LineGateway,
  gate: Gate,
  delays: Partial<Record<Slowed, number>>,
  pauseAfter: { call?: string },
): LineGateway {
  return new Proxy(line, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close' || prop === 'health') return value;
      const delay = delays[String(prop) as Slowed] ?? 0;
      return async (...args: unknown[]) => {
        await gate.pass();
        if (delay > 0) await sleep(delay);
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (pauseAfter.call === prop) {
          pauseAfter.call = undefined;
          gate.set('wedged');
        }
        // A process paused while LINE answered finds out only when it runs again.
        await gate.pass();
        return result;
      };
    },
  });
}

export interface InstanceOptions {
  lineDelayMs?: Partial<Record<Slowed, number>>;
  geocoderDelayMs?: number;
  /** Extra fixture options for this instance (outbox options, coordination...). */
  hub?: Omit<FixtureOptions, 'store' | 'clock' | 'emulatorNow' | 'geocoder' | 'media'>;
}

export interface Instance {
  name: string;
  hub: Hub;
  webhookUrl: string;
  /** What start() resumed. */
  resumed: { resumedEvents: number; resumedMessages: number };
  /** The process pauses: nothing it does reaches the store or LINE, and webhooks to it hang. */
  wedge(): void;
  /** The process pauses right after its next store call of this kind has landed. */
  wedgeAfter(call: StoreCall): void;
  /** The process pauses right after LINE has answered its next call of this method (reply, push...). */
  wedgeAfterLine(method: string): void;
  /** It runs again: what it was doing goes on where it stopped. */
  resume(): void;
  /** The process is gone: its port closes, and nothing it had under way ever lands. */
  kill(): Promise<void>;
  /** A graceful stop (SIGTERM): its port closes and the hub stops, finishing what it had begun. */
  stop(): Promise<void>;
  readonly state: Liveness | 'stopped';
  close(): Promise<void>;
}

function slowGeocoder(ms: number): Geocoder {
  return {
    enabled: true,
    reverse: async () => {
      await sleep(ms);
      return 'ถนนศรีภูวนารถ หาดใหญ่';
    },
    geocode: async () => undefined,
  };
}

export interface ClusterOptions {
  /** Delay of each store operation (a MongoDB round trip); default 2 ms. */
  storeLatencyMs?: number;
  clock?: Clock;
  /** Load the Hat Yai demo stations and zones (by the first instance). */
  seed?: boolean;
  /**
   * The balancer gives up on an instance that has not answered in this long and answers 504, as a
   * load balancer's upstream timeout does (LINE then redelivers), and sends that instance nothing for
   * 10 s (a passive health check: nginx's max_fails=1 fail_timeout=10s). Default: it waits forever.
   */
  upstreamTimeoutMs?: number;
}

export class Cluster {
  readonly instances: Instance[] = [];
  readonly store = new EmbeddedStore();
  /** Report photos, shared as GridFS is (test/app/instances.test.ts shows GridFS itself). */
  readonly media = new MemoryMediaStore();
  readonly clock: Clock;
  emulator!: Emulator;
  /** Which instance each webhook went to, in order. */
  readonly routed: string[] = [];
  private emulatorUrl!: string;
  private closeEmulator!: () => Promise<void>;
  private balancer!: Server;
  /** Where LINE's webhooks go: the round-robin balancer in front of every instance's /webhook. */
  balancerUrl!: string;
  private next = 0;
  /** Instances that timed out, and until when the balancer leaves them out. */
  private readonly benched = new Map<string, number>();

  constructor(private readonly options: ClusterOptions = {}) {
    this.clock = options.clock ?? new AnchoredClock(TEST_EPOCH);
  }

  static async start(names: string[], options: ClusterOptions & { each?: InstanceOptions } = {}): Promise<Cluster> {
    const cluster = new Cluster(options);
    await cluster.init();
    for (const name of names) await cluster.add(name, options.each);
    return cluster;
  }

  async init(): Promise<void> {
    this.emulator = createEmulator({ channelSecret: SECRET, channelAccessToken: TOKEN, now: () => this.clock.now() });
    const listening = await this.emulator.listen(0, '127.0.0.1');
    this.emulatorUrl = listening.url;
    this.closeEmulator = listening.close;
    this.balancer = http.createServer((req, res) => this.forward(req, res));
    await new Promise<void>((resolve) => this.balancer.listen(0, '127.0.0.1', resolve));
    this.balancerUrl = `http://127.0.0.1:${(this.balancer.address() as AddressInfo).port}/webhook`;
    this.emulator.setWebhookUrl(this.balancerUrl);
  }

  /** Round robin over the instances whose port is open; a refused connection tries the next one. */
  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const tryFrom = (tries: number) => {
        const now = Date.now();
        const reachable = this.instances.filter((i) => i.state === 'up' || i.state === 'wedged');
        const healthy = reachable.filter((i) => (this.benched.get(i.name) ?? 0) <= now);
        const open = healthy.length > 0 ? healthy : reachable;
        if (open.length === 0 || tries > open.length) return void res.writeHead(502).end();
        const target = open[this.next++ % open.length]!;
        const upstream = http.request(
          target.webhookUrl,
          { method: 'POST', headers: { ...req.headers, 'content-length': String(body.length) } },
          (answer) => {
            this.routed.push(target.name);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => {
          if (!res.headersSent) tryFrom(tries + 1);
        });
        const timeoutMs = this.options.upstreamTimeoutMs;
        if (timeoutMs)
          upstream.setTimeout(timeoutMs, () => {
            this.benched.set(target.name, Date.now() + 10_000);
            if (!res.headersSent) res.writeHead(504).end();
            upstream.destroy();
          });
        upstream.end(body);
      };
      tryFrom(1);
    });
  }

  async add(name: string, options: InstanceOptions = {}): Promise<Instance> {
    const gate = new Gate();
    const store = new InstanceStore(this.store, this.options.storeLatencyMs ?? 2, gate);
    const pauseAfterLine: { call?: string } = {};
    let sdk: LineGateway | undefined;
    const { hub, line } = testHub(this.emulatorUrl, store, {
      seed: this.options.seed ?? true,
      instanceId: `hub-${name}`,
      ...options.hub,
      // The store is shared, as MongoDB is: claims, chat leases, the sweeper, one LINE budget.
      coordination: { mode: 'store', ...options.hub?.coordination },
      clock: this.clock,
      media: this.media,
      geocoder: options.geocoderDelayMs ? slowGeocoder(options.geocoderDelayMs) : undefined,
      wrapLine: (real) => {
        sdk = real;
        return gatedLine(real, gate, options.lineDelayMs ?? {}, pauseAfterLine);
      },
    });
    const resumed = await hub.start();
    const server: Server = await new Promise((resolve) => {
      const s = hub.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const closeServer = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    let closed = false;
    let stopped = false;
    const instance: Instance = {
      name,
      hub,
      resumed,
      webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
      wedge: () => gate.set('wedged'),
      wedgeAfter: (call) => (store.pauseAfter = call),
      wedgeAfterLine: (method) => (pauseAfterLine.call = method),
      resume: () => gate.set('up'),
      async kill() {
        gate.set('dead');
        await closeServer();
      },
      async stop() {
        stopped = true;
        await closeServer();
        await hub.stop();
      },
      get state() {
        return stopped ? 'stopped' : gate.state;
      },
      async close() {
        if (closed) return;
        closed = true;
        if (instance.state === 'up') {
          await closeServer();
          await hub.stop();
        }
        // A paused process left paused is killed: its port must not keep the test process alive.
        if (instance.state === 'wedged') await instance.kill();
        await (sdk ?? line).close();
      },
    };
    this.instances.push(instance);
    return instance;
  }

  /** Webhooks go straight to this instance (or, with none, through the balancer again). */
  pin(instance?: Instance): void {
    this.emulator.setWebhookUrl(instance ? instance.webhookUrl : this.balancerUrl);
  }

  /**
   * Until every running instance has handled what it holds and the store has nothing left to handle
   * or send (while all are up: a wedged or dead one's work waits for the sweeper).
   */
  async settle(): Promise<void> {
    for (let round = 0; round < 200; round++) {
      const running = this.instances.filter((i) => i.state === 'up');
      await Promise.all(running.map((i) => i.hub.drain()));
      if (running.length < this.instances.length) return;
      const hub = running[0]!.hub;
      const unfinished =
        (await hub.repos.inbox.count('pending')) +
        (await hub.repos.outbox.find({ status: { $in: ['pending', 'sending'] } })).length;
      if (unfinished === 0) return;
      await sleep(10);
    }
    throw new Error('the cluster did not settle');
  }

  /** One instance seen as the fixture the city and report helpers take (its webhooks pinned to it). */
  fixture(instance: Instance = this.instances[0]!): HubFixture {
    return {
      hub: instance.hub,
      line: undefined as never,
      emulator: this.emulator,
      store: this.store,
      clock: this.clock,
      webhookUrl: instance.webhookUrl,
      emulatorUrl: this.emulatorUrl,
      hubUrl: instance.webhookUrl.replace(/\/webhook$/, ''),
      seen: (chatId) =>
        this.emulator.delivered(chatId).map((d) => ({
          type: d.message.type,
          text: d.message.text,
          altText: d.message.altText,
          quickReply: d.message.quickReply?.items?.map((i: any) => i.action.label),
          message: d.message,
        })),
      settle: () => this.settle(),
      close: () => this.close(),
    };
  }

  /** What a chat was shown, as text (flex messages by their alt text). */
  said(chatId: string): string[] {
    return this.emulator.delivered(chatId).map((d) => String(d.message.text ?? d.message.altText ?? d.message.type));
  }

  async close(): Promise<void> {
    for (const instance of this.instances) await instance.close();
    await new Promise<void>((resolve) => this.balancer.close(() => resolve()));
    await this.closeEmulator();
    await this.store.close();
  }
}
