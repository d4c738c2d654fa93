// The admin API's reads that grow with a station's history: a year of weekly figures, a year as CSV,
// a page of cases, and one read of the dashboard feed after a burst of changes. In process, on the
// embedded store in memory, over HTTP on a loopback port (the LINE client is never called).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { createApp } from '../src/app';
import type { Case } from '../src/domain/reports/case';
import type { SosAlert } from '../src/domain/sos/alert';
import { silentLogger } from '../src/logger';
import { SdkLineGateway } from '../src/messaging/line-gateway';
import { EmbeddedStore } from '../src/store/embedded/nedb-store';
import { ManualClock } from '../src/util/clock';
import { parseArgs, reproduceCommand } from './lib/args';
import { seededRandom } from './lib/line-webhook';
import { Samples, ms } from './lib/stats';

const USAGE = `npx tsx bench/admin.ts [options]
  --cases N     cases over the year before now, at HYI and KHH   default 20000
  --alerts N    SOS alerts over the same year                    default 2000
  --changed N   cases changed just before the feed is read        default 500
  --repeat N    timed requests of each kind                       default 10
  --seed N      same data on every run                            default 1`;

const DEFAULTS = { cases: 20000, alerts: 2000, changed: 500, repeat: 10, seed: 1 };
const ADMIN = 'bench-admin-token-0123456789';
const NOW = Date.UTC(2026, 10, 25, 13, 0, 0);
const YEAR = 365 * 24 * 60 * 60_000;
const CATEGORIES = ['theft', 'suspicious', 'assault', 'drugs', 'accident', 'noise', 'infrastructure', 'other'];

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${ADMIN}`, ...headers } }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      })
      .on('error', reject);
  });
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), DEFAULTS, USAGE);
  const random = seededRandom(opts.seed);
  const clock = new ManualClock(NOW);
  const store = new EmbeddedStore();
  const line = new SdkLineGateway({ channelAccessToken: 'unused', baseUrl: 'http://127.0.0.1:9' });
  const hub = createApp({
    config: {
      line: { channelSecret: 'unused-secret', channelAccessToken: 'unused', emulated: true },
      adminToken: ADMIN,
    },
    store,
    line,
    clock,
    logger: silentLogger,
    seedDemoData: true,
    // The feed is read by hand below, never on a timer.
    adminFeedTicker: { every: () => () => undefined },
  });
  await hub.start();

  const t0 = performance.now();
  for (let i = 0; i < opts.cases; i++) {
    const createdAt = NOW - Math.floor(random() * YEAR);
    const station = i % 3 === 0 ? 'KHH' : 'HYI';
    const acked = random() < 0.9 ? createdAt + Math.floor(random() * 30 * 60_000) : undefined;
    const resolved = acked && random() < 0.8 ? acked + Math.floor(random() * 48 * 3_600_000) : undefined;
    const c: Case = {
      _id: `${station}-69-${String(i).padStart(6, '0')}`,
      kind: 'report',
      stationCode: station,
      inZone: true,
      groupId: 'C' + '1'.repeat(32),
      category: CATEGORIES[i % CATEGORIES.length]!,
      description: 'มีคนขโมยรถจักรยานยนต์หน้าร้านสะดวกซื้อ ช่วยตรวจสอบด้วยค่ะ',
      photos: [],
      location: { lat: 7.0 + random() * 0.05, lng: 100.46 + random() * 0.05, source: 'pin' },
      reporterId: 'U' + String(i).padStart(32, '0'),
      anonymous: false,
      reporterLanguage: 'th',
      status: resolved ? 'resolved' : acked ? 'acknowledged' : 'new',
      audit: [],
      createdAt,
      updatedAt: resolved ?? acked ?? createdAt,
      ...(acked ? { acknowledgedAt: acked } : {}),
      ...(resolved ? { closedAt: resolved } : {}),
    };
    await hub.repos.cases.create(c);
  }
  for (let i = 0; i < opts.alerts; i++) {
    const createdAt = NOW - Math.floor(random() * YEAR);
    const acked = createdAt + Math.floor(random() * 5 * 60_000);
    const alert: SosAlert = {
      _id: `SOS-HYI-69-${String(i).padStart(6, '0')}`,
      userId: 'U' + String(i).padStart(32, '1'),
      lang: 'th',
      stationCode: i % 3 === 0 ? 'KHH' : 'HYI',
      routedBy: 'pin',
      sourceEventId: `e${i}`,
      status: 'resolved',
      positions: [],
      escalationStep: 0,
      acknowledgedAt: acked,
      closedAt: acked + 600_000,
      audit: [],
      createdAt,
      updatedAt: acked + 600_000,
    };
    await hub.repos.alerts.create(alert);
  }
  const loadMs = performance.now() - t0;

  const server = http.createServer(hub.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const lastYear = `from=${new Date(NOW - YEAR + 7 * 3_600_000).toISOString().slice(0, 10)}&to=2026-11-25`;
  const timed = async (path: string) => {
    const samples = new Samples(opts.repeat);
    let last = { status: 0, bytes: 0 };
    for (let i = 0; i < opts.repeat; i++) {
      const a = performance.now();
      last = await get(port, path);
      samples.add(performance.now() - a);
    }
    if (last.status !== 200) throw new Error(`${path} answered ${last.status}`);
    return { ...samples.summary(), bytes: last.bytes };
  };
  const figures = await timed(`/admin/figures?${lastYear}`);
  const csv = await timed(`/admin/cases.csv?${lastYear}`);
  const page = await timed('/admin/cases?station=HYI&status=new,acknowledged&limit=100');

  // One dashboard open, then a burst of changes, then one read of the feed.
  const stream = await new Promise<http.IncomingMessage>((resolve) =>
    http.get(
      { host: '127.0.0.1', port, path: '/admin/events', headers: { authorization: `Bearer ${ADMIN}` } },
      resolve,
    ),
  );
  let events = 0;
  stream.on('data', (c: Buffer) => (events += (c.toString().match(/^event: case$/gm) ?? []).length));
  clock.advance(10_000);
  const ids = (await hub.repos.cases.search({ limit: opts.changed })).map((c) => c._id);
  for (const id of ids) await hub.repos.cases.update(id, { updatedAt: clock.now() });
  const a = performance.now();
  await hub.adminFeed.poll();
  const feedMs = performance.now() - a;
  await new Promise((resolve) => setTimeout(resolve, 200));

  const row = (name: string, s: { p50: number; max: number; bytes: number }) =>
    `  ${name.padEnd(36)} p50 ${ms(s.p50).padStart(6)} ms   max ${ms(s.max).padStart(6)} ms   ${(s.bytes / 1024).toFixed(0)} KiB`;
  process.stdout.write(
    [
      `admin API reads (node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0]!.toFixed(2)})`,
      `  data: ${opts.cases} cases and ${opts.alerts} SOS alerts over a year, embedded store in memory (loaded in ${(loadMs / 1000).toFixed(1)} s)`,
      row('GET /admin/figures (a year)', figures),
      row('GET /admin/cases.csv (a year)', csv),
      row('GET /admin/cases (a page of 100)', page),
      `  feed: one read after ${ids.length} cases changed: ${ms(feedMs)} ms, ${events} case events delivered`,
      `  reproduce: ${reproduceCommand('bench/admin.ts', opts)}`,
      '',
    ].join('\n'),
  );
  stream.destroy();
  server.close();
  await hub.stop();
  await line.close();
  await store.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
