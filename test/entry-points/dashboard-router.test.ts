// How the hub serves the dashboard's built files: the page for every path the front end routes,
// hashed assets cached for good, a page that loads nothing from elsewhere (but the tile server when
// one is configured), and a plain answer when the front end was never built.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { dashboardRouter, tileSource } from '../../src/entry-points/dashboard-router';
import { loadConfig, ConfigError } from '../../src/config';

function builtDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-dashboard-test-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>dashboard</title>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  return dir;
}

function appWith(options: Parameters<typeof dashboardRouter>[0]) {
  const app = express();
  app.use('/dashboard', dashboardRouter(options));
  return app;
}

describe('dashboard router', () => {
  const dir = builtDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when a page of the dashboard is asked for, then the built page comes, not cached, with a policy that allows only this origin', async () => {
    const app = appWith({ dir });
    for (const p of ['/dashboard/', '/dashboard/cases/HYI-69-000001', '/dashboard/map']) {
      const res = await request(app).get(p);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<title>dashboard</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("img-src 'self' data: blob:;");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('when /dashboard is asked for without the slash, then it redirects to /dashboard/', async () => {
    const res = await request(appWith({ dir })).get('/dashboard');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/dashboard/');
  });

  it('when an asset is asked for, then it is cached for a year, and a missing one is 404 rather than the page', async () => {
    const app = appWith({ dir });
    const js = await request(app).get('/dashboard/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.headers['content-type']).toContain('javascript');
    const missing = await request(app).get('/dashboard/assets/index-gone.js');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('<title>');
  });

  it('when a tile server is configured, then the map config names it and the policy lets images come from it', async () => {
    const app = appWith({
      dir,
      tileUrl: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png',
      tileAttribution: '© Example',
    });
    const config = await request(app).get('/dashboard/config.json');
    expect(config.body).toEqual({
      tileUrl: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png',
      tileAttribution: '© Example',
    });
    expect(config.headers['content-security-policy']).toContain(
      "img-src 'self' data: blob: https://*.tiles.example.org;",
    );
    expect((await request(appWith({ dir })).get('/dashboard/config.json')).body).toEqual({});
    expect(tileSource('http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png')).toBe('http://10.0.0.5:8080');
  });

  it('when the front end was never built, then the page answers 503 saying how to build it', async () => {
    const res = await request(appWith({ dir: path.join(dir, 'nothing-here') })).get('/dashboard/');
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build');
  });

  it('when DASHBOARD_TILE_URL is not a {z}/{x}/{y} template, then start-up stops naming it', () => {
    expect(loadConfig({ DASHBOARD_TILE_URL: 'https://tiles.example.org/{z}/{x}/{y}.png' }).dashboardTileUrl).toBe(
      'https://tiles.example.org/{z}/{x}/{y}.png',
    );
    expect(() => loadConfig({ DASHBOARD_TILE_URL: 'https://tiles.example.org/tile.png' })).toThrow(ConfigError);
    expect(() => loadConfig({ DASHBOARD_TILE_URL: 'https://tiles.example.org/tile.png' })).toThrow(
      /DASHBOARD_TILE_URL/,
    );
  });
});
