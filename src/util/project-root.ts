import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The folder holding package.json. Code runs from src/ (tsx, jest) and from dist/src/ (built), so
 * paths to locales/ or seed data are found by walking up rather than by a fixed number of `..`.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  cached = dir;
  return dir;
}
