import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

/** Where the dashboard's built front end is, and what its map may load. */
export interface DashboardOptions {
  /** The folder `vite build` wrote (dist/dashboard); its index.html is the page. */
  dir: string;
  /** A `{z}/{x}/{y}` tile template for the map; without it the zones are drawn on a plain background. */
  tileUrl?: string;
  tileAttribution?: string;
}

/** The origin a tile template loads from, as a CSP source: `https://{s}.tile.example.org/...` -> `https://*.tile.example.org`. */
export function tileSource(template: string | undefined): string | undefined {
  const origin = /^(https?:\/\/[^/]+)/.exec(template ?? '')?.[1];
  return origin?.replace(/\{[a-z]\}/g, '*');
}

/**
 * The station dashboard at /dashboard: the files `vite build` made (src/dashboard/), with the page
 * itself for every other path under it (the front end routes /dashboard/cases/<id> and the others).
 * The page talks only to this origin (the admin API, its live feed, /media photos); the content
 * security policy says so, adding only the tile server when one is configured.
 */
export function dashboardRouter(options: DashboardOptions): Router {
  const router = express.Router();
  const tiles = tileSource(options.tileUrl);
  const policy = [
    "default-src 'self'",
    `img-src 'self' data: blob:${tiles ? ` ${tiles}` : ''}`,
    "style-src 'self'",
    "script-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const headers: RequestHandler = (_req, res, next) => {
    res.set({
      'content-security-policy': policy,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    next();
  };
  router.use(headers);

  router.get('/config.json', (_req, res) => {
    res.set('cache-control', 'no-cache').json({
      ...(options.tileUrl ? { tileUrl: options.tileUrl } : {}),
      ...(options.tileAttribution ? { tileAttribution: options.tileAttribution } : {}),
    });
  });
  // File names under assets/ carry a hash of their content: they never change.
  router.use(
    '/assets',
    express.static(path.join(options.dir, 'assets'), { immutable: true, maxAge: '365d', index: false }),
    (_req: express.Request, res: express.Response) => {
      res.status(404).type('text/plain; charset=utf-8').send('not found\n');
    },
  );
  router.get(/.*/, (req, res) => {
    // /dashboard -> /dashboard/, so the page's relative paths and the front end's router agree.
    if (req.originalUrl.split('?')[0] === req.baseUrl) {
      res.redirect(301, `${req.baseUrl}/`);
      return;
    }
    const page = path.join(options.dir, 'index.html');
    if (!fs.existsSync(page)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The dashboard is not built: run `npm run build` (npm start does it first).\n');
      return;
    }
    res.set('cache-control', 'no-cache').type('html').sendFile(page);
  });
  return router;
}
