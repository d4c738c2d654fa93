// Child processes for benches: the built hub and the LINE emulator run as separate processes so the
// load generator's own CPU use is not mixed into the server's event loop. Every child is tracked and
// killed when the bench exits for any reason, so a failed run never leaves a server holding a port.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface Spawned {
  name: string;
  child: ChildProcess;
  /** Settles when the process has exited, with its exit code (null when killed by a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Lines the child wrote that matched warn/error levels or were not JSON (pino writes JSON). */
  notable: string[];
  /** How many notable lines the child wrote in total (`notable` keeps a bounded excerpt). */
  notableTotal(): number;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<Spawned>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only thing guaranteed to land.
  process.on('exit', () => {
    for (const s of live) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping children\n`);
      void Promise.all([...live].map((s) => s.stop(3000))).finally(() => process.exit(130));
    });
  }
}

export interface SpawnOptions {
  name: string;
  /** A JavaScript file run with the current node binary. */
  script: string;
  args?: string[];
  /** Flags for node itself, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/x']. */
  nodeArgs?: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Everything the child writes is copied here (the bench prints only a bounded excerpt). */
  logFile: string;
  /** At most this many notable lines are kept in memory; the rest are only counted. */
  maxNotable?: number;
}

export function spawnNode(options: SpawnOptions): Spawned {
  hookExit();
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.createWriteStream(options.logFile);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const notable: string[] = [];
  const maxNotable = options.maxNotable ?? 50;
  let notableSeen = 0;
  const scan = (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      // pino levels: 40 warn, 50 error, 60 fatal. Plain text (a stack trace, a startup banner) is kept too.
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level !== undefined && Number(level) < 40) continue;
      if (level === undefined && !/error|warn|fail/i.test(line)) continue;
      notableSeen += 1;
      if (notable.length < maxNotable) notable.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    }
  };
  child.stdout?.on('data', scan);
  child.stderr?.on('data', scan);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(spawned);
      log.end();
      resolve({ code, signal });
    });
  });

  const spawned: Spawned = {
    name: options.name,
    child,
    exited,
    notable,
    notableTotal: () => notableSeen,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  live.add(spawned);
  return spawned;
}

/**
 * A port that was free a moment ago on loopback. The OS picks it (port 0), so two benches running at
 * once do not collide; the small window before the child binds it is acceptable for a bench.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Polls `url` until it answers with `status` (default 200), the child dies, or `timeoutMs` passes.
 * Uses a fresh connection each time so a half-started server cannot poison a keep-alive pool.
 */
export async function waitForHttp(
  url: string,
  options: { timeoutMs?: number; status?: number; child?: Spawned } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const want = options.status ?? 200;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (options.child && (options.child.child.exitCode !== null || options.child.child.signalCode !== null)) {
      throw new Error(
        `${options.child.name} exited before ${url} answered: ${options.child.notable.slice(-5).join('\n')}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000), headers: { connection: 'close' } });
      await res.arrayBuffer();
      if (res.status === want) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer ${want} within ${options.timeoutMs ?? 20_000} ms (${last})`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The environment a child gets: ours minus anything that would point the hub at a real LINE or Mongo. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(LINE_|MONGODB_|GOOGLE_MAPS_|ADMIN_TOKEN|PORT$|EMULATOR_|DATA_DIR$|LOG_LEVEL$|NODE_OPTIONS$)/.test(k))
      continue;
    env[k] = v;
  }
  return { ...env, NODE_ENV: 'production', ...extra };
}
