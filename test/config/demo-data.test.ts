// The illustrative Hat Yai stations and zones are for the quick start against the LINE emulator.
// A real OA must never route residents to made-up stations: with real LINE credentials nothing is
// loaded, whatever the store holds.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { spawnHub } from '../support/server-process';

const SECRET = 'a-real-looking-channel-secret';
const TOKEN = 'a-real-looking-channel-access-token';
const ADMIN = 'admin-token-0123456789abcdef';

describe('demo data by configuration', () => {
  it('when no LINE credentials are set (the in-process emulator), then demo data is loaded', () => {
    expect(loadConfig({}).demoData).toBe(true);
  });

  it('when real LINE credentials are set, then demo data is not loaded', () => {
    expect(
      loadConfig({ LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, ADMIN_TOKEN: ADMIN }).demoData,
    ).toBe(false);
  });

  it.each([
    ['http://127.0.0.1:3100', true],
    ['http://localhost:3100', true],
    ['https://api.line.me', false],
    ['https://line-proxy.example.go.th', false],
  ])('when the credentials point LINE_API_BASE_URL at %s, then demo data is loaded: %s', (url, loaded) => {
    // An emulator started with `npm run emulator` runs on this machine; a proxy to LINE does not.
    const config = loadConfig({
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      ADMIN_TOKEN: ADMIN,
      LINE_API_BASE_URL: url,
    });
    expect(config.demoData).toBe(loaded);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the hub entry point with real LINE credentials', () => {
  it('when `tsx src/server.ts` starts on an empty store with credentials, then the admin API lists no stations', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-no-demo-'));
    const [port, closed] = [await freePort(), await freePort()];
    // LINE at 0.0.0.0 (this machine, not by a loopback name): the hub's own calls to LINE (rich
    // menus) are refused at once and nothing leaves the machine.
    const { child, output } = spawnHub({
      PORT: String(port),
      DATA_DIR: dataDir,
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      ADMIN_TOKEN: ADMIN,
      LINE_API_BASE_URL: `http://0.0.0.0:${closed}`,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
    });
    try {
      const up = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 30_000);
        child.stdout.on('data', () => {
          if (output.stdout.includes('hub is up')) {
            clearTimeout(timer);
            resolve(true);
          }
        });
        child.on('exit', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      expect({ up, stderr: output.stderr }).toEqual({ up: true, stderr: '' });
      const res = await fetch(`http://127.0.0.1:${port}/admin/stations`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 40_000);
});
