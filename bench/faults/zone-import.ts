// bench/faults/zone-import: an admin uploads a zone of 40,000 vertices (and a star polygon with
// millions of self-crossings) while the hub serves. Figure: the longest event-loop stall during the
// upload, seen from inside (the hub's event-loop lag metric) and from outside (/healthz probed every
// 10 ms), and what the admin was answered.
//
//   npx tsx bench/faults/zone-import.ts      # 40,001-vertex circle, a 9,001-vertex one, a 4,001-point star
//   npx tsx bench/faults/zone-import.ts --vertices 9000
import path from 'node:path';
import { parseArgs, reproduceCommand } from '../lib/args';
import { hubBuild } from '../lib/build';
import { sleep } from '../lib/processes';
import { ADMIN_TOKEN, hubMetric, loadAverage, startLab } from './lib';

const USAGE =
  'usage: npx tsx bench/faults/zone-import.ts [--vertices 40001] [--accepted 9001] [--star 4001] [--build private|dist|DIR]';

function zoneFile(id: string, ring: Array<[number, number]>): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id, stationCode: 'HYI', name_th: 'ทดสอบ', name_en: 'Test', name_ms: 'Ujian' },
        geometry: { type: 'Polygon', coordinates: [ring] },
      },
    ],
  });
}

/** A circle (no crossings) or a star (each point joined to one almost opposite: n²/4 crossings). */
function ring(n: number, star: boolean): Array<[number, number]> {
  const k = Math.floor(n / 2) - 1;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n - 1; i++) {
    const a = (2 * Math.PI * (star ? (i * k) % (n - 1) : i)) / (n - 1);
    out.push([100.47 + 0.005 * Math.cos(a), 7.0 + 0.005 * Math.sin(a)]);
  }
  out.push(out[0]!);
  return out;
}

async function upload(
  hubUrl: string,
  body: string,
): Promise<{ status: number; answer: string; ms: number; probeMaxMs: number; probes: number }> {
  // /healthz every 10 ms while the upload runs: the longest wait is the stall as a client sees it.
  let running = true;
  let probeMaxMs = 0;
  let probes = 0;
  const prober = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(`${hubUrl}/healthz`).then((r) => r.arrayBuffer());
      probeMaxMs = Math.max(probeMaxMs, performance.now() - t);
      probes++;
      await sleep(10);
    }
  })();
  const t0 = performance.now();
  const res = await fetch(`${hubUrl}/admin/zones`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body,
  });
  const answer = await res.text();
  const ms = performance.now() - t0;
  await sleep(100);
  running = false;
  await prober;
  return { status: res.status, answer: answer.slice(0, 200), ms, probeMaxMs, probes };
}

async function main(): Promise<void> {
  const args = parseArgs(
    process.argv.slice(2),
    { vertices: 40_001, accepted: 9_001, star: 4_001, build: 'private' },
    USAGE,
  );
  const root = path.resolve(__dirname, '../..');
  const lab = await startLab({ root, build: hubBuild(root, args.build), name: 'zone-import', logLevel: 'warn' });
  const lines: string[] = [];
  try {
    await sleep(3_000);
    for (const [label, body] of [
      [`circle of ${args.vertices} vertices (${0} crossings)`, zoneFile('big-circle', ring(args.vertices, false))],
      [`circle of ${args.accepted} vertices (within the limit)`, zoneFile('HYI-fine', ring(args.accepted, false))],
      [`star of ${args.star} points`, zoneFile('star', ring(args.star, true))],
    ] as const) {
      await hubMetric(lab.hubUrl, 'nodejs_eventloop_lag_max_seconds'); // the lag histogram restarts at each scrape
      const r = await upload(lab.hubUrl, body);
      const lagMax = (await hubMetric(lab.hubUrl, 'nodejs_eventloop_lag_max_seconds')) * 1000;
      lines.push(
        `  ${label}, ${(body.length / 1e6).toFixed(1)} MB: answered ${r.status} in ${r.ms.toFixed(0)} ms ${r.answer}\n` +
          `    longest event-loop stall: ${lagMax.toFixed(0)} ms (hub's own lag metric), ${r.probeMaxMs.toFixed(0)} ms (/healthz probed ${r.probes} times); load ${loadAverage()}`,
      );
      process.stdout.write(`${lines.at(-1)}\n`);
    }
    const hub = lab.hub().child;
    lines.push(`  hub alive afterwards: ${hub.exitCode === null && hub.signalCode === null ? 'yes' : 'NO'}`);
  } finally {
    await lab.stop();
  }
  process.stdout.write(
    [
      '',
      'zone import while serving',
      ...lines,
      `  reproduce: ${reproduceCommand('bench/faults/zone-import.ts', args)}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
