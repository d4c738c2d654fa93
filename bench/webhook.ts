// Webhook throughput and latency of the running hub, end to end: signed LINE text-message webhooks from
// many users at an open-loop rate, the time to the HTTP 200, how fast the hub finishes handling and
// answering them, and a count check that every event was processed and answered exactly once.
// See bench/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs, reproduceCommand } from './lib/args';
import { hubBuild, treeState } from './lib/build';
import {
  cpuByActivity,
  cpuSecondsOf,
  hotSpots,
  machineBusySeconds,
  ownCpuSeconds,
  waitForQuietMachine,
} from './lib/cpu';
import { KeepAliveClient } from './lib/http-client';
import {
  emulatorCalls,
  hubCounters,
  quantileBound,
  readNedbFile,
  type EmulatorCall,
  type HubCounters,
} from './lib/hub-probe';
import {
  SMALL_TALK,
  SMALL_TALK_LANGS,
  UlidIds,
  benchUserId,
  deliverWebhook,
  messageIds,
  newReplyToken,
  seededRandom,
  textMessageEvent,
} from './lib/line-webhook';
import { runOpenLoop, type OpenLoopResult } from './lib/open-loop';
import { cleanEnv, freePort, sleep, spawnNode, waitForHttp, type Spawned } from './lib/processes';
import { ms } from './lib/stats';

const USAGE = `npx tsx bench/webhook.ts [options]
  --rate N          webhooks per second to offer (open loop)                        default 1500
  --seconds N       how long to offer them (the measured window)                    default 30
  --warmup N        seconds at the same rate before the measured window (0: none)   default 5
  --users N         distinct LINE users sending                                     default 500
  --in-flight N     requests in flight at most (= connections)                      default 128
  --emulator M      in-process (the hub runs it, as npm start does) or separate (its own process)
  --seed N          replays the same users and texts                                default 1
  --build M         private: compile the working tree into node_modules/.cache/ssz-bench (default);
                    dist: run dist/ as built by npm run build; a path: a hub compiled there
  --cpu-prof        write V8 CPU profiles of the hub (and emulator) and print where the time went
  --drain-timeout N seconds to wait for the hub to finish after sending                 default 120
  --quiet-wait N    wait up to N s for other processes to go idle before starting       default 60
  --timeline        print a per-second table of the measured window
  --keep            keep the temp dir (data files, logs) after the run`;

const ROOT = path.resolve(__dirname, '..');
// The hub's secret when no LINE credentials are set (src/config.ts); the separate emulator gets it too.
const CHANNEL_SECRET = 'emulator-channel-secret';
const ACCESS_TOKEN = 'bench-channel-access-token';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const TARGET = { rate: 1500, p99Ms: 50 };

const TEXTS = SMALL_TALK;
const LANGS = SMALL_TALK_LANGS;

type Args = ReturnType<typeof readArgs>;
interface BenchUser {
  userId: string;
  lang: string;
}
interface PlannedEvent {
  user: BenchUser;
  text: string;
  replyToken: string;
  issued: boolean;
}
interface Progress {
  at: number;
  counters: HubCounters;
}

function readArgs() {
  const args = parseArgs(
    process.argv.slice(2),
    {
      rate: 1500,
      seconds: 30,
      warmup: 5,
      users: 500,
      'in-flight': 128,
      emulator: 'in-process',
      seed: 1,
      build: 'private',
      'cpu-prof': false,
      'drain-timeout': 120,
      'quiet-wait': 60,
      timeline: false,
      keep: false,
    },
    USAGE,
  );
  if (args.emulator !== 'in-process' && args.emulator !== 'separate')
    throw new Error(`--emulator must be in-process or separate\n${USAGE}`);
  if (args.users < 1 || args.rate <= 0 || args.seconds <= 0 || args.warmup < 0)
    throw new Error(`bad --users, --rate, --seconds or --warmup\n${USAGE}`);
  return args;
}

/** The hub (and, with --emulator separate, the LINE emulator) as child processes on fresh ports and data. */
async function startSystem(args: Args, build: string, work: string) {
  const dataDir = path.join(work, 'data');
  const hubPort = await freePort();
  const emulatorPort = await freePort();
  const hubUrl = `http://127.0.0.1:${hubPort}`;
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(work, 'cpu-prof')}`] : [];
  const common = { PORT: String(hubPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  let emulatorChild: Spawned | undefined;
  if (args.emulator === 'separate') {
    emulatorChild = spawnNode({
      name: 'emulator',
      script: path.join(build, 'src/emulator/main.js'),
      nodeArgs,
      cwd: ROOT,
      logFile: path.join(work, 'emulator.log'),
      env: cleanEnv({
        EMULATOR_PORT: String(emulatorPort),
        LINE_CHANNEL_SECRET: CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN: ACCESS_TOKEN,
        EMULATOR_WEBHOOK_URL: `${hubUrl}/webhook`,
      }),
    });
  }
  const hub = spawnNode({
    name: 'hub',
    script: path.join(build, 'src/server.js'),
    nodeArgs,
    cwd: ROOT,
    logFile: path.join(work, 'hub.log'),
    env: cleanEnv(
      emulatorChild
        ? {
            ...common,
            LINE_CHANNEL_SECRET: CHANNEL_SECRET,
            LINE_CHANNEL_ACCESS_TOKEN: ACCESS_TOKEN,
            LINE_API_BASE_URL: emulatorUrl,
            ADMIN_TOKEN,
          }
        : { ...common, EMULATOR_PORT: String(emulatorPort) },
    ),
  });
  // Separate pools: the load generator's connections must not be shared with the probes.
  const load = new KeepAliveClient(hubUrl, { maxSockets: args['in-flight'], timeoutMs: 10_000 });
  const hubProbe = new KeepAliveClient(hubUrl, { maxSockets: 1, timeoutMs: 10_000 });
  const emulator = new KeepAliveClient(emulatorUrl, { maxSockets: 8, timeoutMs: 30_000 });
  const system = {
    hub,
    emulatorChild,
    children: emulatorChild ? [emulatorChild, hub] : [hub],
    dataDir,
    hubUrl,
    load,
    hubProbe,
    emulator,
    close() {
      load.close();
      hubProbe.close();
      emulator.close();
    },
  };
  try {
    await waitForHttp(`${emulatorUrl}/_emulator/info`, { child: emulatorChild ?? hub });
    await waitForHttp(`${hubUrl}/readyz`, { child: hub });
  } catch (err) {
    system.close();
    await Promise.all(system.children.map((c) => c.stop(5000)));
    throw err;
  }
  return system;
}
type System = Awaited<ReturnType<typeof startSystem>>;

/**
 * Whether the emulator can issue reply tokens for webhooks it did not send itself. Without that, the
 * hub's reply fails with "Invalid reply token" and its outbox falls back to a push: one more LINE
 * call per event than production makes, so the figures are then pessimistic.
 */
async function canIssueReplyTokens(emulator: KeepAliveClient): Promise<boolean> {
  const res = await emulator.request('POST', '/_emulator/reply-tokens', JSON.stringify({ tokens: [] }), {
    'content-type': 'application/json',
  });
  return res.status === 200;
}

interface PhaseResult {
  loop: OpenLoopResult;
  tokensLate: number;
  startedAt: number;
}

/** One open-loop phase: the events are planned up front (seeded), reply tokens issued ahead of them. */
async function runPhase(
  system: System,
  args: Args,
  state: {
    users: BenchUser[];
    random: () => number;
    ids: UlidIds;
    nextMessageId: () => string;
    botUserId: string;
    tokens: boolean;
  },
  record: {
    sentIds: string[];
    expectedPerUser: Map<string, number>;
    counts: { duplicateAnswers: number; redeliveries: number };
    redeliveryReasons: Map<string, number>;
  },
  seconds: number,
): Promise<PhaseResult> {
  const planned = Math.round(args.rate * seconds);
  const plan: PlannedEvent[] = Array.from({ length: planned }, () => {
    const user = state.users[Math.floor(state.random() * state.users.length)]!;
    const texts = TEXTS[user.lang]!;
    return {
      user,
      text: texts[Math.floor(state.random() * texts.length)]!,
      replyToken: newReplyToken(),
      issued: false,
    };
  });

  // Tokens for the next two seconds of events, issued in one call every quarter second, so issuing
  // costs the emulator a few requests a second rather than one per event.
  let issuedUpTo = 0;
  const issueUpTo = async (target: number) => {
    const upTo = Math.min(planned, target);
    if (upTo <= issuedUpTo) return;
    const batch = plan.slice(issuedUpTo, upTo);
    await system.emulator.json('POST', '/_emulator/reply-tokens', {
      tokens: batch.map((p) => ({ replyToken: p.replyToken, chatId: p.user.userId })),
    });
    for (const p of batch) p.issued = true;
    issuedUpTo = upTo;
  };
  if (state.tokens) await issueUpTo(Math.ceil(args.rate * 2));
  let issuing = state.tokens;
  const startedAt = performance.now();
  let issueError: unknown;
  const issuer = (async () => {
    try {
      for (let i = 0; issuing && issuedUpTo < planned && i < 100_000; i += 1) {
        await issueUpTo(Math.ceil(((performance.now() - startedAt) / 1000 + 2) * args.rate));
        await sleep(250);
      }
    } catch (err) {
      // Events whose tokens were not issued count as "issued late"; the error is reported after the phase.
      issueError = err;
    }
  })();

  let tokensLate = 0;
  const loop = await runOpenLoop({
    ratePerSecond: args.rate,
    durationMs: seconds * 1000,
    maxInFlight: args['in-flight'],
    overrunMs: 10_000,
    settleMs: 15_000,
    async fire(i) {
      const p = plan[i]!;
      if (state.tokens && !p.issued) tokensLate += 1;
      const now = Date.now();
      const event = textMessageEvent({
        userId: p.user.userId,
        text: p.text,
        webhookEventId: state.ids.next(now),
        messageId: state.nextMessageId(),
        timestamp: now,
        replyToken: p.replyToken,
      });
      // Counted when sent: whatever happens next, this event must be handled once and answered once.
      record.sentIds.push(event.webhookEventId as string);
      record.expectedPerUser.set(p.user.userId, (record.expectedPerUser.get(p.user.userId) ?? 0) + 1);
      const outcome = await deliverWebhook(
        system.load,
        {
          channelSecret: CHANNEL_SECRET,
          destination: state.botUserId,
          onRedelivery: (reason) => {
            record.counts.redeliveries += 1;
            // Bounded: numbers vary (ports, timings); the kind of failure is what matters.
            const kind = reason.replace(/\d+/g, 'N');
            if (record.redeliveryReasons.size < 10 || record.redeliveryReasons.has(kind)) {
              record.redeliveryReasons.set(kind, (record.redeliveryReasons.get(kind) ?? 0) + 1);
            }
          },
        },
        event,
      );
      if (outcome === 'refused') record.counts.duplicateAnswers += 1;
      return outcome !== 'refused';
    },
  });
  issuing = false;
  await issuer;
  if (issueError) process.stderr.write(`bench: issuing reply tokens failed: ${String(issueError)}\n`);
  return { loop, tokensLate, startedAt };
}

interface CountCheck {
  delivered: number;
  /** Of those, sent by the hub during its shutdown, after the in-process emulator's log was read. */
  sentDuringShutdown: number;
  lostDelivery: number;
  duplicatedDelivery: number;
  stillQueued: number;
  lostInbox: number;
  duplicatedInbox: number;
  strangers: number;
  profileFailures: number;
}

/**
 * Every sent event must be in the inbox file with status done and attempts 1 (handled once), and each
 * user must have received exactly as many replies or pushes as they sent events. Answers still queued
 * in the outbox file when the hub stopped are late, not lost (the next start resumes them).
 */
function countCheck(
  dataDir: string,
  sentIds: string[],
  expectedPerUser: Map<string, number>,
  calls: EmulatorCall[],
  profileCalls: EmulatorCall[],
): CountCheck {
  // One delivery per LINE request id: the emulator's answered calls, plus rows the hub's outbox file
  // says were sent (with the request id LINE gave them) that the emulator's log did not show because
  // it was read before the hub's shutdown finished sending.
  const deliveries = new Map<string, string>();
  for (const c of calls) if (c.status === 200 && typeof c.to === 'string') deliveries.set(c.requestId, c.to);
  const outbox = readNedbFile<{ _id: string; status: string; to: string | string[]; lineRequestId?: string }>(
    path.join(dataDir, 'outbox.db'),
  );
  const queuedPerUser = new Map<string, number>();
  let sentDuringShutdown = 0;
  for (const row of outbox.values()) {
    if (typeof row.to !== 'string') continue;
    if (row.status === 'pending' || row.status === 'held')
      queuedPerUser.set(row.to, (queuedPerUser.get(row.to) ?? 0) + 1);
    if (row.status === 'sent' && row.lineRequestId && !deliveries.has(row.lineRequestId)) {
      sentDuringShutdown += 1;
      deliveries.set(row.lineRequestId, row.to);
    }
  }
  const gotPerUser = new Map<string, number>();
  for (const userId of deliveries.values()) gotPerUser.set(userId, (gotPerUser.get(userId) ?? 0) + 1);
  const delivered = deliveries.size;
  let lostDelivery = 0;
  let duplicatedDelivery = 0;
  let stillQueued = 0;
  for (const userId of new Set([...expectedPerUser.keys(), ...gotPerUser.keys()])) {
    const diff = (gotPerUser.get(userId) ?? 0) - (expectedPerUser.get(userId) ?? 0);
    if (diff > 0) duplicatedDelivery += diff;
    if (diff < 0) {
      const queued = Math.min(-diff, queuedPerUser.get(userId) ?? 0);
      stillQueued += queued;
      lostDelivery += -diff - queued;
    }
  }
  const inbox = readNedbFile<{ _id: string; status: string; attempts: number }>(path.join(dataDir, 'inbox.db'));
  let lostInbox = 0;
  let duplicatedInbox = 0;
  for (const id of sentIds) {
    const doc = inbox.get(id);
    if (!doc || doc.status !== 'done') lostInbox += 1;
    else if (doc.attempts !== 1) duplicatedInbox += 1; // marked done more than once: handled twice
  }
  const sent = new Set(sentIds);
  let strangers = 0;
  for (const id of inbox.keys()) if (!sent.has(id)) strangers += 1;
  const profileFailures = profileCalls.filter((c) => c.status !== 200).length;
  return {
    delivered,
    sentDuringShutdown,
    lostDelivery,
    duplicatedDelivery,
    stillQueued,
    lostInbox,
    duplicatedInbox,
    strangers,
    profileFailures,
  };
}

async function main(): Promise<void> {
  const args = readArgs();
  const build = hubBuild(ROOT, args.build);
  const tree = treeState(ROOT);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-bench-webhook-'));
  let system: System | undefined;
  try {
    system = await startSystem(args, build, work);
    const { hub, emulatorChild, hubProbe, emulator } = system;
    const { botUserId } = await emulator.json<{ botUserId: string }>('GET', '/_emulator/info');

    // Every user is a friend of the OA with a LINE profile, so the hub's profile lookups succeed.
    const users: BenchUser[] = Array.from({ length: args.users }, (_, i) => ({
      userId: benchUserId(i),
      lang: LANGS[i % LANGS.length]!,
    }));
    for (let i = 0; i < users.length; i += 25) {
      await Promise.all(
        users.slice(i, i + 25).map((u, j) =>
          emulator.json('POST', '/_emulator/users', {
            userId: u.userId,
            displayName: `ผู้ใช้ทดสอบ ${i + j + 1}`,
            language: u.lang,
          }),
        ),
      );
    }
    const tokens = await canIssueReplyTokens(emulator);
    const state = {
      users,
      random: seededRandom(args.seed),
      ids: new UlidIds(),
      nextMessageId: messageIds(),
      botUserId,
      tokens,
    };
    const record = {
      sentIds: [] as string[],
      expectedPerUser: new Map<string, number>(),
      counts: { duplicateAnswers: 0, redeliveries: 0 },
      redeliveryReasons: new Map<string, number>(),
    };

    // On a shared machine, start between other people's test runs rather than during one.
    const busyAtStart = args['quiet-wait'] > 0 ? await waitForQuietMachine(args['quiet-wait']) : Number.NaN;
    process.stderr.write(
      `bench: ${args.rate} webhooks/s for ${args.warmup} s warm-up + ${args.seconds} s from ${args.users} users at ${system.hubUrl}/webhook (emulator ${args.emulator}, reply tokens ${tokens ? 'issued' : 'not issued: push fallback'})\n`,
    );
    const warm = args.warmup > 0 ? await runPhase(system, args, state, record, args.warmup) : undefined;

    // The measured window: hub counters once a second, CPU of every process, then the drain.
    const cpuSnapshot = () => ({
      hub: cpuSecondsOf(hub.child.pid!),
      emulator: emulatorChild ? cpuSecondsOf(emulatorChild.child.pid!) : 0,
      bench: ownCpuSeconds(),
      machine: machineBusySeconds(),
    });
    const atStart = await hubCounters(hubProbe);
    // The generator's own stalls (its GC, its JIT): a response it reads late counts as hub latency.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const cpuBefore = cpuSnapshot();
    const progress: Progress[] = [];
    let sampling = true;
    const t0 = performance.now();
    const sampler = (async () => {
      for (let i = 0; sampling && i < 10_000; i += 1) {
        try {
          progress.push({ at: performance.now() - t0, counters: await hubCounters(hubProbe) });
        } catch {
          // A missed sample is not worth failing the run for.
        }
        await sleep(1000);
      }
    })();
    const measured = await runPhase(system, args, state, record, args.seconds);
    const sendEnd = performance.now();
    let drained: HubCounters | undefined;
    let last: HubCounters = atStart;
    for (let i = 0; performance.now() < sendEnd + args['drain-timeout'] * 1000 && i < 100_000; i += 1) {
      last = await hubCounters(hubProbe);
      // The hub's own count of accepted events includes any whose answer the bench never saw.
      if (last.handled >= last.accepted && last.outboxInFlight === 0) {
        drained = last;
        break;
      }
      await sleep(100);
    }
    const drainedAt = performance.now();
    loopDelay.disable();
    sampling = false;
    await sampler;
    const cpuAfter = cpuSnapshot();

    // What the emulator delivered. The hub is stopped the way production stops it (SIGTERM: it keeps
    // sending for up to 10 s, then compacts its files). A separate emulator is read after that; the
    // in-process one dies with the hub and is read before (the count check adds what the outbox file
    // says was sent after that).
    let calls: EmulatorCall[] = [];
    let profileCalls: EmulatorCall[] = [];
    if (!emulatorChild) {
      calls = await emulatorCalls(emulator, ['reply', 'push'], 0);
      profileCalls = await emulatorCalls(emulator, ['profile'], 0);
    }
    const hubExit = await hub.stop(20_000);
    if (emulatorChild) {
      calls = await emulatorCalls(emulator, ['reply', 'push'], 0);
      profileCalls = await emulatorCalls(emulator, ['profile'], 0);
    }
    const emulatorExit = emulatorChild ? await emulatorChild.stop(10_000) : undefined;
    const check = countCheck(system.dataDir, record.sentIds, record.expectedPerUser, calls, profileCalls);

    // Figures for the measured window.
    const loop = measured.loop;
    const lat = loop.latency.summary();
    const svc = loop.service.summary();
    const acceptRate = loop.ok / (loop.elapsedMs / 1000);
    const whole = loop.perSecond.slice(1, Math.floor(args.seconds));
    const slowestSecond = whole.length > 0 ? Math.min(...whole) : Number.NaN;
    const windowSeconds = (drainedAt - measured.startedAt) / 1000;
    const handledRate = ((drained ?? last).handled - atStart.handled) / windowSeconds;
    const lost = Math.max(check.lostDelivery, check.lostInbox);
    const duplicated = Math.max(check.duplicatedDelivery, check.duplicatedInbox);
    const busy = (k: 'hub' | 'emulator' | 'bench' | 'machine') =>
      (cpuAfter[k] - cpuBefore[k]) / ((drainedAt - t0) / 1000);
    const otherCpu = Math.max(0, busy('machine') - busy('hub') - busy('emulator') - busy('bench'));
    const hubMsPerEvent = ((cpuAfter.hub - cpuBefore.hub) * 1000) / Math.max(1, loop.ok);
    const deliveredPerSecond: number[] = [];
    const wallOffset = Date.now() - performance.now();
    for (const c of calls) {
      if (c.status !== 200) continue;
      const second = Math.floor((c.at - (measured.startedAt + wallOffset)) / 1000);
      if (second >= 0 && second < 100_000) deliveredPerSecond[second] = (deliveredPerSecond[second] ?? 0) + 1;
    }
    const inWindow = Array.from(
      { length: Math.max(0, Math.floor(args.seconds) - 1) },
      (_, i) => deliveredPerSecond[i + 1] ?? 0,
    ).sort((a, b) => a - b);
    const sent = (d: HubCounters) =>
      `${d.sent.reply} replies, ${d.sent.push} pushes, ${d.replyFallbacks} reply->push fallbacks, ${d.outboxRetries} retries, ${d.outboxFailed} failed`;
    // The hub's own view: from the request reaching express to the answer written. The gap to the
    // figures above is time outside the hub's handler: kernel queues, and the load generator itself.
    const hubSide = (q: number) => quantileBound(atStart.webhookSeconds, (drained ?? last).webhookSeconds, q);
    const bound = (q: number) => {
      const b = hubSide(q).bound;
      return Number.isFinite(b) ? `<= ${ms(b * 1000)} ms` : Number.isNaN(b) ? '-' : '> 2.5 s';
    };
    const rateMet = acceptRate >= TARGET.rate * 0.99 && handledRate >= TARGET.rate * 0.99;

    const out = [
      '',
      `webhook bench: ${loop.planned} signed text-message webhooks offered at ${args.rate}/s for ${args.seconds} s (after ${args.warmup} s warm-up) by ${args.users} users; ${args['in-flight']} connections max; emulator ${args.emulator}; embedded store`,
      `  code: ${tree}, run from ${path.relative(ROOT, build)}`,
      `  machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; cores busy before start ${Number.isNaN(busyAtStart) ? '-' : busyAtStart.toFixed(2)}, other processes during the run ${otherCpu.toFixed(2)}`,
      `  reply tokens: ${tokens ? `issued by the emulator ahead of each event (${measured.tokensLate} issued late)` : 'not issued (the emulator has no /_emulator/reply-tokens): the reply fails as "Invalid reply token" and the hub pushes instead'}`,
      ...(warm
        ? [
            `  warm-up (not in the figures): ${warm.loop.ok} accepted, time to 200 p99 ${ms(warm.loop.latency.summary().p99)} ms, max ${ms(warm.loop.latency.summary().max)} ms`,
          ]
        : []),
      '',
      `  events/s accepted (HTTP 200) : ${acceptRate.toFixed(0)}/s over ${(loop.elapsedMs / 1000).toFixed(1)} s (slowest whole second ${slowestSecond}/s)`,
      `  events/s handled and answered: ${handledRate.toFixed(0)}/s (everything answered ${((drainedAt - sendEnd) / 1000).toFixed(1)} s after the last send; answers delivered per second in the window: min ${inWindow[0] ?? '-'}, median ${inWindow[Math.floor(inWindow.length / 2)] ?? '-'})`,
      `  time to HTTP 200 (from due)  : p50 ${ms(lat.p50)} ms  p99 ${ms(lat.p99)} ms  p99.9 ${ms(lat.p999)} ms  max ${ms(lat.max)} ms`,
      `  time to HTTP 200 (from send) : p50 ${ms(svc.p50)} ms  p99 ${ms(svc.p99)} ms  max ${ms(svc.max)} ms  (generator lag max ${ms(loop.maxSendLagMs)} ms, its event loop stalled up to ${ms(loopDelay.max / 1e6)} ms; waited for the in-flight cap ${loop.capWaits} times)`,
      `  time to 200 inside the hub   : p50 ${bound(0.5)}  p99 ${bound(0.99)}  p99.9 ${bound(0.999)}  (ssz_webhook_seconds, ${hubSide(0.5).count} answers in the window); hub event loop stalled up to ${ms(Math.max(0, ...progress.map((p) => p.counters.eventLoopMaxSeconds)) * 1000)} ms`,
      `  CPU, cores busy              : hub ${busy('hub').toFixed(2)}${emulatorChild ? `, emulator ${busy('emulator').toFixed(2)}` : ' (emulator inside)'}, load generator ${busy('bench').toFixed(2)}; hub CPU per event ${hubMsPerEvent.toFixed(2)} ms`,
      `  outbox                       : ${sent(drained ?? last)}`,
      `  requests                     : ${loop.ok} ok, ${loop.failed} failed, ${loop.unsent} never sent (hub too slow to take them), ${loop.unanswered} unanswered, ${record.counts.redeliveries} redeliveries${record.redeliveryReasons.size ? ` (${[...record.redeliveryReasons].map(([k, v]) => `${k}: ${v}`).join('; ')})` : ''}, ${record.counts.duplicateAnswers} refused${loop.errors.size ? ` (${[...loop.errors].map(([k, v]) => `${k}: ${v}`).join('; ')})` : ''}`,
      `  count check, emulator        : ${check.delivered} replies/pushes delivered${check.sentDuringShutdown ? ` (${check.sentDuringShutdown} of them during the hub's shutdown, from its outbox file)` : ''} for ${record.sentIds.length} events sent (warm-up included); per user missing ${check.lostDelivery}, extra ${check.duplicatedDelivery}; still queued in the outbox at stop ${check.stillQueued}; profile lookups failed ${check.profileFailures}`,
      `  count check, inbox file      : not done ${check.lostInbox}, handled more than once ${check.duplicatedInbox}, entries nobody sent ${check.strangers}`,
      `  lost: ${lost}, duplicated: ${duplicated}`,
      `  hub exit ${hubExit.code ?? hubExit.signal}${emulatorExit ? `, emulator exit ${emulatorExit.code ?? emulatorExit.signal}` : ''}; warnings/errors logged: hub ${hub.notableTotal()}${emulatorChild ? `, emulator ${emulatorChild.notableTotal()}` : ''}`,
      ...hub.notable.slice(0, 3).map((l) => `    hub: ${l}`),
      ...(emulatorChild?.notable.slice(0, 3).map((l) => `    emulator: ${l}`) ?? []),
      '',
      `  targets: >= ${TARGET.rate} events/s accepted and answered ${rateMet ? 'MET' : 'NOT MET'} (1% allowed for window edges); p99 < ${TARGET.p99Ms} ms ${lat.p99 < TARGET.p99Ms ? 'MET' : 'NOT MET'}; none lost or duplicated ${lost === 0 && duplicated === 0 ? 'MET' : 'NOT MET'}`,
      `  reproduce: ${reproduceCommand('bench/webhook.ts', {
        rate: args.rate,
        seconds: args.seconds,
        warmup: args.warmup,
        users: args.users,
        'in-flight': args['in-flight'],
        emulator: args.emulator,
        seed: args.seed,
        ...(args.build !== 'private' ? { build: args.build } : {}),
        ...(args['cpu-prof'] ? { 'cpu-prof': true } : {}),
      })}`,
    ];
    process.stdout.write(out.join('\n') + '\n');

    if (args.timeline) {
      const handled = progress.slice(1).map((p, i) => p.counters.handled - progress[i]!.counters.handled);
      process.stdout.write(
        '\n  second  webhooks-200  slowest-200-ms  events-handled  answers-delivered  hub-backlog\n',
      );
      const rows = Math.min(600, Math.max(loop.perSecond.length, deliveredPerSecond.length, handled.length));
      for (let i = 0; i < rows; i += 1) {
        const backlog = progress[i] ? progress[i]!.counters.accepted - progress[i]!.counters.handled : '';
        const worst = loop.worstPerSecond[i];
        process.stdout.write(
          `  ${String(i).padStart(6)}  ${String(loop.perSecond[i] ?? 0).padStart(12)}  ${(worst !== undefined ? ms(worst) : '').padStart(14)}  ${String(handled[i] ?? '').padStart(14)}  ${String(deliveredPerSecond[i] ?? 0).padStart(17)}  ${String(backlog).padStart(11)}\n`,
        );
      }
    }
    const profDir = path.join(work, 'cpu-prof');
    if (args['cpu-prof'] && fs.existsSync(profDir)) {
      const events = record.sentIds.length;
      for (const file of fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'))) {
        const full = path.join(profDir, file);
        const { totalMs, spots } = hotSpots(full, 15);
        process.stdout.write(
          `\n  CPU profile ${full} (${(totalMs / 1000).toFixed(1)} s, whole process life, ${events} events)\n`,
        );
        process.stdout.write('    main-thread time by activity (µs per event):\n');
        for (const a of cpuByActivity(full, events)) {
          process.stdout.write(
            `    ${(a.share * 100).toFixed(1).padStart(5)}%  ${String(Math.round(a.usPerUnit ?? 0)).padStart(6)}  ${a.activity}\n`,
          );
        }
        process.stdout.write('    hottest functions (self time):\n');
        for (const s of spots)
          process.stdout.write(`    ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.name}  ${s.where}\n`);
      }
    }
    if (args.keep || args['cpu-prof']) process.stdout.write(`\n  kept: ${work}\n`);
    process.exitCode = lost === 0 && duplicated === 0 ? 0 : 1;
  } finally {
    if (system) {
      system.close();
      await Promise.all(system.children.map((c) => c.stop(5000)));
    }
    if (!args.keep && !args['cpu-prof']) fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
