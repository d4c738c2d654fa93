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
import { sleep } from './lib/processes';
import { EMULATOR_SECRET, startHubWithEmulator } from './lib/hub-with-emulator';
import { summarize } from './lib/stats';

const USAGE =
  'usage: npx tsx bench/report.ts [--inflight 50] [--rounds 10] [--warmup 1] [--emulator separate|in-process] [--build private|dist|DIR] [--cpu-prof DIR]';
const SECRET = EMULATOR_SECRET;
const DESTINATION = 'U' + '0'.repeat(32);
const GROUP = 'C' + '5'.repeat(32);
const OFFICER = 'U' + 'f'.repeat(32);
const SANTISUK = { latitude: 7.00486, longitude: 100.47018, address: 'ซอยสันติสุข หาดใหญ่' };

interface RecordedCall {
  id: number;
  at: number;
  status: number;
  body: unknown;
}

async function main(): Promise<void> {
  const args = parseArgs(
    process.argv.slice(2),
    { inflight: 50, rounds: 10, warmup: 1, build: 'private', emulator: 'separate', 'cpu-prof': '' },
    USAGE,
  );
  const root = path.resolve(__dirname, '..');
  const build = hubBuild(root, args.build);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-bench-report-'));
  const procs = await startHubWithEmulator({
    root,
    build,
    work,
    separate: args.emulator === 'separate',
    env: {},
    cpuProfDir: args['cpu-prof'] || undefined,
  });
  const { hub } = procs;
  try {
    const hubClient = new KeepAliveClient(procs.hubUrl, { maxSockets: 128 });
    const emu = new KeepAliveClient(procs.emulatorUrl, { maxSockets: 8 });
    const ids = new UlidIds();
    let messageId = 520_000_000_000_000;

    // One webhook as LINE sends it, its reply token registered with the emulator first.
    const send = async (source: Record<string, string>, body: Record<string, unknown>, preissued?: string) => {
      const replyToken = preissued ?? newReplyToken();
      if (!preissued)
        await emu.json('POST', '/_emulator/reply-tokens', {
          tokens: [{ replyToken, chatId: source.groupId ?? source.userId }],
        });
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
    const text = (source: Record<string, string>, t: string) =>
      send(source, { type: 'message', message: { type: 'text', id: String(++messageId), text: t, quoteToken: 'q' } });
    const postback = (source: Record<string, string>, data: string, token?: string) =>
      send(source, { type: 'postback', postback: { data } }, token);

    // The Hat Yai station group, bound the way an admin does it, and residents who accepted the notice.
    await emu.json('POST', '/_emulator/users', { userId: OFFICER, displayName: 'officer', language: 'th' });
    await emu.json('POST', '/_emulator/groups', { groupId: GROUP, groupName: 'HYI', memberIds: [OFFICER] });
    await send({ groupId: GROUP }, { type: 'join' });
    const code = await hubClient.request(
      'POST',
      '/admin/bind-codes',
      JSON.stringify({ kind: 'station', stationCode: 'HYI' }),
      {
        'content-type': 'application/json',
        authorization: `Bearer ${procs.adminToken}`,
      },
    );
    await text({ groupId: GROUP, userId: OFFICER }, `/bind ${(JSON.parse(code.body) as { code: string }).code}`);
    const users = Array.from(
      { length: args.inflight },
      (_, i) => 'U' + (i + 1).toString(16).padStart(8, '0') + '7e707e707e707e707e707e70',
    );
    for (const u of users) {
      await emu.json('POST', '/_emulator/users', {
        userId: u,
        displayName: `resident-${u.slice(1, 9)}`,
        language: 'th',
      });
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
      since = Math.max(
        since,
        ...(await emu.json<RecordedCall[]>('GET', `/_emulator/calls?limit=1&since=${since}`)).map((c) => c.id),
        0,
      );
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
        const calls = await emu.json<RecordedCall[]>(
          'GET',
          `/_emulator/calls?endpoint=push&to=${GROUP}&since=${since}&limit=1000`,
        );
        for (const c of calls) {
          since = Math.max(since, c.id);
          if (c.status !== 200) continue;
          const marker = /bench \d+ U[0-9a-f]{32}/.exec(JSON.stringify(c.body))?.[0];
          if (marker && sentAt.has(marker) && !found.has(marker)) found.set(marker, c.at - sentAt.get(marker)!);
        }
        if (calls.length < 1000) await sleep(250);
      }
      const round_ = summarize([...found.values()]);
      console.log(
        `  round ${round + 1}${round < args.warmup ? ' (warm-up, not counted)' : ''}: p50 ${round_.p50.toFixed(0)} ms, max ${round_.max.toFixed(0)} ms, ${found.size}/${users.length} cards`,
      );
      lost += users.length - found.size;
      if (round >= args.warmup) latencies.push(...found.values());
    }

    const s = summarize(latencies);
    console.log(
      `bench/report at ${treeState(root)}: ${args.rounds} rounds x ${args.inflight} reports confirmed at once, emulator ${args.emulator} (node ${process.version}, ${os.cpus().length} cores)`,
    );
    console.log(
      `  confirm webhook -> group card accepted by LINE (emulator): p50 ${s.p50.toFixed(0)} ms  p99 ${s.p99.toFixed(0)} ms  max ${s.max.toFixed(0)} ms  (n=${s.count})`,
    );
    console.log(
      `  cards lost: ${lost}   target: p99 < 200 ms, 0 lost -> ${s.p99 < 200 && lost === 0 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `  hub warnings/errors logged: ${hub.notableTotal()}${hub.notable.length ? ` (first: ${hub.notable[0]})` : ''}`,
    );
    console.log(`  reproduce: ${reproduceCommand('bench/report.ts', args)}`);
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
