// bench/report: time from a resident's confirm tap (the webhook) to the report card accepted by
// LINE (the emulator) in the station group, with `--inflight` reports confirmed at once.
//
//   npx tsx bench/report.ts [--inflight 50] [--rounds 10]
//
// The compiled hub runs in its own process with the emulator in it (no LINE credentials), as
// `npm start` does, on its embedded store on disk; this process signs the webhooks (registering
// their reply tokens with the emulator, as LINE would have issued them) and reads the emulator's
// call log. What is timed is all of the hub's work for a report: inbox, flow, case number, zone
// lookup, card, persisted push, and the send.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, reproduceCommand } from './lib/args';
import { hubBuild, treeState } from './lib/build';
import { KeepAliveClient } from './lib/http-client';
import { deliverWebhook, newReplyToken, UlidIds } from './lib/line-webhook';
import { cleanEnv, freePort, sleep, spawnNode, waitForHttp } from './lib/processes';
import { summarize } from './lib/stats';

const USAGE = 'usage: npx tsx bench/report.ts [--inflight 50] [--rounds 10] [--warmup 1] [--emulator separate|in-process] [--build private|dist|DIR] [--cpu-prof DIR]';
const SECRET = 'emulator-channel-secret'; // the hub's secret when no LINE credentials are set
const DESTINATION = 'U' + '0'.repeat(32);
const GROUP = 'C' + '5'.repeat(32);
const OFFICER = 'U' + 'f'.repeat(32);
const ADMIN = 'local-admin-token-emulator-only'; // the hub's token when no LINE credentials are set
const SANTISUK = { latitude: 7.00486, longitude: 100.47018, address: 'ซอยสันติสุข หาดใหญ่' };

interface RecordedCall {
  id: number;
  at: number;
  status: number;
  body: unknown;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { inflight: 50, rounds: 10, warmup: 1, build: 'private', emulator: 'separate', 'cpu-prof': '' }, USAGE);
  const root = path.resolve(__dirname, '..');
  const build = hubBuild(root, args.build);
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-bench-report-'));
  // By default the emulator is a process of its own, as LINE is: the hub's process does only the
  // hub's work. `--emulator in-process` runs it inside the hub, as `npm start` does.
  const separate = args.emulator === 'separate';
  const emulatorProcess = separate
    ? spawnNode({
        name: 'emulator',
        script: path.join(build, 'src/emulator/main.js'),
        ...(args['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'], 'emulator')}`] } : {}),
        env: cleanEnv({ EMULATOR_PORT: String(emulatorPort), LINE_CHANNEL_SECRET: SECRET, EMULATOR_WEBHOOK_URL: `http://127.0.0.1:${port}/webhook` }),
        cwd: root,
        logFile: path.join(work, 'emulator.log'),
      })
    : undefined;
  const hub = spawnNode({
    name: 'hub',
    script: path.join(build, 'src/server.js'),
    // --cpu-prof DIR: a V8 profile of the hub, to see where a slow run spends its time.
    ...(args['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] } : {}),
    env: cleanEnv({
      PORT: String(port),
      EMULATOR_PORT: String(emulatorPort),
      DATA_DIR: path.join(work, 'data'),
      LOG_LEVEL: 'warn',
      ...(separate
        ? { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: 'bench-channel-access-token', LINE_API_BASE_URL: `http://127.0.0.1:${emulatorPort}`, ADMIN_TOKEN: ADMIN }
        : {}),
    }),
    cwd: root,
    logFile: path.join(work, 'hub.log'),
  });
  try {
    if (emulatorProcess) await waitForHttp(`http://127.0.0.1:${emulatorPort}/_emulator/calls?limit=1`, { child: emulatorProcess, timeoutMs: 30_000 });
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, { child: hub, timeoutMs: 30_000 });
    const hubClient = new KeepAliveClient(`http://127.0.0.1:${port}`, { maxSockets: 128 });
    const emu = new KeepAliveClient(`http://127.0.0.1:${emulatorPort}`, { maxSockets: 8 });
    const ids = new UlidIds();
    let messageId = 520_000_000_000_000;

    // One webhook as LINE sends it, its reply token registered with the emulator first.
    const send = async (source: Record<string, string>, body: Record<string, unknown>, preissued?: string) => {
      const replyToken = preissued ?? newReplyToken();
      if (!preissued) await emu.json('POST', '/_emulator/reply-tokens', { tokens: [{ replyToken, chatId: source.groupId ?? source.userId }] });
      const event = {
        ...body,
        webhookEventId: ids.next(),
        deliveryContext: { isRedelivery: false },
        timestamp: Date.now(),
        source: { type: source.groupId ? 'group' : 'user', ...source },
        replyToken,
        mode: 'active',
      };
      return deliverWebhook(hubClient, { channelSecret: SECRET, destination: DESTINATION }, event);
    };
    const text = (source: Record<string, string>, t: string) => send(source, { type: 'message', message: { type: 'text', id: String(++messageId), text: t, quoteToken: 'q' } });
    const postback = (source: Record<string, string>, data: string, token?: string) => send(source, { type: 'postback', postback: { data } }, token);

    // The Hat Yai station group, bound the way an admin does it, and residents who accepted the notice.
    await emu.json('POST', '/_emulator/users', { userId: OFFICER, displayName: 'officer', language: 'th' });
    await emu.json('POST', '/_emulator/groups', { groupId: GROUP, groupName: 'HYI', memberIds: [OFFICER] });
    await send({ groupId: GROUP }, { type: 'join' });
    const code = await hubClient.request('POST', '/admin/bind-codes', JSON.stringify({ kind: 'station', stationCode: 'HYI' }), {
      'content-type': 'application/json',
      authorization: `Bearer ${ADMIN}`,
    });
    await text({ groupId: GROUP, userId: OFFICER }, `/bind ${(JSON.parse(code.body) as { code: string }).code}`);
    const users = Array.from({ length: args.inflight }, (_, i) => 'U' + (i + 1).toString(16).padStart(8, '0') + '7e707e707e707e707e707e70');
    for (const u of users) {
      await emu.json('POST', '/_emulator/users', { userId: u, displayName: `resident-${u.slice(1, 9)}`, language: 'th' });
      await send({ userId: u }, { type: 'follow', follow: { isUnblocked: false } });
      await postback({ userId: u }, 'a=consent&v=accept');
    }

    const latencies: number[] = [];
    let lost = 0;
    let since = 0;
    for (let round = 0; round < args.rounds + args.warmup; round++) {
      // Bring every resident to the confirm card (not timed).
      await Promise.all(
        users.map(async (u) => {
          const who = { userId: u };
          await postback(who, 'a=report');
          await postback(who, 'a=cat&v=theft');
          await text(who, `bench ${round} ${u}`);
          await postback(who, 'a=photos-done');
          await send(who, { type: 'message', message: { type: 'location', id: String(++messageId), ...SANTISUK } });
          await postback(who, 'a=anon&v=no');
        }),
      );
      await sleep(500);
      since = Math.max(since, ...(await emu.json<RecordedCall[]>('GET', `/_emulator/calls?limit=1&since=${since}`)).map((c) => c.id), 0);
      // Now all of them tap "send report" at once.
      // Their reply tokens are issued before the clock starts, as LINE issues them with the event.
      const tokens = users.map((u) => ({ replyToken: newReplyToken(), chatId: u }));
      await emu.json('POST', '/_emulator/reply-tokens', { tokens });
      const sentAt = new Map<string, number>();
      await Promise.all(
        users.map(async (u, i) => {
          sentAt.set(`bench ${round} ${u}`, Date.now());
          await postback({ userId: u }, 'a=report-confirm', tokens[i]!.replyToken);
        }),
      );
      // The emulator stamps each call when it handles it, so reading the log later loses nothing, and
      // reading it while the burst is on would only slow the emulator down and skew the figure.
      await sleep(1500);
      const found = new Map<string, number>();
      const deadline = Date.now() + 30_000;
      while (found.size < users.length && Date.now() < deadline) {
        const calls = await emu.json<RecordedCall[]>('GET', `/_emulator/calls?endpoint=push&to=${GROUP}&since=${since}&limit=1000`);
        for (const c of calls) {
          since = Math.max(since, c.id);
          if (c.status !== 200) continue;
          const marker = /bench \d+ U[0-9a-f]{32}/.exec(JSON.stringify(c.body))?.[0];
          if (marker && sentAt.has(marker) && !found.has(marker)) found.set(marker, c.at - sentAt.get(marker)!);
        }
        if (calls.length < 1000) await sleep(250);
      }
      const round_ = summarize([...found.values()]);
      console.log(`  round ${round + 1}${round < args.warmup ? ' (warm-up, not counted)' : ''}: p50 ${round_.p50.toFixed(0)} ms, max ${round_.max.toFixed(0)} ms, ${found.size}/${users.length} cards`);
      lost += users.length - found.size;
      if (round >= args.warmup) latencies.push(...found.values());
    }

    const s = summarize(latencies);
    console.log(`bench/report at ${treeState(root)}: ${args.rounds} rounds x ${args.inflight} reports confirmed at once, emulator ${args.emulator} (node ${process.version}, ${os.cpus().length} cores)`);
    console.log(`  confirm webhook -> group card accepted by LINE (emulator): p50 ${s.p50.toFixed(0)} ms  p99 ${s.p99.toFixed(0)} ms  max ${s.max.toFixed(0)} ms  (n=${s.count})`);
    console.log(`  cards lost: ${lost}   target: p99 < 200 ms, 0 lost -> ${s.p99 < 200 && lost === 0 ? 'met' : 'NOT met'}`);
    console.log(`  hub warnings/errors logged: ${hub.notableTotal()}${hub.notable.length ? ` (first: ${hub.notable[0]})` : ''}`);
    console.log(`  reproduce: ${reproduceCommand('bench/report.ts', args)}`);
    process.exitCode = lost === 0 ? 0 : 1;
  } finally {
    await hub.stop(5000);
    await emulatorProcess?.stop(5000);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
