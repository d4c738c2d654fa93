// What the fault benches share: the LINE emulator as its own process (LINE stays up while the hub
// is killed), the compiled hub as a restartable process on one data folder, LINE-style webhook
// delivery (a body is posted again until the hub answers 200, as LINE redelivers), and the count of
// answers per event from what the emulator delivered.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KeepAliveClient } from '../lib/http-client';
import { signBody, webhookBody } from '../lib/line-webhook';
import { cleanEnv, freePort, sleep, spawnNode, waitForHttp, type Spawned } from '../lib/processes';

export const SECRET = 'fault-bench-channel-secret';
export const ACCESS_TOKEN = 'fault-bench-channel-access-token';
export const ADMIN_TOKEN = 'fault-bench-admin-token-0123456789';
export const DESTINATION = 'U' + '0'.repeat(32);

export interface Lab {
  work: string;
  line: KeepAliveClient;
  lineUrl: string;
  hubUrl: string;
  hub(): Spawned;
  /** kill -9: no drain, no store close; whatever was in flight is cut off. */
  kill(): Promise<void>;
  /** Starts the hub again on the same data folder and port; resolves when it answers /healthz. */
  restart(): Promise<number>;
  /** The hub's own log lines: how many resumed after each start ("hub listening" lines). */
  startLines(): Array<{ resumedEvents?: number; resumedMessages?: number }>;
  stop(): Promise<void>;
}

/** The emulator and a hub with LINE credentials pointing at it, each a child process. */
export async function startLab(options: {
  root: string;
  build: string;
  name: string;
  env?: Record<string, string>;
  logLevel?: string;
}): Promise<Lab> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `ssz-faults-${options.name}-`));
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const emulator = spawnNode({
    name: 'emulator',
    script: path.join(options.build, 'src/emulator/main.js'),
    env: cleanEnv({
      EMULATOR_PORT: String(emulatorPort),
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: ACCESS_TOKEN,
      EMULATOR_WEBHOOK_URL: `http://127.0.0.1:${port}/webhook`,
    }),
    cwd: options.root,
    logFile: path.join(work, 'emulator.log'),
  });
  await waitForHttp(`http://127.0.0.1:${emulatorPort}/_emulator/calls?limit=1`, { child: emulator, timeoutMs: 30_000 });
  let starts = 0;
  const spawnHub = () =>
    spawnNode({
      name: 'hub',
      script: path.join(options.build, 'src/server.js'),
      env: cleanEnv({
        PORT: String(port),
        DATA_DIR: path.join(work, 'data'),
        LOG_LEVEL: options.logLevel ?? 'info',
        LINE_CHANNEL_SECRET: SECRET,
        LINE_CHANNEL_ACCESS_TOKEN: ACCESS_TOKEN,
        LINE_API_BASE_URL: `http://127.0.0.1:${emulatorPort}`,
        ADMIN_TOKEN,
        HOST: '127.0.0.1',
        ...options.env,
      }),
      cwd: options.root,
      logFile: path.join(work, `hub-${++starts}.log`),
    });
  let hub = spawnHub();
  const hubUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${hubUrl}/healthz`, { child: hub, timeoutMs: 60_000 });
  const lab: Lab = {
    work,
    line: new KeepAliveClient(`http://127.0.0.1:${emulatorPort}`, { maxSockets: 8, timeoutMs: 60_000 }),
    lineUrl: `http://127.0.0.1:${emulatorPort}`,
    hubUrl,
    hub: () => hub,
    async kill() {
      hub.child.kill('SIGKILL');
      await hub.exited;
    },
    async restart() {
      const t0 = Date.now();
      hub = spawnHub();
      await waitForHttp(`${hubUrl}/healthz`, { child: hub, timeoutMs: 120_000 });
      return Date.now() - t0;
    },
    startLines() {
      const out: Array<{ resumedEvents?: number; resumedMessages?: number }> = [];
      for (let i = 1; i <= starts; i++) {
        const file = path.join(work, `hub-${i}.log`);
        if (!fs.existsSync(file)) continue;
        for (const line of fs.readFileSync(file, 'utf8').split('\n'))
          if (line.includes('"hub listening"')) out.push(JSON.parse(line) as { resumedEvents?: number });
      }
      return out;
    },
    async stop() {
      await hub.stop(15_000);
      await emulator.stop(5_000);
    },
  };
  return lab;
}

/** What the hub said to each POST of a body: status codes, and connection errors (the hub was down). */
export class WebhookTally {
  readonly statuses = new Map<number, number>();
  networkErrors = 0;
  posts = 0;
  count(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }
  fivexx(): number {
    let n = 0;
    for (const [s, c] of this.statuses) if (s >= 500) n += c;
    return n;
  }
}

/**
 * Posts one body as LINE does: signed, again with `isRedelivery: true` after a connection error or
 * a non-2xx answer, with growing pauses, until the hub answers 200 (or `giveUpMs` passes).
 */
export async function deliverAsLine(
  client: KeepAliveClient,
  events: Array<Record<string, unknown>>,
  tally: WebhookTally,
  giveUpMs = 180_000,
): Promise<boolean> {
  const deadline = Date.now() + giveUpMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (attempt > 0) {
      for (const e of events) e.deliveryContext = { isRedelivery: true };
      await sleep(Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 5)));
    }
    const body = webhookBody(DESTINATION, events);
    tally.posts++;
    try {
      const res = await client.request('POST', '/webhook', body, {
        'content-type': 'application/json; charset=utf-8',
        'x-line-signature': signBody(SECRET, body),
      });
      tally.count(res.status);
      if (res.status === 200) return true;
    } catch {
      tally.networkErrors++;
    }
  }
  return false;
}

/** Registers reply tokens with the emulator, as LINE issues one with every event it sends. */
export async function issueReplyTokens(line: KeepAliveClient, tokens: Array<{ replyToken: string; chatId: string }>) {
  for (let i = 0; i < tokens.length; i += 1000)
    await line.json('POST', '/_emulator/reply-tokens', { tokens: tokens.slice(i, i + 1000) });
}

interface Delivered {
  at: number;
  via: string;
  requestId: string;
  message: { type: string; text?: string; altText?: string };
}

/** Every message the emulator delivered to a chat. */
export function deliveredTo(line: KeepAliveClient, chatId: string): Promise<Delivered[]> {
  return line.json<Delivered[]>('GET', `/_emulator/chats/${chatId}`);
}

/** How LINE answered the hub's message calls (reply, push, multicast), by endpoint and status. */
export async function lineAnswers(line: KeepAliveClient): Promise<string> {
  const counts = new Map<string, number>();
  for (const endpoint of ['reply', 'push', 'multicast']) {
    let since = 0;
    for (;;) {
      const calls = await line.json<Array<{ id: number; status: number }>>(
        'GET',
        `/_emulator/calls?endpoint=${endpoint}&since=${since}&limit=5000`,
      );
      for (const c of calls) counts.set(`${endpoint} ${c.status}`, (counts.get(`${endpoint} ${c.status}`) ?? 0) + 1);
      if (calls.length < 5000) break;
      since = calls[calls.length - 1]!.id;
    }
  }
  return [...counts]
    .sort()
    .map(([k, n]) => `${k}×${n}`)
    .join(', ');
}

/** Reply calls the emulator saw: request id to the reply token used (delivered or not). */
async function replyTokensByRequest(line: KeepAliveClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let since = 0;
  for (;;) {
    const calls = await line.json<Array<{ id: number; requestId: string; body: { replyToken?: string } }>>(
      'GET',
      `/_emulator/calls?endpoint=reply&since=${since}&limit=5000`,
    );
    for (const c of calls) if (c.body?.replyToken) out.set(c.requestId, c.body.replyToken);
    if (calls.length < 5000) return out;
    since = calls[calls.length - 1]!.id;
  }
}

export interface AnswerCount {
  events: number;
  answered: number;
  lost: number;
  doubled: number;
  /** Extra messages beyond one per event (a doubled event counts its extras). */
  extra: number;
}

/**
 * Answers per event, from what LINE delivered. A reply is matched to its event by its reply token;
 * pushes to a user are matched against that user's events that got no reply. Each event here asks
 * for exactly one answer, so none is lost and more than one is doubled.
 */
export async function countAnswers(
  line: KeepAliveClient,
  sent: Map<string, Array<{ replyToken: string }>>,
): Promise<AnswerCount> {
  const tokens = await replyTokensByRequest(line);
  const result: AnswerCount = { events: 0, answered: 0, lost: 0, doubled: 0, extra: 0 };
  for (const [userId, events] of sent) {
    const delivered = await deliveredTo(line, userId);
    const replies = new Map<string, number>();
    let pushes = 0;
    for (const d of delivered) {
      if (d.via === 'reply') {
        const token = tokens.get(d.requestId) ?? '';
        replies.set(token, (replies.get(token) ?? 0) + 1);
      } else pushes++;
    }
    let unanswered = 0;
    for (const e of events) {
      result.events++;
      const n = replies.get(e.replyToken) ?? 0;
      if (n === 0) unanswered++;
      else {
        result.answered++;
        if (n > 1) {
          result.doubled++;
          result.extra += n - 1;
        }
      }
    }
    // Pushes answer the events that got no reply, one each; beyond that they are doubles.
    const byPush = Math.min(pushes, unanswered);
    result.answered += byPush;
    result.lost += unanswered - byPush;
    if (pushes > unanswered) {
      result.doubled += pushes - unanswered;
      result.extra += pushes - unanswered;
    }
  }
  return result;
}

/** The 1-minute load average, for the record next to every figure. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** A number from the hub's /metrics (0 when absent). */
export async function hubMetric(hubUrl: string, name: string): Promise<number> {
  const res = await fetch(`${hubUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Waits until the hub has nothing queued for LINE and deliveries have stopped changing. */
export async function waitForQuiet(lab: Lab, chats: string[], maxMs = 300_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = -1;
  let stable = 0;
  while (Date.now() < deadline) {
    let delivered = 0;
    const sample = chats.slice(0, 50);
    for (const c of sample) delivered += (await deliveredTo(lab.line, c)).length;
    const inFlight = await hubMetric(lab.hubUrl, 'ssz_outbox_in_flight').catch(() => 1);
    stable = inFlight === 0 && delivered === last ? stable + 1 : 0;
    if (stable >= 3) return;
    last = delivered;
    await sleep(1_000);
  }
}
