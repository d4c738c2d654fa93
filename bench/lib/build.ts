// Benches run the compiled hub with plain node, as production does (`node dist/src/server.js`): tsx
// would add its transform hooks and source maps to the very process being measured.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the hub's JavaScript comes from. 'private' (the default) compiles the working tree into
 * node_modules/.cache/ssz-bench/build: dist/ is left alone, so a bench never races someone else's
 * `npm run build` (which starts with rm -rf dist), and the hub still finds package.json and locales/
 * by walking up. 'dist' uses dist/ as it is (run `npm run build` first).
 * A path is used as it is (a compiled hub elsewhere, for experiments; it must sit under the project
 * so package.json and locales/ are found). Returns the directory that holds src/server.js.
 */
export function hubBuild(root: string, mode: string): string {
  if (mode === 'dist') {
    const dir = path.join(root, 'dist');
    if (!fs.existsSync(path.join(dir, 'src/server.js')))
      throw new Error('dist/src/server.js is missing: run npm run build first');
    return dir;
  }
  if (mode.includes('/')) {
    // An already compiled hub somewhere else (an experiment: a patched copy of a build).
    const dir = path.resolve(root, mode);
    if (!fs.existsSync(path.join(dir, 'src/server.js'))) throw new Error(`${dir}/src/server.js is missing`);
    return dir;
  }
  if (mode !== 'private')
    throw new Error(`--build must be private, dist or a directory holding src/server.js, not ${mode}`);
  const cache = path.join(root, 'node_modules/.cache/ssz-bench');
  const outDir = path.join(cache, 'build');
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
      '--incremental',
      '--tsBuildInfoFile',
      path.join(cache, 'tsbuildinfo'),
      '--pretty',
      'false',
    ],
    { cwd: root, encoding: 'utf8', timeout: 300_000 },
  );
  // tsc emits JavaScript even when types do not check (noEmitOnError is off). A type error elsewhere
  // in a tree others are editing should not stop a measurement, but it must be visible.
  const errors = (result.stdout ?? '').split('\n').filter((l) => /error TS\d+/.test(l));
  if (errors.length > 0) {
    process.stderr.write(
      `bench: the working tree has ${errors.length} type error(s); measuring the emitted JavaScript anyway:\n`,
    );
    for (const e of errors.slice(0, 5)) process.stderr.write(`  ${e}\n`);
  }
  if (result.error || !fs.existsSync(path.join(outDir, 'src/server.js'))) {
    throw new Error(
      `compiling the hub failed: ${result.error?.message ?? result.stderr ?? 'no src/server.js emitted'}`,
    );
  }
  return outDir;
}

/** The commit and whether the tree has uncommitted changes, so a figure can be tied to code. */
export function treeState(root: string): string {
  const head =
    spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout?.trim() || 'unknown';
  const dirty = (
    spawnSync('git', ['status', '--porcelain', '--', 'src', 'flex-templates', 'locales'], {
      cwd: root,
      encoding: 'utf8',
    }).stdout ?? ''
  ).trim();
  return dirty ? `${head} + uncommitted changes in src/flex-templates/locales` : head;
}
