// The embedded store's retention purge at a city's size: `--rows` handled inbox entries (or sent outbox
// rows) past their 7 days, beside `--keep` recent ones, purged by the repository method the hourly
// retention job calls, while the event loop's stalls are measured and a webhook-like store operation
// (accept an event, mark it done) runs every few milliseconds. The review measured 4 to 7 s freezes
// below 125,000 rows and a RangeError above; `--mode single` reproduces that (one deleteMany chosen by
// the old status index). In-process, on disk in a temporary directory, like bench/zones.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { EmbeddedStore } from '../src/store/embedded/nedb-store';
import { InboxRepository, type InboxEntry } from '../src/store/repositories/inbox-repository';
import { OutboxRepository } from '../src/store/repositories/outbox-repository';
import { parseArgs, reproduceCommand } from './lib/args';
import { machineBusySeconds, ownCpuSeconds, waitForQuietMachine } from './lib/cpu';
import { Samples, ms } from './lib/stats';

const USAGE = `npx tsx bench/retention.ts [options]
  --kind K          inbox (handled entries) or outbox (sent messages)                   default inbox
  --rows N          rows past retention, to be purged                                   default 200000
  --keep N          recent rows of the same status, to be kept                          default 20000
  --mode M          batched (the hub's purge) or single (one deleteMany on the old status index)
  --probe-ms N      a webhook-like store operation every N ms during the purge          default 5
  --quiet-wait N    wait up to N s for other processes to go idle before starting       default 60
  --limit-ms N      the longest event-loop stall that passes                            default 100`;

const DEFAULTS = {
  kind: 'inbox',
  rows: 200_000,
  keep: 20_000,
  mode: 'batched',
  'probe-ms': 5,
  'quiet-wait': 60,
  'limit-ms': 100,
};

const DAY = 24 * 60 * 60_000;
const NOW = Date.UTC(2026, 10, 25, 13, 0, 0);
const INSERT_BATCH = 10_000;

/** A sent outbox row's messages as stored (a JSON string): a text answer, or a report card's size. */
function storedMessages(i: number): string {
  const text = 'ได้รับเรื่องของคุณแล้วค่ะ เจ้าหน้าที่สถานีตำรวจภูธรหาดใหญ่จะติดต่อกลับโดยเร็วที่สุดค่ะ';
  const messages = [{ type: 'text', text: i % 3 === 0 ? text.repeat(6) : text }];
  return JSON.stringify(messages);
}

function row(kind: string, i: number, at: number): Record<string, unknown> & { _id: string } {
  if (kind === 'outbox') {
    return {
      _id: `r${i}:0`,
      kind: 'push',
      to: `U${(i % 5000).toString(16).padStart(32, '0')}`,
      messages: storedMessages(i),
      retryKey: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      orderKey: `user:U${i % 5000}`,
      status: 'sent',
      attempts: 1,
      nextAttemptAt: at,
      createdAt: at,
      seq: at * 1000 + (i % 1000),
      sentAt: at,
      sentAs: 'push',
      purpose: 'help',
    };
  }
  return {
    _id: `e${i.toString(16).padStart(24, '0')}`,
    seq: at * 1000 + (i % 1000),
    sourceKey: `user:U${(i % 5000).toString(16).padStart(32, '0')}`,
    status: 'done',
    receivedAt: at,
    attempts: 1,
    doneAt: at,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), DEFAULTS, USAGE);
  if (args.kind !== 'inbox' && args.kind !== 'outbox') throw new Error(`--kind inbox or outbox\n${USAGE}`);
  if (args.mode !== 'batched' && args.mode !== 'single') throw new Error(`--mode batched or single\n${USAGE}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-bench-retention-'));
  const store = new EmbeddedStore({ dir, compactionIntervalMs: 24 * 60 * 60_000 });
  try {
    const inbox = new InboxRepository(store);
    const outbox = new OutboxRepository(store);
    const table = store.collection<Record<string, unknown> & { _id: string }>(args.kind);
    await store.open(['inbox', 'outbox']);
    if (args.mode === 'single') await table.ensureIndex({ field: 'status' });
    else await (args.kind === 'inbox' ? inbox.init() : outbox.init());

    // Old rows spread over the 30 days before the retention line, recent ones over the 7 after it.
    const line = NOW - 7 * DAY;
    process.stdout.write(`filling ${args.kind}: ${args.rows} old + ${args.keep} recent rows ... `);
    const t0 = performance.now();
    const total = args.rows + args.keep;
    for (let start = 0; start < total; start += INSERT_BATCH) {
      const docs = [];
      for (let i = start; i < Math.min(total, start + INSERT_BATCH); i++) {
        const old = i < args.rows;
        const at = old
          ? line - 30 * DAY + Math.floor((i / args.rows) * 30 * DAY)
          : line + Math.floor(((i - args.rows) / args.keep) * 7 * DAY);
        docs.push(row(args.kind, i, at));
      }
      await table.insertNew(docs);
    }
    store.sync();
    console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const busyAtStart = args['quiet-wait'] > 0 ? await waitForQuietMachine(args['quiet-wait']) : Number.NaN;

    // Event-loop stalls: a 1 ms timer, and how late each tick came.
    const stalls = new Samples();
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      stalls.add(Math.max(0, now - last - 1));
      last = now;
    }, 1);
    // A webhook's store work meanwhile: accept an event, then mark it done (two inbox operations).
    const probes = new Samples();
    let probeSeq = 0;
    let probing = true;
    const probeLoop = (async () => {
      while (probing) {
        const id = `probe${probeSeq++}`;
        const started = performance.now();
        const entry: InboxEntry = {
          _id: id,
          seq: NOW * 1000 + probeSeq,
          sourceKey: 'user:Uprobe',
          event: { type: 'message' },
          status: 'pending',
          receivedAt: NOW,
          attempts: 0,
        };
        await inbox.accept([entry]);
        await inbox.markManyDone([id], NOW);
        probes.add(performance.now() - started);
        await new Promise((r) => setTimeout(r, args['probe-ms']));
      }
    })();

    // Each batch the purge deletes (the repository calls this collection object's deleteOldest): its
    // wall time and the CPU time of the process meanwhile. A long batch with little CPU time was
    // preempted by the OS (other processes on the cores), not slowed by the purge's own work.
    const batches: Array<{ wallMs: number; cpuMs: number }> = [];
    const deleteOldest = table.deleteOldest.bind(table);
    table.deleteOldest = async (...call) => {
      const wall0 = performance.now();
      const cpu = process.cpuUsage();
      const n = await deleteOldest(...call);
      const used = process.cpuUsage(cpu);
      batches.push({ wallMs: performance.now() - wall0, cpuMs: (used.user + used.system) / 1000 });
      return n;
    };

    // Garbage collection pauses meanwhile: a stall that matches one is V8's, not the purge's code.
    const gcPauses = new Samples(1024);
    const gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcPauses.add(entry.duration);
    });
    gc.observe({ entryTypes: ['gc'] });

    const cpu0 = ownCpuSeconds();
    const machine0 = machineBusySeconds();
    const started = performance.now();
    let removed = 0;
    let error: string | undefined;
    try {
      if (args.mode === 'single') {
        removed = await table.deleteMany(
          args.kind === 'inbox' ? { status: 'done', doneAt: { $lt: line } } : { status: 'sent', sentAt: { $lt: line } },
        );
      } else {
        removed = args.kind === 'inbox' ? await inbox.purgeDone(line) : await outbox.purgeSent(line);
      }
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    const purgeMs = performance.now() - started;
    probing = false;
    await probeLoop;
    clearInterval(tick);
    gc.disconnect();
    const wall = (performance.now() - started) / 1000;
    const ownCpu = ownCpuSeconds() - cpu0;
    const otherCores = Math.max(0, (machineBusySeconds() - machine0 - ownCpu) / wall);

    const stall = stalls.summary();
    const probed = probes.summary();
    const paused = gcPauses.summary();
    const slowestAt = batches.reduce((at, b, i) => (b.wallMs > (batches[at]?.wallMs ?? -1) ? i : at), 0);
    const slowest = batches[slowestAt] ?? { wallMs: Number.NaN, cpuMs: Number.NaN };
    const busiest = Math.max(...batches.map((b) => b.cpuMs));
    // The probes' entries are in the inbox too.
    const remaining = (await table.count({})) - (args.kind === 'inbox' ? probeSeq : 0);
    const passed = !error && stall.max <= args['limit-ms'] && remaining === args.keep;
    console.log(
      [
        '',
        `retention purge of the embedded store (${args.mode}), ${args.kind}: ${args.rows} rows past retention beside ${args.keep} recent`,
        error
          ? `  purge failed after ${ms(purgeMs)} ms: ${error}`
          : `  removed ${removed} rows in ${(purgeMs / 1000).toFixed(2)} s (${Math.round(removed / (purgeMs / 1000))} rows/s); ${remaining} recent rows kept`,
        `  event-loop stall: max ${ms(stall.max)} ms, p99 ${ms(stall.p99)} ms (1 ms timer, ${stall.count} ticks); limit ${args['limit-ms']} ms: ${passed ? 'PASS' : 'FAIL'}`,
        `  batches: ${batches.length}; slowest ${ms(slowest.wallMs)} ms (CPU ${ms(slowest.cpuMs)} ms, batch ${slowestAt + 1}); first ${ms(batches[0]?.wallMs ?? Number.NaN)} ms; most CPU in one batch ${ms(busiest)} ms`,
        `  garbage collection meanwhile: ${paused.count} pauses, longest ${ms(paused.max)} ms, ${ms(paused.mean * paused.count)} ms in all`,
        `  webhook-like store work meanwhile (accept + mark done): ${probed.count} done, p50 ${ms(probed.p50)} ms, p99 ${ms(probed.p99)} ms, max ${ms(probed.max)} ms`,
        `  machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; cores busy before start ${Number.isNaN(busyAtStart) ? '-' : busyAtStart.toFixed(2)}, other processes during the run ${otherCores.toFixed(2)}`,
        `  reproduce: ${reproduceCommand('bench/retention.ts', args)}`,
        '',
      ].join('\n'),
    );
    process.exitCode = passed ? 0 : 1;
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
