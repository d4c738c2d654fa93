// bench/broadcast: one broadcast to every zone of a city of 100,000 followers in three languages
// across 20 zones, plus 50 community groups. Prints the LINE calls made against the fewest possible
// (per language ceil(people/500), plus one push per group), the wall time against the bound the
// emulator's multicast limit sets (calls / limit), the hub's peak RSS, and then does it again with a
// `kill -9` of the hub in the middle and a restart: every batch must be accepted by LINE exactly once.
//
//   npx tsx bench/broadcast.ts                               # 100,000 followers, multicast limit 20/s
//   npx tsx bench/broadcast.ts --multicast-limit 200         # LINE's own limit
//
// The compiled hub and the LINE emulator run as separate processes (the emulator with
// EMULATOR_RATE_LIMITS=multicast=<limit>, answering 429 above it); the hub keeps its multicasts under
// the limit with LINE_MULTICAST_PER_SECOND. The followers are written to the hub's store files before
// it starts (as a city that has been running for a while would have them).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, reproduceCommand } from './lib/args';
import { hubBuild, treeState } from './lib/build';
import { machineBusySeconds, waitForQuietMachine } from './lib/cpu';
import { KeepAliveClient } from './lib/http-client';
import { seededRandom } from './lib/line-webhook';
import { cleanEnv, freePort, sleep, spawnNode, waitForHttp, type Spawned } from './lib/processes';
import { EmbeddedStore } from '../src/store/embedded/nedb-store';
import type { Zone, Station } from '../src/domain/places';
import type { Language } from '../src/domain/people';

const USAGE =
  'usage: npx tsx bench/broadcast.ts [--subscribers 100000] [--zones 20] [--groups 50] [--group-members 20] [--multicast-limit 20] [--hub-rate 0] [--kill-at 0.33] [--quiet-wait 60] [--hub-node-options "--max-old-space-size=192"] [--build private|dist|DIR]';
const SECRET = 'bench-channel-secret-0123';
const ADMIN = 'bench-admin-token-0123456789';
const LANGS: Array<[Language, number]> = [
  ['th', 0.6],
  ['en', 0.25],
  ['ms', 0.15],
];
const MAX_MULTICAST = 500;

interface Call {
  at: number;
  status: number;
  endpoint: string;
  retryKey?: string;
  to?: string | string[];
}

interface City {
  zones: string[];
  groups: Array<{ id: string; zoneId: string; members: string[] }>;
  /** The fewest LINE calls one broadcast to every zone can take. */
  minimum: { multicast: number; push: number; byLanguage: Record<string, number> };
  people: number;
}

/** Writes the city to the hub's store files: 2 stations, the zones, the followers, the groups. */
async function seedCity(dataDir: string, args: Record<string, number>): Promise<City> {
  const store = new EmbeddedStore({ dir: dataDir });
  const now = Date.now();
  const stations: Station[] = JSON.parse(
    fs.readFileSync(path.join(__dirname, '../scripts/seed/hat-yai-stations.json'), 'utf8'),
  ).map((s: Station) => ({ ...s, createdAt: now, updatedAt: now }));
  await store.collection<Station>('stations').insertNew(stations);
  const zones: Zone[] = Array.from({ length: args.zones! }, (_, i) => {
    const [lng, lat] = [100.44 + (i % 5) * 0.01, 6.98 + Math.floor(i / 5) * 0.01];
    return {
      _id: `Z${String(i + 1).padStart(2, '0')}`,
      stationCode: stations[i % stations.length]!._id,
      name: { th: `โซนทดสอบ ${i + 1}`, en: `Bench zone ${i + 1}`, ms: `Zon ujian ${i + 1}` },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [lng, lat],
            [lng + 0.008, lat],
            [lng + 0.008, lat + 0.008],
            [lng, lat + 0.008],
            [lng, lat],
          ],
        ],
      },
      createdAt: now,
      updatedAt: now,
    };
  });
  await store.collection<Zone>('zones').insertNew(zones);

  const rand = seededRandom(42);
  const perLanguage = new Map<string, number>();
  const users: object[] = [];
  const subs: object[] = [];
  const flush = async () => {
    await store.collection('users').insertNew(users.splice(0) as never);
    await store.collection('subscriptions').insertNew(subs.splice(0) as never);
  };
  for (let i = 0; i < args.subscribers!; i++) {
    const id = `U${i.toString(16).padStart(32, '0')}`;
    let r = rand();
    const lang = LANGS.find(([, share]) => (r -= share) < 0)?.[0] ?? 'th';
    perLanguage.set(lang, (perLanguage.get(lang) ?? 0) + 1);
    users.push({
      _id: id,
      consent: 'accepted',
      role: 'resident',
      following: true,
      chosenLanguage: lang,
      createdAt: now,
      updatedAt: now,
    });
    // One zone each, and a second for one in ten: everyone must still get the broadcast once.
    const first = Math.floor(rand() * zones.length);
    const mine = rand() < 0.1 ? [first, (first + 1) % zones.length] : [first];
    for (const z of mine)
      subs.push({
        _id: `${id}|${zones[z]!._id}`,
        userId: id,
        zoneId: zones[z]!._id,
        patrolNews: false,
        source: 'pin',
        createdAt: now,
        updatedAt: now,
      });
    if (users.length === 10_000) await flush();
  }
  await flush();
  const groups = Array.from({ length: args.groups! }, (_, i) => ({
    id: `C${i.toString(16).padStart(32, '0')}`,
    zoneId: zones[i % zones.length]!._id,
    members: Array.from(
      { length: args['group-members']! },
      (_, m) => `U${(0xf0000000 + i * 1000 + m).toString(16).padStart(32, '0')}`,
    ),
  }));
  await store.collection('groups').insertNew(
    groups.map((g) => ({
      _id: g.id,
      kind: 'community',
      stationCode: 'HYI',
      zoneId: g.zoneId,
      active: true,
      joinedAt: now,
      updatedAt: now,
    })) as never,
  );
  await store.close();
  const byLanguage = Object.fromEntries([...perLanguage].map(([l, n]) => [l, Math.ceil(n / MAX_MULTICAST)]));
  return {
    zones: zones.map((z) => z._id),
    groups,
    minimum: { multicast: Object.values(byLanguage).reduce((a, b) => a + b, 0), push: groups.length, byLanguage },
    people: args.subscribers!,
  };
}

interface Run {
  emulator: Spawned;
  emulatorUrl: string;
  work: string;
  startHub(): Promise<{ hub: Spawned; url: string }>;
}

async function processes(
  build: string,
  root: string,
  limit: number,
  hubRate: number,
  nodeArgs: string[],
): Promise<Run> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-bench-broadcast-'));
  const [emulatorPort, hubPort] = [await freePort(), await freePort()];
  const emulator = spawnNode({
    name: 'emulator',
    script: path.join(build, 'src/emulator/main.js'),
    env: cleanEnv({
      EMULATOR_PORT: String(emulatorPort),
      LINE_CHANNEL_SECRET: SECRET,
      EMULATOR_WEBHOOK_URL: `http://127.0.0.1:${hubPort}/webhook`,
      EMULATOR_RATE_LIMITS: `multicast=${limit}`,
    }),
    cwd: root,
    logFile: path.join(work, 'emulator.log'),
  });
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  await waitForHttp(`${emulatorUrl}/_emulator/calls?limit=1`, { child: emulator, timeoutMs: 30_000 });
  let starts = 0;
  return {
    emulator,
    emulatorUrl,
    work,
    async startHub() {
      starts += 1;
      const hub = spawnNode({
        name: `hub-${starts}`,
        script: path.join(build, 'src/server.js'),
        nodeArgs,
        env: cleanEnv({
          PORT: String(hubPort),
          DATA_DIR: path.join(work, 'data'),
          LOG_LEVEL: 'warn',
          LINE_CHANNEL_SECRET: SECRET,
          LINE_CHANNEL_ACCESS_TOKEN: 'bench-channel-access-token',
          LINE_API_BASE_URL: emulatorUrl,
          ADMIN_TOKEN: ADMIN,
          LINE_MULTICAST_PER_SECOND: String(hubRate),
        }),
        cwd: root,
        logFile: path.join(work, `hub-${starts}.log`),
      });
      const url = `http://127.0.0.1:${hubPort}`;
      await waitForHttp(`${url}/readyz`, { child: hub, timeoutMs: 120_000 });
      return { hub, url };
    },
  };
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function sendCalls(emu: KeepAliveClient): Promise<Call[]> {
  const out: Call[] = [];
  for (const endpoint of ['multicast', 'push', 'broadcast']) {
    const res = await emu.request('GET', `/_emulator/calls?endpoint=${endpoint}`);
    for (const c of JSON.parse(res.body) as Call[]) out.push({ ...c, endpoint });
  }
  return out;
}

/** Waits until LINE accepted as many multicasts and group pushes as the city needs. */
async function untilDelivered(emu: KeepAliveClient, city: City, timeoutMs: number): Promise<Call[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const calls = await sendCalls(emu);
    const ok = (e: string) => calls.filter((c) => c.endpoint === e && c.status === 200).length;
    const groupPushes = calls.filter(
      (c) => c.endpoint === 'push' && c.status === 200 && String(c.to).startsWith('C'),
    ).length;
    if (ok('multicast') >= city.minimum.multicast && groupPushes >= city.minimum.push) return calls;
    if (Date.now() > deadline)
      throw new Error(
        `not delivered within ${timeoutMs / 1000} s: ${ok('multicast')} multicasts, ${groupPushes} group pushes`,
      );
    await sleep(100);
  }
}

function postBroadcast(hubUrl: string, city: City) {
  const hub = new KeepAliveClient(hubUrl, { maxSockets: 1, timeoutMs: 600_000 });
  return hub.request(
    'POST',
    '/admin/broadcasts',
    JSON.stringify({
      zones: city.zones,
      text: {
        th: 'คืนนี้ 22:00-02:00 ไฟฟ้าดับทั้งเขต โปรดระวังเมื่อเดินทางกลับบ้าน ตำรวจจะออกตรวจเพิ่ม',
        en: 'Power cut tonight 22:00-02:00 across the area. Take care on the way home; extra police patrols.',
        ms: 'Bekalan elektrik terputus malam ini 22:00-02:00. Berhati-hati dalam perjalanan pulang; rondaan polis ditambah.',
      },
    }),
    { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
  );
}

/** Each batch (retry key) accepted once, and each follower in exactly one accepted multicast. */
function exactlyOnce(
  calls: Call[],
  city: City,
): { batches: number; twice: number; people: number; duplicates: number; missing: number; conflicts: number } {
  const accepted = calls.filter(
    (c) => c.status === 200 && (c.endpoint === 'multicast' || String(c.to).startsWith('C')),
  );
  const perKey = new Map<string, number>();
  for (const c of accepted) perKey.set(c.retryKey ?? '', (perKey.get(c.retryKey ?? '') ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const c of accepted.filter((x) => x.endpoint === 'multicast'))
    for (const id of c.to as string[]) seen.set(id, (seen.get(id) ?? 0) + 1);
  return {
    batches: perKey.size,
    twice: [...perKey.values()].filter((n) => n > 1).length,
    people: seen.size,
    duplicates: [...seen.values()].filter((n) => n > 1).length,
    missing: city.people - seen.size,
    conflicts: calls.filter((c) => c.status === 409).length,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(
    process.argv.slice(2),
    {
      subscribers: 100_000,
      zones: 20,
      groups: 50,
      'group-members': 20,
      'multicast-limit': 20,
      'hub-rate': 0,
      'kill-at': 0.33,
      'quiet-wait': 60,
      'hub-node-options': '',
      build: 'private',
    },
    USAGE,
  );
  const root = path.resolve(__dirname, '..');
  const build = hubBuild(root, args.build);
  const limit = args['multicast-limit'];
  // The hub at the emulator's very limit: its multicasts go at an even pace (a 100 ms burst), and the
  // emulator's bucket starts full, which absorbs the jitter of the wire.
  const hubRate = args['hub-rate'] || limit;
  const nums = args as unknown as Record<string, number>;
  const nodeArgs = args['hub-node-options'].split(' ').filter(Boolean);

  const idle = await waitForQuietMachine(args['quiet-wait']);
  process.stdout.write(
    `bench/broadcast  ${treeState(root)}  ${args.subscribers.toLocaleString('en-US')} followers, ${args.zones} zones, ${args.groups} groups; emulator multicast limit ${limit}/s, hub ${hubRate}/s${nodeArgs.length ? ` (node ${nodeArgs.join(' ')})` : ''}; machine busy ${idle.toFixed(2)} cores before start; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );

  // 1. A clean run: calls, wall time against the bound, peak memory.
  {
    const run = await processes(build, root, limit, hubRate, nodeArgs);
    let started: Spawned | undefined;
    try {
      const city = await seedCity(path.join(run.work, 'data'), nums);
      const { hub, url } = await run.startHub();
      started = hub;
      const before = memoryOf(hub.child.pid!);
      const busyBefore = machineBusySeconds();
      const t0 = Date.now();
      const posted = await postBroadcast(url, city);
      if (posted.status !== 201) throw new Error(`POST /admin/broadcasts: ${posted.status} ${posted.body}`);
      const planned = Date.now() - t0;
      const emu = new KeepAliveClient(run.emulatorUrl, { maxSockets: 2, timeoutMs: 60_000 });
      const calls = await untilDelivered(emu, city, 600_000);
      const accepted = calls.filter((c) => c.status === 200 && (c.endpoint !== 'push' || String(c.to).startsWith('C')));
      const finished = Math.max(...accepted.map((c) => c.at));
      const wall = (finished - t0) / 1000;
      const firstBatch = (Math.min(...accepted.filter((c) => c.endpoint === 'multicast').map((c) => c.at)) - t0) / 1000;
      const multicasts = accepted.filter((c) => c.endpoint === 'multicast').length;
      const bound = multicasts / limit;
      const busy = (machineBusySeconds() - busyBefore) / ((Date.now() - t0) / 1000);
      await sleep(500);
      const memory = memoryOf(hub.child.pid!);
      const once = exactlyOnce(calls, city);
      const throttled = calls.filter((c) => c.status === 429).length;
      // When LINE said 429, by second since the POST: bunched sends show where the hub's pace slipped.
      const bySecond = new Map<number, number>();
      for (const c of calls.filter((x) => x.status === 429)) {
        const second = Math.floor((c.at - t0) / 1000);
        bySecond.set(second, (bySecond.get(second) ?? 0) + 1);
      }
      const out = [
        '',
        'clean run',
        `  LINE calls accepted : ${multicasts} multicast + ${accepted.length - multicasts} group push = ${accepted.length}; minimum ${city.minimum.multicast} + ${city.minimum.push} = ${city.minimum.multicast + city.minimum.push} (per language ${JSON.stringify(city.minimum.byLanguage)})  ${accepted.length === city.minimum.multicast + city.minimum.push ? 'OK' : 'NOT MINIMAL'}`,
        `  LINE calls refused  : ${throttled} x 429 (over the limit; by second after the POST ${JSON.stringify(Object.fromEntries(bySecond))}), ${once.conflicts} x 409`,
        `  recipients          : ${once.people.toLocaleString('en-US')} people, ${once.duplicates} twice, ${once.missing} missing`,
        `  wall time           : ${wall.toFixed(2)} s from the POST to LINE accepting the last batch (first batch accepted after ${firstBatch.toFixed(2)} s; the POST answered, every batch planned, after ${(planned / 1000).toFixed(2)} s)`,
        `  bound               : ${bound.toFixed(2)} s (${multicasts} multicasts at ${limit}/s); wall is ${((wall / bound - 1) * 100).toFixed(1)}% over it`,
        `  hub memory          : RSS ${before.rssMb.toFixed(0)} MB after start with the city loaded, peak ${memory.peakMb.toFixed(0)} MB (VmHWM)`,
        `  machine             : ${busy.toFixed(2)} cores busy during the run (2 cores); load ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      ];
      process.stdout.write(out.join('\n') + '\n');
    } finally {
      await started?.stop(5000);
      await run.emulator.stop(5000);
      fs.rmSync(run.work, { recursive: true, force: true });
    }
  }

  // 2. kill -9 in the middle, restart, and count at LINE.
  {
    const run = await processes(build, root, limit, hubRate, nodeArgs);
    const hubs: Spawned[] = [];
    try {
      const city = await seedCity(path.join(run.work, 'data'), nums);
      const first = await run.startHub();
      hubs.push(first.hub);
      const emu = new KeepAliveClient(run.emulatorUrl, { maxSockets: 2, timeoutMs: 60_000 });
      void postBroadcast(first.url, city).catch(() => undefined);
      const killAt = Math.ceil(city.minimum.multicast * args['kill-at']);
      for (;;) {
        const ok = (await sendCalls(emu)).filter((c) => c.endpoint === 'multicast' && c.status === 200).length;
        if (ok >= killAt) break;
        await sleep(20);
      }
      first.hub.child.kill('SIGKILL');
      await first.hub.exited;
      const killedAfter = (await sendCalls(emu)).filter((c) => c.endpoint === 'multicast' && c.status === 200).length;
      const restarted = Date.now();
      const second = await run.startHub();
      hubs.push(second.hub);
      const calls = await untilDelivered(emu, city, 600_000);
      const resumedIn = (Math.max(...calls.map((c) => c.at)) - restarted) / 1000;
      const once = exactlyOnce(calls, city);
      const expected = city.minimum.multicast + city.minimum.push;
      const out = [
        '',
        `kill -9 after ${killedAfter} of ${city.minimum.multicast} multicasts were accepted, then a restart`,
        `  batches accepted    : ${once.batches} of ${expected}, ${once.twice} accepted twice  ${once.batches === expected && once.twice === 0 ? 'OK' : 'NOT EXACTLY ONCE'}`,
        `  recipients          : ${once.people.toLocaleString('en-US')} people, ${once.duplicates} twice, ${once.missing} missing`,
        `  resent after restart: ${once.conflicts} answered 409 (already accepted under the same retry key)`,
        `  finished            : ${resumedIn.toFixed(1)} s after the restart began`,
      ];
      process.stdout.write(out.join('\n') + '\n');
    } finally {
      for (const h of hubs) await h.stop(5000);
      await run.emulator.stop(5000);
      fs.rmSync(run.work, { recursive: true, force: true });
    }
  }
  process.stdout.write(`\nreproduce: ${reproduceCommand('bench/broadcast.ts', args)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/broadcast failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
