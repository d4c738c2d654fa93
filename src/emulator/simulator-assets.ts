import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { projectRoot } from '../util/project-root';

/**
 * The chat simulator's front end (src/emulator/web/, TypeScript and CSS with a Thai web font and
 * Leaflet from npm), bundled by esbuild. `npm run build` writes the bundle to dist/simulator, and the
 * built hub serves it from there; code running from src/ (tsx, jest) bundles the sources in memory
 * on the first request instead, so an edit shows on reload and a stale dist/ is never served.
 */
export interface SimulatorAssets {
  get(name: string): { data: Buffer; contentType: string } | undefined;
}

const ENTRY = path.join('src', 'emulator', 'web', 'main.ts');
const BUILT_DIR = path.join('dist', 'simulator');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function contentTypeOf(name: string): string {
  return TYPES[path.extname(name)] ?? 'application/octet-stream';
}

/** fontsource lists a .woff beside every .woff2; every browser that runs the page reads woff2, so the older copies are left out. */
const woff2Only: Plugin = {
  name: 'woff2-only',
  setup(build) {
    build.onLoad({ filter: /@fontsource[\\/].*\.css$/ }, (args) => ({
      contents: fs.readFileSync(args.path, 'utf8').replace(/,\s*url\([^)]*\.woff\)\s*format\('woff'\)/g, ''),
      loader: 'css',
      resolveDir: path.dirname(args.path),
    }));
  },
};

/** Bundles the front end; with `outdir` the files are written there (and listed), else kept in memory. */
export async function bundleSimulator(outdir?: string): Promise<Map<string, Buffer>> {
  const root = projectRoot();
  // esbuild is a build tool (a devDependency): loaded only when a bundle is made, never by the built hub.
  const esbuild = await import('esbuild');
  const out = outdir ?? path.join(root, BUILT_DIR);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { app: ENTRY },
    bundle: true,
    format: 'iife',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    loader: { '.woff2': 'file', '.woff': 'file', '.png': 'file', '.svg': 'file' },
    assetNames: '[name]-[hash]',
    outdir: out,
    write: outdir !== undefined,
    logLevel: 'silent',
    plugins: [woff2Only],
  });
  const files = new Map<string, Buffer>();
  for (const file of result.outputFiles ?? []) files.set(path.relative(out, file.path), Buffer.from(file.contents));
  return files;
}

function fromFiles(files: Map<string, Buffer>): SimulatorAssets {
  return {
    get: (name) => {
      const data = files.get(name);
      return data ? { data, contentType: contentTypeOf(name) } : undefined;
    },
  };
}

function fromDir(dir: string): SimulatorAssets {
  const names = new Set(fs.readdirSync(dir));
  return {
    get: (name) => {
      if (!names.has(name)) return undefined;
      return { data: fs.readFileSync(path.join(dir, name)), contentType: contentTypeOf(name) };
    },
  };
}

let loading: Promise<SimulatorAssets> | undefined;

/** The bundle for this process: the built one when running from dist/, else made from the sources once. */
export function simulatorAssets(): Promise<SimulatorAssets> {
  if (!loading) {
    const root = projectRoot();
    const builtDir = path.join(root, BUILT_DIR);
    const runningBuilt = __dirname.startsWith(path.join(root, 'dist') + path.sep);
    loading = runningBuilt
      ? Promise.resolve(fromDir(builtDir))
      : bundleSimulator(undefined).then(fromFiles, (error: unknown) => {
          loading = undefined;
          throw error;
        });
  }
  return loading;
}
