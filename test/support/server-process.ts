// src/server.ts (through tsx) as a child process, the way a person starts the hub, for tests of what the
// entry point does with an environment (config errors, what it loads at start).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface HubProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything the process has written so far. */
  output: { stdout: string; stderr: string };
}

/**
 * Starts the hub with exactly `env` plus PATH and HOME: a LINE credential or a MONGODB_URI in the
 * developer's shell must not change what the test sees.
 */
export function spawnHub(env: NodeJS.ProcessEnv): HubProcess {
  const root = path.join(__dirname, '..', '..');
  // Node with tsx's loader, not the tsx binary: that one runs the hub in a second process, which a
  // kill of the first would leave running (and holding the test's pipes open).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  return { child, output };
}
