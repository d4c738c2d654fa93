// bench/sos: SOS latency under load. With `--rate` other webhook events per second in the
// background, `--sos` residents press SOS (spread over the run); for each, the time from the SOS
// webhook to the alert card accepted by LINE (the emulator answering 200) in the alerted group.
// `--fail-rate 0.2` makes the emulator answer 500 to a fifth of all API calls: the alert must still
// arrive, through the outbox's retries with the same retry key.
//
//   npx tsx bench/sos.ts                    # 1,000 ev/s background, 50 SOS
//   npx tsx bench/sos.ts --fail-rate 0.2    # the same with 20% of LINE calls failing
//
// The compiled hub runs in its own process with the emulator in it (no LINE credentials), as
// `npm start` does; this process generates the load and reads the emulator's call log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, reproduceCommand } from './lib/args';
import { hubBuild, treeState } from './lib/build';
import { KeepAliveClient } from './lib/http-client';
import { benchUserId, deliverWebhook, messageIds, newReplyToken, textMessageEvent, UlidIds } from './lib/line-webhook';
import { runOpenLoop } from './lib/open-loop';
import { sleep } from './lib/processes';
import { EMULATOR_SECRET, startHubWithEmulator } from './lib/hub-with-emulator';
import { summarize } from './lib/stats';

const USAGE =
  'usage: npx tsx bench/sos.ts [--rate 1000] [--warmup 5] [--seconds 20] [--sos 50] [--users 500] [--fail-rate 0] [--emulator separate|in-process] [--build private|dist|DIR]';
const SECRET = EMULATOR_SECRET;
const DESTINATION = 'U' + '0'.repeat(32);
const GROUP = 'C' + '7'.repeat(32);
const OFFICER = 'U' + 'f'.repeat(32);

interface RecordedCall {
  id: number;
  at: number;
  status: number;
  body: { messages?: unknown[] };
}

async function main(): Promise<void> {
  const args = parseArgs(
    process.argv.slice(2),
    { rate: 1000, warmup: 5, seconds: 20, sos: 50, users: 500, 'fail-rate': 0, build: 'private', emulator: 'separate' },
    USAGE,
  );
  const root = path.resolve(__dirname, '..');
  const build = hubBuild(root, args.build);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-bench-sos-'));
  const procs = await startHubWithEmulator({
    root,
    build,
    work,
    separate: args.emulator === 'separate',
    env: { COMMAND_CENTRE_GROUP_ID: GROUP },
    cpuProfDir: undefined,
  });
  const { hub } = procs;
  try {
    const hubClient = new KeepAliveClient(procs.hubUrl, { maxSockets: 128 });
    const emu = new KeepAliveClient(procs.emulatorUrl, { maxSockets: 8 });
    const ids = new UlidIds();
    const nextMessageId = messageIds();
    const deliver = (event: Record<string, unknown>) =>
      deliverWebhook(hubClient, { channelSecret: SECRET, destination: DESTINATION }, event);
    const base = (userId: string) => ({
      webhookEventId: ids.next(),
      deliveryContext: { isRedelivery: false },
      timestamp: Date.now(),
      source: { type: 'user', userId },
      replyToken: newReplyToken(),
      mode: 'active',
    });

    // The people: a command-centre group (where SOS without a pin goes), residents who chat in the
    // background, and residents who will press SOS (they accepted the PDPA notice, so the card shows
    // their name, which is how this bench tells the alerts apart).
    await emu.json('POST', '/_emulator/users', { userId: OFFICER, displayName: 'officer', language: 'th' });
    await emu.json('POST', '/_emulator/groups', { groupId: GROUP, groupName: 'ศูนย์วิทยุ', memberIds: [OFFICER] });
    for (let i = 0; i < args.users; i++)
      await emu.json('POST', '/_emulator/users', { userId: benchUserId(i), displayName: `bg-${i}`, language: 'th' });
    const sosUsers = Array.from(
      { length: args.sos },
      (_, j) => 'U' + (j + 1).toString(16).padStart(8, '0') + '5050505050505050abcdef00',
    );
    for (const [j, userId] of sosUsers.entries()) {
      await emu.json('POST', '/_emulator/users', { userId, displayName: `sos-person-${j}`, language: 'th' });
      await deliver({ type: 'follow', follow: { isUnblocked: false }, ...base(userId) });
      await deliver({ type: 'postback', postback: { data: 'a=consent&v=accept' }, ...base(userId) });
    }
    await sleep(1500);
    await emu.request('DELETE', '/_emulator/calls');
    if (args['fail-rate'] > 0) {
      await emu.json('POST', '/_emulator/faults', { count: 10_000_000, status: 500, probability: args['fail-rate'] });
    }

    // Every event carries a reply token LINE issued: register the background's before the clock starts.
    const durationMs = args.seconds * 1000;
    const warmupMs = args.warmup * 1000;
    const planned = Math.round((args.rate * (durationMs + warmupMs)) / 1000) + 1000;
    const backgroundTokens = Array.from({ length: planned }, (_, i) => ({
      replyToken: newReplyToken(),
      chatId: benchUserId(i % args.users),
    }));
    for (let i = 0; i < planned; i += 5000)
      await emu.json('POST', '/_emulator/reply-tokens', { tokens: backgroundTokens.slice(i, i + 5000) });
    const sosTokens = sosUsers.map((u) => ({ replyToken: newReplyToken(), chatId: u }));
    await emu.json('POST', '/_emulator/reply-tokens', { tokens: sosTokens });

    const chatter = (offset: number, ms: number) =>
      runOpenLoop({
        ratePerSecond: args.rate,
        durationMs: ms,
        maxInFlight: 256,
        fire: async (n) => {
          const i = offset + n;
          const userId = benchUserId(i % args.users);
          const outcome = await deliver(
            textMessageEvent({
              userId,
              text: `สวัสดี ${i}`,
              webhookEventId: ids.next(),
              messageId: nextMessageId(),
              timestamp: Date.now(),
              replyToken: backgroundTokens[i]?.replyToken,
            }),
          );
          return outcome === 'accepted';
        },
      });
    // The background is already running when the first SOS comes (a hub just started, and the
    // generator, compile and warm up for a few seconds; that is measured apart).
    const warm = warmupMs > 0 ? await chatter(0, warmupMs) : undefined;
    const warmEvents = Math.round((args.rate * warmupMs) / 1000);

    // Background chatter and the SOS presses, at the same time.
    const sentAt = new Array<number>(args.sos);
    const sosRun = (async () => {
      const start = Date.now();
      for (let j = 0; j < args.sos; j++) {
        const due = start + 1000 + (j * (durationMs - 2000)) / args.sos;
        await sleep(Math.max(0, due - Date.now()));
        sentAt[j] = Date.now();
        void deliver({
          type: 'postback',
          postback: { data: 'a=sos' },
          ...base(sosUsers[j]!),
          replyToken: sosTokens[j]!.replyToken,
        });
      }
    })();
    const background = await chatter(warmEvents, durationMs);
    await sosRun;

    // Each SOS's first alert card that LINE accepted in the group.
    const firstAccepted = new Map<number, number>();
    const deadline = Date.now() + 60_000;
    let since = 0;
    while (firstAccepted.size < args.sos && Date.now() < deadline) {
      const calls = await emu.json<RecordedCall[]>(
        'GET',
        `/_emulator/calls?endpoint=push&to=${GROUP}&since=${since}&limit=2000`,
      );
      for (const c of calls) {
        since = Math.max(since, c.id);
        if (c.status !== 200) continue;
        const body = JSON.stringify(c.body);
        const m = /sos-person-(\d+)/.exec(body);
        if (m && body.includes('SOS') && !firstAccepted.has(Number(m[1]))) firstAccepted.set(Number(m[1]), c.at);
      }
      if (calls.length < 2000) await sleep(200);
    }

    const latencies = [...firstAccepted.entries()].map(([j, at]) => at - sentAt[j]!);
    const s = summarize(latencies);
    const lost = args.sos - firstAccepted.size;
    const bg = background.latency.summary();
    const target = args['fail-rate'] > 0 ? 2000 : 250;
    console.log(`bench/sos at ${treeState(root)} (node ${process.version}, ${os.cpus().length} cores)`);
    console.log(
      `  background: ${background.ok} text events accepted in ${(background.elapsedMs / 1000).toFixed(1)} s (${(background.ok / (background.elapsedMs / 1000)).toFixed(0)}/s), webhook p99 ${bg.p99.toFixed(1)} ms`,
    );
    if (warm)
      console.log(
        `  warm-up (not in the figures): ${warm.ok} text events in ${(warm.elapsedMs / 1000).toFixed(1)} s, webhook p99 ${warm.latency.summary().p99.toFixed(1)} ms`,
      );
    console.log(`  emulator: ${args.emulator}; hub warnings/errors logged: ${hub.notableTotal()}`);
    console.log(`  LINE failing: ${(args['fail-rate'] * 100).toFixed(0)}% of API calls answer 500`);
    console.log(
      `  SOS webhook -> alert card accepted by LINE in the group: p50 ${s.p50.toFixed(0)} ms  p99 ${s.p99.toFixed(0)} ms  max ${s.max.toFixed(0)} ms  (n=${s.count})`,
    );
    console.log(
      `  lost: ${lost} of ${args.sos}   target: p99 < ${target} ms and 0 lost -> ${s.p99 < target && lost === 0 ? 'met' : 'NOT met'}`,
    );
    console.log(`  reproduce: ${reproduceCommand('bench/sos.ts', args)}`);
    process.exitCode = lost === 0 ? 0 : 1;
  } finally {
    await procs.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
