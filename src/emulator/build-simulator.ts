import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../util/project-root';
import { bundleSimulator } from './simulator-assets';

/** `npm run build`, after tsc: the chat simulator's front end into dist/simulator. */
async function main(): Promise<void> {
  const outdir = path.join(projectRoot(), 'dist', 'simulator');
  fs.rmSync(outdir, { recursive: true, force: true });
  await bundleSimulator(outdir);
  const files = fs.readdirSync(outdir);
  const bytes = files.reduce((sum, f) => sum + fs.statSync(path.join(outdir, f)).size, 0);
  console.log(`chat simulator: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${outdir}`);
}

main().catch((error: unknown) => {
  console.error('could not bundle the chat simulator:', error);
  process.exit(1);
});
