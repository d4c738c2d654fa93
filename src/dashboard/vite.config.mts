// The dashboard's build (`npm run build` runs `vite build` with this file): Preact, Leaflet and
// Chart.js bundled into dist/dashboard, which the hub serves at /dashboard. `npm run dev:dashboard`
// serves the sources with reload and sends /admin and /media to a hub running on :3000.
import path from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;
const hub = process.env.HUB_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  base: '/dashboard/',
  publicDir: false,
  // The locale files live at the repository's root, outside this folder.
  server: { fs: { allow: [path.resolve(here, '../..')] }, proxy: { '/admin': hub, '/media': hub } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: process.env.DASHBOARD_OUT_DIR ?? path.resolve(here, '../../dist/dashboard'),
    emptyOutDir: true,
    target: ['chrome100', 'firefox100', 'safari15'],
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
});
