// The compiled hub and the LINE emulator as child processes, as the report and SOS benches run them.
import path from 'node:path';
import { cleanEnv, freePort, spawnNode, waitForHttp, type Spawned } from './processes';

/** The hub's channel secret when no LINE credentials are set (src/config.ts). */
export const EMULATOR_SECRET = 'emulator-channel-secret';
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';

export interface HubWithEmulator {
  hub: Spawned;
  emulator?: Spawned;
  hubUrl: string;
  emulatorUrl: string;
  /** The admin API's bearer token for this hub. */
  adminToken: string;
  stop(): Promise<void>;
}

/**
 * `separate`: the emulator is a process of its own, as LINE is, and the hub gets LINE credentials
 * pointing at it. Otherwise the hub starts it in-process, as `npm start` does.
 */
export async function startHubWithEmulator(options: {
  root: string;
  build: string;
  work: string;
  separate: boolean;
  env?: Record<string, string>;
  /** A folder for V8 CPU profiles of both processes. */
  cpuProfDir?: string;
}): Promise<HubWithEmulator> {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const prof = (sub: string) =>
    options.cpuProfDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfDir, sub)}`] } : {};
  const emulator = options.separate
    ? spawnNode({
        name: 'emulator',
        script: path.join(options.build, 'src/emulator/main.js'),
        env: cleanEnv({
          EMULATOR_PORT: String(emulatorPort),
          LINE_CHANNEL_SECRET: EMULATOR_SECRET,
          EMULATOR_WEBHOOK_URL: `http://127.0.0.1:${port}/webhook`,
        }),
        cwd: options.root,
        logFile: path.join(options.work, 'emulator.log'),
        ...prof('emulator'),
      })
    : undefined;
  const adminToken = options.separate ? BENCH_ADMIN_TOKEN : 'local-admin-token-emulator-only';
  const hub = spawnNode({
    name: 'hub',
    script: path.join(options.build, 'src/server.js'),
    env: cleanEnv({
      PORT: String(port),
      EMULATOR_PORT: String(emulatorPort),
      DATA_DIR: path.join(options.work, 'data'),
      LOG_LEVEL: 'warn',
      ...(options.separate
        ? {
            LINE_CHANNEL_SECRET: EMULATOR_SECRET,
            LINE_CHANNEL_ACCESS_TOKEN: 'bench-channel-access-token',
            LINE_API_BASE_URL: `http://127.0.0.1:${emulatorPort}`,
            ADMIN_TOKEN: adminToken,
          }
        : {}),
      ...options.env,
    }),
    cwd: options.root,
    logFile: path.join(options.work, 'hub.log'),
    ...prof('hub'),
  });
  const stop = async () => {
    await hub.stop(5000);
    await emulator?.stop(5000);
  };
  try {
    if (emulator)
      await waitForHttp(`http://127.0.0.1:${emulatorPort}/_emulator/calls?limit=1`, {
        child: emulator,
        timeoutMs: 30_000,
      });
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, { child: hub, timeoutMs: 30_000 });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    hub,
    emulator,
    hubUrl: `http://127.0.0.1:${port}`,
    emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
    adminToken,
    stop,
  };
}
