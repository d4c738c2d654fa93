// Where CPU time went: per-process CPU seconds from /proc (so a bench can say "the hub used 0.97 of a
// core" and tell a saturated server from an idle one waiting on I/O), and a summary of a V8
// .cpuprofile written by `node --cpu-prof` (self time per function, heaviest first).
import fs from 'node:fs';

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; NaN where /proc is not available. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds the whole machine has spent busy (all cores, user + system + irq + steal). Minus what
 * the bench's own processes used, it tells whether something else competed for the cores during a run.
 */
export function machineBusySeconds(): number {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  selfMs: number;
  share: number;
  name: string;
  where: string;
}

/** Self time by function (name + file + line), heaviest first. */
export function hotSpots(
  file: string,
  top = 25,
): { totalMs: number; spots: HotSpot[]; byPackage: Array<{ pkg: string; ms: number; share: number }> } {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map<string, HotSpot>();
  const byPackage = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const name = functionName || (url ? '(anonymous)' : '(native)');
    const key = `${name} ${where}`;
    const spot = byFunction.get(key) ?? { selfMs: 0, share: 0, name, where };
    spot.selfMs += us / 1000;
    byFunction.set(key, spot);
    const pkg = packageOf(url, name);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us / 1000);
  }
  const totalMs = totalUs / 1000;
  const spots = [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  for (const s of spots) s.share = s.selfMs / totalMs;
  return {
    totalMs,
    spots,
    byPackage: [...byPackage.entries()]
      .map(([pkg, msValue]) => ({ pkg, ms: msValue, share: msValue / totalMs }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 15),
  };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

/** Groups self time by npm package, the hub's own code, node internals, or V8 (GC, idle, native). */
function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/dist/')) return 'hub (dist)';
  return url;
}

/**
 * Waits (at most `maxSeconds`) until the machine has been nearly idle for a 2 s window, so a bench on
 * a shared machine does not start in the middle of someone else's test run. Returns the busy cores
 * seen in the last window; the caller reports it either way.
 */
export async function waitForQuietMachine(maxSeconds: number, idleBelowCores = 0.3): Promise<number> {
  const deadline = Date.now() + maxSeconds * 1000;
  let busy = Number.NaN;
  for (let i = 0; i < 10_000; i += 1) {
    const before = machineBusySeconds();
    await new Promise((r) => setTimeout(r, 2000));
    busy = (machineBusySeconds() - before) / 2;
    if (!(busy >= idleBelowCores) || Date.now() >= deadline) break;
  }
  return busy;
}

// What a hub's CPU goes to, by the innermost frame that belongs to a known activity. Self time
// alone scatters one activity (say, an HTTP call through fetch) over dozens of internal functions.
const ACTIVITIES: Array<[string, RegExp]> = [
  [
    'LINE API calls (SDK, fetch/undici)',
    /node:internal\/deps\/undici|internal\/webstreams|exposed-window-or-worker|@line\/bot-sdk\/dist\/cjs\/(http-fetch|messaging-api)/,
  ],
  ['embedded store (NeDB)', /@seald-io\/(nedb|binary-search-tree)|store\/embedded\//],
  [
    'express, body parsing',
    /node_modules\/(express|router|body-parser|raw-body|type-is|content-type|on-finished|finalhandler|send|iconv-lite|qs)\//,
  ],
  ['node HTTP and sockets', /^node:(_http|net|internal\/stream_base|internal\/streams|internal\/http)/],
  ['webhook signature', /validate-signature|node:internal\/crypto/],
  ['zod', /node_modules\/zod\//],
  ['i18next', /node_modules\/i18next\//],
  ['metrics (prom-client)', /node_modules\/prom-client\//],
  ['logging (pino)', /node_modules\/pino/],
  ['rate limiter (bottleneck)', /node_modules\/bottleneck\//],
  ['hub code', /\/(src|flex-templates)\/.*\.js$/],
];

export interface ActivityShare {
  activity: string;
  share: number;
  /** Main-thread CPU time per unit of work (e.g. per event), when `units` was given. */
  usPerUnit?: number;
}

export function cpuByActivity(file: string, units?: number): ActivityShare[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string>();
  const activityOf = (id: number): string => {
    const known = memo.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const { functionName, url } = node.callFrame;
    let found: string | undefined;
    if (!url && /^\((idle|garbage collector|program)\)$/.test(functionName)) found = functionName;
    else found = ACTIVITIES.find(([, re]) => re.test(url))?.[0];
    const up = parent.get(id);
    const result = found ?? (up === undefined ? 'other' : activityOf(up));
    memo.set(id, result);
    return result;
  };
  const totals = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const activity = activityOf(profile.samples[i]!);
    totals.set(activity, (totals.get(activity) ?? 0) + dt);
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([activity, us]) => ({ activity, share: us / total, ...(units ? { usPerUnit: us / units } : {}) }));
}
