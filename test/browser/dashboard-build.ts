// The dashboard's front end, built for the browser tests and the screenshot script the way
// `npm run build` builds it (Vite, src/dashboard/vite.config.mts), into a folder of their own, so a
// test never serves a stale dist/ and never overwrites the one `npm start` made.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..', '..');

/** Builds the dashboard into a fresh temporary folder and returns it (about a second). */
export async function buildDashboard(): Promise<string> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-dashboard-'));
  // Vite's Node API is ESM only and jest runs tests as CommonJS: run its command line instead.
  await promisify(execFile)(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'src/dashboard/vite.config.mts',
      '--logLevel',
      'error',
    ],
    { cwd: ROOT, env: { ...process.env, DASHBOARD_OUT_DIR: out }, timeout: 120_000 },
  );
  if (!fs.existsSync(path.join(out, 'index.html')))
    throw new Error(`the dashboard build wrote no index.html in ${out}`);
  return out;
}

export function removeBuild(dir: string | undefined): void {
  if (dir?.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
}
